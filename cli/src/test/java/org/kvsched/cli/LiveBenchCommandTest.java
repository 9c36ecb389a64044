package org.kvsched.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code kvsched live-bench} argument errors: one line, exit code 2, before any broker starts. */
class LiveBenchCommandTest {

    @Test
    void badArgumentsFailInOneLine() {
        final String[][] cases = {
            {"--parts", "overhead,latency"},
            {"--replicas", "0"},
            {"--rates", "10,-1"},
            {"--overhead-lengths", "fixed:8"},
            {"--settle-s", "-1"},
            {"--probe-round-trips", "0"},
        };
        for (final String[] c : cases) {
            final String[] args = new String[c.length + 1];
            args[0] = "live-bench";
            System.arraycopy(c, 0, args, 1, c.length);
            final CliRunner.Result r = CliRunner.run(args);
            assertEquals(2, r.exitCode(), String.join(" ", c) + ": " + r.err());
            assertTrue(r.err().startsWith("kvsched: "), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }
}
