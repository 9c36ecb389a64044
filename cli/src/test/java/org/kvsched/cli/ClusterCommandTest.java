package org.kvsched.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kvsched.cli.cluster.ClusterDir;

/**
 * {@code kvsched cluster} and {@code replay --external-services} argument and settings errors: one
 * line naming the setting, before any process starts. (ClusterIT runs a real cluster.)
 */
class ClusterCommandTest {

    @Test
    void upWithABadServiceSettingFailsInOneLineNamingTheKeyAndStartsNothing(@TempDir final Path root) {
        final CliRunner.Result r = CliRunner.run("cluster", "up", "--dir", root.toString(), "--set", "speed=fast");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("'speed'"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(new ClusterDir(root).pids()), "pids/ exists: something was started");
    }

    @Test
    void upWithAnUnknownPolicyFailsInOneLine(@TempDir final Path root) {
        final CliRunner.Result r = CliRunner.run("cluster", "up", "--dir", root.toString(), "--policy", "nope");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("valid: fcfs-vllm"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void upRefusesMoreWorkersThanReplicas(@TempDir final Path root) {
        final CliRunner.Result r = CliRunner.run("cluster", "up", "--dir", root.toString(), "--replicas", "2", "--workers", "3");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--workers must be 1..2"), r.err());
    }

    @Test
    void statusAndDownOnAnEmptyFolderSayThereIsNoCluster(@TempDir final Path root) {
        final CliRunner.Result status = CliRunner.run("cluster", "status", "--dir", root.toString());
        assertEquals(1, status.exitCode());
        assertTrue(status.out().contains("no cluster in"), status.out());
        final CliRunner.Result down = CliRunner.run("cluster", "down", "--dir", root.toString());
        assertEquals(0, down.exitCode(), down.err());
        assertTrue(down.out().contains("stopped nothing"), down.out());
    }

    @Test
    void restartRefusesTheBroker(@TempDir final Path root) {
        final CliRunner.Result r = CliRunner.run("cluster", "restart", "--dir", root.toString(), "broker");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("cluster down"), r.err());
    }

    @Test
    void killRefusesUnknownNamesAndNeedsARunningCluster(@TempDir final Path root) {
        final CliRunner.Result bad = CliRunner.run("cluster", "kill", "--dir", root.toString(), "scheduler-stream");
        assertEquals(2, bad.exitCode(), bad.err());
        assertTrue(bad.err().contains("kill: unknown service 'scheduler-stream' (scheduler-stream-N or gpu-worker-sim-N"), bad.err());
        final CliRunner.Result none = CliRunner.run("cluster", "kill", "--dir", root.toString(), "gpu-worker-sim-0");
        assertEquals(1, none.exitCode(), none.err());
        assertTrue(none.err().contains("kvsched cluster kill: no running cluster in"), none.err());
    }

    @Test
    void restartWithoutARunningClusterStartsNothing(@TempDir final Path root) {
        final CliRunner.Result r = CliRunner.run("cluster", "restart", "--dir", root.toString(), "scheduler-stream-0");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("no running cluster in"), r.err());
        assertFalse(Files.exists(new ClusterDir(root).pidFile("scheduler-stream-0")), "a scheduler was started without a broker");
    }

    @Test
    void externalServicesNeedABootstrapServer() {
        final CliRunner.Result r = CliRunner.run("replay", "--external-services", "--requests", "10");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--external-services needs --bootstrap-servers"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void externalServicesRuleOutASwap() {
        final CliRunner.Result r = CliRunner.run("replay", "--external-services", "--bootstrap-servers", "localhost:1", "--requests", "10",
                "--swap-policy-at", "50%:sarathi");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--swap-policy-at"), r.err());
    }
}
