package org.kvsched.metrics.app;

import java.util.Locale;
import java.util.Optional;

import org.kvsched.metrics.aggregate.MetricsAggregator;

/**
 * What the sink prints while a run goes on: one start-up line, then a progress line at most every interval
 * once the first request has finished. Before that there is nothing to report, and a line every interval
 * ("0/2,000 requests done" while the services start) only buries the start-up line.
 *
 * <p>Times are {@link System#nanoTime()} readings, nanoseconds. Not thread-safe: the sink's consumer thread
 * owns it.
 */
final class ProgressLines {

    private final long expected;
    private final long intervalNanos;
    private long lastNanos;
    private long lastDone;

    /**
     * @param expected      requests the run will have, for the percentage; 0 = unknown
     * @param intervalNanos least time between two progress lines, nanoseconds; 0 or less = no progress lines
     * @param startNanos    when the sink started, nanoseconds
     */
    ProgressLines(final long expected, final long intervalNanos, final long startNanos) {
        this.expected = expected;
        this.intervalNanos = intervalNanos;
        this.lastNanos = startNanos;
    }

    /** The one line printed when the sink starts consuming. */
    String startLine(final String requestEventsTopic) {
        return String.format(Locale.ROOT, "metrics-sink: consuming %s and the other run topics; %s", requestEventsTopic,
                expected > 0 ? String.format(Locale.ROOT, "expecting %,d requests", expected) : "request count not given");
    }

    /**
     * The progress line due at {@code nowNanos}, if any: none before the first finished request, none within an
     * interval of the previous one.
     *
     * @param finished requests completed or rejected so far
     * @param plans    plans (Kafka round trips) so far
     * @param ttft     TTFT percentiles so far
     */
    Optional<String> tick(final long nowNanos, final long finished, final long plans, final MetricsAggregator.TtftProgress ttft) {
        if (intervalNanos <= 0 || finished == 0 || nowNanos - lastNanos < intervalNanos) {
            return Optional.empty();
        }
        final double rate = (finished - lastDone) / ((nowNanos - lastNanos) / 1e9);
        lastNanos = nowNanos;
        lastDone = finished;
        return Optional.of(String.format(Locale.ROOT,
                "metrics-sink: %,d%s requests done, %,.0f req/s, %,d round trips, TTFT p50 %.1f ms p99 %.1f ms", finished,
                expected > 0 ? String.format(Locale.ROOT, "/%,d", expected) : "", rate, plans, ttft.p50Ms(), ttft.p99Ms()));
    }
}
