package org.kvsched.cli;

import java.io.PrintStream;
import java.util.Locale;

import org.kvsched.core.sim.ProgressListener;

/**
 * Prints a progress line to stderr at most once a second (nothing for runs shorter than that): done
 * count, percentage, request rate, virtual time reached and an ETA. Thread-safe enough for one run each.
 */
final class ProgressReporter implements ProgressListener {

    private final String label;
    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private long lastPrintNanos = startNanos;
    private boolean printed;

    ProgressReporter(final String label, final PrintStream out) {
        this.label = label;
        this.out = out;
    }

    @Override
    public void onProgress(final long finished, final long total, final long virtualTimeUs) {
        final long now = System.nanoTime();
        final boolean last = finished >= total;
        if (now - lastPrintNanos < 1_000_000_000L && !(last && printed)) {
            return;
        }
        lastPrintNanos = now;
        printed = true;
        final double elapsed = (now - startNanos) / 1e9;
        final double rate = finished / Math.max(elapsed, 1e-9);
        final double eta = rate > 0 ? (total - finished) / rate : Double.NaN;
        out.printf(Locale.ROOT, "[%s] %,d/%,d requests (%.1f%%)  %,.0f req/s  virtual %.1f s  elapsed %.1f s  ETA %s%n",
                label, finished, total, total == 0 ? 100.0 : 100.0 * finished / total, rate, virtualTimeUs / 1e6, elapsed,
                Double.isNaN(eta) ? "?" : String.format(Locale.ROOT, "%.1f s", eta));
    }
}
