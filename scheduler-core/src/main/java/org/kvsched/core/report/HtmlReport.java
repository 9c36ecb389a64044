package org.kvsched.core.report;

/** LOCAL STUB, never committed: lets the cli module compile until the lead merges the real HtmlReport. */
public final class HtmlReport {
    private HtmlReport() {
    }

    public static void write(final java.nio.file.Path dir, final String title,
                             final java.util.List<org.kvsched.core.metrics.RunResult> runs) throws java.io.IOException {
        throw new java.io.IOException("HtmlReport stub");
    }
}
