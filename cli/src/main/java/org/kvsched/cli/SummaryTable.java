package org.kvsched.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.kvsched.core.metrics.RunResult;
import org.kvsched.core.metrics.Summary;

/** Prints runs as one aligned text table (latencies in seconds, since LLM latencies span ms to minutes). */
final class SummaryTable {

    private static final String[] HEADER = {
        "policy", "rate", "done", "rej", "preempt", "out tok/s", "TTFT p50", "TTFT p99", "E2E mean", "E2E p50", "E2E p99",
        "TPOT p50", "TPOT p99", "KV util", "KV peak", "makespan", "wall"
    };

    private SummaryTable() {
    }

    static void print(final PrintStream out, final List<RunResult> runs) {
        final List<List<String>> rows = new ArrayList<>();
        for (final RunResult r : runs) {
            final Summary s = r.summary();
            rows.add(List.of(
                r.label(),
                fmt("x%.2f", r.rateScale()),
                s.completed() + "/" + s.requests(),
                Long.toString(s.rejected()),
                Long.toString(s.preemptions()),
                fmt("%.0f", s.throughputTokensPerS()),
                seconds(s.ttftMs().p50()),
                seconds(s.ttftMs().p99()),
                seconds(s.e2eMs().mean()),
                seconds(s.e2eMs().p50()),
                seconds(s.e2eMs().p99()),
                fmt("%.1fms", s.tpotMs().p50()),
                fmt("%.1fms", s.tpotMs().p99()),
                fmt("%.1f%%", 100 * s.kvUtilMean()),
                fmt("%.1f%%", s.kvCapacityTokens() == 0 ? 0 : 100.0 * s.kvPeakTokens() / s.kvCapacityTokens()),
                fmt("%.1fs", s.makespanS()),
                fmt("%.2fs", r.wallSeconds())));
        }
        TextTable.print(out, List.of(HEADER), rows);
        out.println("(latencies in seconds unless marked; KV util = time-weighted mean of used/capacity; KV peak = most of one replica's KV in use)");
    }

    /**
     * One line: the mean TTFT and end-to-end latency of a wall-clock run beside the in-memory engine's on the same
     * workload (a live run's times depend on the wall clock, so the means are what compare).
     *
     * @param what      the measured run, e.g. {@code live} or {@code direct}
     * @param reference the engine's policy spec
     */
    static void printMeansAgainstEngine(final PrintStream out, final String what, final String reference,
                                        final org.kvsched.core.metrics.Summary measured, final org.kvsched.core.metrics.Summary engine) {
        final double ttftSim = engine.ttftMs().mean();
        final double e2eSim = engine.e2eMs().mean();
        final double ttft = measured.ttftMs().mean();
        final double e2e = measured.e2eMs().mean();
        out.printf(Locale.ROOT, "%s against simulate (%s): mean TTFT %.1f ms vs %.1f ms (%+.1f%%), mean E2E %.1f ms vs %.1f ms (%+.1f%%)%n",
                what, reference, ttft, ttftSim, 100 * (ttft / ttftSim - 1), e2e, e2eSim, 100 * (e2e / e2eSim - 1));
    }

    private static String seconds(final double ms) {
        return ms >= 100_000 ? fmt("%.0fs", ms / 1000) : fmt("%.2fs", ms / 1000);
    }

    private static String fmt(final String format, final double v) {
        return String.format(Locale.ROOT, format, v);
    }
}
