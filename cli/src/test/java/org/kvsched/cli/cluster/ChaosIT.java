package org.kvsched.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exactly-once proof, small enough for every CI run: {@code replay --chaos} on a local cluster of
 * separate processes (4 replicas, 2 scheduler instances, 2 workers) kills each scheduler instance and
 * each worker with SIGKILL at seeded points and starts them again, and the result must still be
 * identical to the in-memory engine for every request, with no once-only event seen twice.
 */
class ChaosIT {

    @Test
    @Timeout(360)
    void killsAndRestartsLoseNothingAndRepeatNothing(@TempDir final Path work) throws Exception {
        final Path json = work.resolve("chaos.json");
        final JarCli.Run r = JarCli.run(work, "replay", "--requests", "100", "--replicas", "4", "--schedulers", "2", "--workers", "2",
                "--chaos", "kill-scheduler:2,kill-worker:2", "--seed", "5", "--verify", "--json", json.toString());
        assertEquals(0, r.exitCode(), r.output());
        assertEquals(4, r.output().lines().filter(l -> l.startsWith("chaos: SIGKILL ") && l.contains("started again")).count(), r.output());
        assertTrue(r.output().contains("identical: 100/100 requests"), r.output());
        assertTrue(r.output().contains("duplicate events (an arrival, first token or completion seen twice): 0"), r.output());
        final String summary = Files.readString(json);
        assertTrue(summary.contains("\"identical_requests\": 100"), summary);
        assertTrue(summary.contains("\"duplicate_events\": 0"), summary);
        System.out.printf(Locale.ROOT, "ChaosIT: 100 requests, 4 SIGKILLs, %.1f s%n", r.seconds());
    }
}
