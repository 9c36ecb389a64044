package org.kvsched.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Argument errors of {@code replay} fail in one line, before any broker is started. */
class ReplayCommandTest {

    @Test
    void unknownPolicyFailsWithOneLineListingTheValidOnes() {
        final CliRunner.Result r = CliRunner.run("replay", "--policy", "nope", "--requests", "10");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("valid: fcfs-vllm"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void statefulRoutingIsRefused() {
        final CliRunner.Result r = CliRunner.run("replay", "--routing", "least-outstanding", "--requests", "10");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("round-robin only"), r.err());
    }

    @Test
    void clusterDirWithoutAClusterFailsNamingTheOption(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir) {
        final CliRunner.Result r = CliRunner.run("replay", "--cluster-dir", dir.toString(), "--chaos", "kill-worker:1", "--requests", "10");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--cluster-dir: no cluster in " + dir), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void chaosOnARunningClusterNeedsItsDirNotJustItsBroker() {
        final CliRunner.Result r = CliRunner.run("replay", "--bootstrap-servers", "localhost:1", "--external-services", "--chaos",
                "kill-worker:1", "--requests", "10");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--cluster-dir aims --chaos at a running cluster"), r.err());
    }
}
