package org.kvsched.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kvsched.core.metrics.RunResult;
import org.kvsched.reports.HtmlReport;
import org.kvsched.reports.ReportJson;
import org.kvsched.reports.SummaryJson;

/** Writes what the user asked for with --json and --report; one place for both commands. */
final class RunOutputs {

    private RunOutputs() {
    }

    /** Writes {@code json} (creating parent folders). */
    static void writeJson(final Path file, final String json) {
        try {
            final Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, json + System.lineSeparator());
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The JSON object of one run: the summary keys plus the run's identity and wall time. */
    static Map<String, Object> runObject(final RunResult r, final Map<String, Object> extra) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("policy", r.label());
        m.put("model", r.model());
        m.put("rate_scale", r.rateScale());
        m.putAll(SummaryJson.toMap(r.summary()));
        m.put(SummaryJson.WALL_S, r.wallSeconds());
        m.putAll(extra);
        return m;
    }

    /** JSON with a {@code runs} array, for compare. */
    static String runsJson(final List<RunResult> runs, final Map<String, Object> header) {
        final Map<String, Object> root = new LinkedHashMap<>(header);
        final List<Object> list = new ArrayList<>();
        for (final RunResult r : runs) {
            list.add(runObject(r, Map.of()));
        }
        root.put("runs", list);
        return ReportJson.write(root);
    }

    /** Writes the HTML report folder and tells the user where it is. */
    static void writeReport(final Path dir, final String title, final List<RunResult> runs) {
        try {
            HtmlReport.write(dir, title, runs);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write report to " + dir + ": " + e.getMessage(), e);
        }
        System.err.println("report: " + dir.resolve("index.html").toAbsolutePath().normalize());
    }
}
