package org.kvsched.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code kvsched live-bench} at a tiny size on its own embedded broker: the printed figures parse and are positive. */
class LiveBenchCommandIT {

    @Test
    @Timeout(180)
    void printsPositiveOverheadAndLagFigures() {
        // No warm-up run and no settling time: at this size every sample counts.
        final CliRunner.Result r = CliRunner.run("live-bench", "--replicas", "1", "--requests-per-replica", "16", "--min-requests", "16",
                "--rates", "20", "--rate-seconds", "2", "--rate-replicas", "1", "--settle-s", "0", "--warmup-requests", "0",
                "--probe-round-trips", "20");
        assertEquals(0, r.exitCode(), r.err());
        // Overhead row: replicas, requests, p50, p99, max, samples, ...
        final Matcher o = Pattern.compile("(?m)^1\\s+16\\s+([0-9.]+)\\s+([0-9.]+)\\s+([0-9.]+)\\s+(\\d+)\\s").matcher(r.out());
        assertTrue(o.find(), r.out());
        assertTrue(Double.parseDouble(o.group(1)) > 0, r.out());
        assertTrue(Double.parseDouble(o.group(2)) > 0, r.out());
        assertTrue(Double.parseDouble(o.group(3)) > 0, r.out());
        assertTrue(Integer.parseInt(o.group(4)) > 0, r.out());
        // Rate row: target, measured, requests, p50, p99, max, ...
        final Matcher l = Pattern.compile("(?m)^20\\s+([0-9.]+)\\s+40\\s+([0-9.]+)\\s+([0-9.]+)\\s+([0-9.]+)\\s").matcher(r.out());
        assertTrue(l.find(), r.out());
        assertTrue(Double.parseDouble(l.group(1)) > 0, r.out());
        assertTrue(Double.parseDouble(l.group(3)) > 0, r.out());
        assertTrue(r.out().contains("highest rate kept up with"), r.out());
    }
}
