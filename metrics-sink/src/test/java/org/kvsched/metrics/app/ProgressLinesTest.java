package org.kvsched.metrics.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.kvsched.metrics.aggregate.MetricsAggregator.TtftProgress;

class ProgressLinesTest {

    private static final long SECOND = 1_000_000_000L;
    private static final TtftProgress NONE = new TtftProgress(0, 0, 0);

    @Test
    void nothingButTheStartLineUntilTheFirstRequestFinishes() {
        final ProgressLines lines = new ProgressLines(2000, 2 * SECOND, 0);
        assertTrue(lines.startLine("it.request-events").contains("expecting 2,000 requests"));
        final List<String> printed = new ArrayList<>();
        // Ten intervals of start-up: services start, round trips begin, nothing has finished.
        for (long t = 0; t <= 20 * SECOND; t += SECOND / 10) {
            lines.tick(t, 0, t / SECOND, NONE).ifPresent(printed::add);
        }
        assertEquals(List.of(), printed);
        final Optional<String> first = lines.tick(21 * SECOND, 42, 30, new TtftProgress(42, 12.34, 56.78));
        assertTrue(first.isPresent());
        // 42 requests over the 21 s since the start (no earlier line): 2 req/s.
        assertEquals("metrics-sink: 42/2,000 requests done, 2 req/s, 30 round trips, TTFT p50 12.3 ms p99 56.8 ms", first.get());
    }

    @Test
    void atMostOneLinePerIntervalWithTheRateOfThatInterval() {
        final ProgressLines lines = new ProgressLines(0, 2 * SECOND, 0);
        assertTrue(lines.startLine("request-events").contains("request count not given"));
        final TtftProgress ttft = new TtftProgress(1, 1, 1);
        assertTrue(lines.tick(2 * SECOND, 10, 1, ttft).isPresent());
        assertTrue(lines.tick(3 * SECOND, 20, 2, ttft).isEmpty(), "within the interval");
        final String next = lines.tick(4 * SECOND, 410, 3, ttft).orElseThrow();
        // 400 more requests in the 2 s since the last line; no total when none was given.
        assertTrue(next.startsWith("metrics-sink: 410 requests done, 200 req/s,"), next);
        assertTrue(new ProgressLines(10, 0, 0).tick(100 * SECOND, 5, 1, ttft).isEmpty(), "interval 0: no progress lines");
    }
}
