package org.kvsched.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalCluster}'s process handling without a broker: pid files, the marker that makes a pid
 * ours, SIGTERM then SIGKILL, and clean-up after a crash. Stand-in processes are small shell loops
 * that carry (or lack) the marker argument.
 */
class LocalClusterTest {

    private final List<Process> started = new java.util.ArrayList<>();

    @AfterEach
    void killStandIns() {
        started.forEach(Process::destroyForcibly);
    }

    /** A shell loop whose arguments carry {@code marker}; {@code ignoreTerm} makes it survive SIGTERM. */
    private Process standIn(final String marker, final boolean ignoreTerm) throws Exception {
        final String script = (ignoreTerm ? "trap '' TERM; " : "") + "while :; do sleep 0.1; done";
        // The marker is the shell's $0 argument: it is in the process's command line, as -D... is in a JVM's.
        final Process p = new ProcessBuilder("sh", "-c", script, marker).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        return p;
    }

    private static LocalCluster cluster(final Path root, final Duration stop) {
        return new LocalCluster(new ClusterDir(root), "java", "", stop, new PrintStream(OutputStream.nullOutputStream()));
    }

    private static void pidFile(final ClusterDir dir, final String name, final long pid) throws Exception {
        Files.createDirectories(dir.pids());
        Files.writeString(dir.pidFile(name), pid + "\n");
    }

    private static String marker(final ClusterDir dir, final String name) {
        return "-D" + LocalCluster.MARKER + "=" + dir.root().resolve(name);
    }

    @Test
    @Timeout(30)
    void downStopsOurProcessesWithSigtermAndRemovesTheirPidFiles(@TempDir final Path root) throws Exception {
        final ClusterDir dir = new ClusterDir(root);
        final Process broker = standIn(marker(dir, LocalCluster.BROKER), false);
        final Process worker = standIn(marker(dir, LocalCluster.WORKER + "0"), false);
        pidFile(dir, LocalCluster.BROKER, broker.pid());
        pidFile(dir, LocalCluster.WORKER + "0", worker.pid());
        final LocalCluster cluster = cluster(root, Duration.ofSeconds(20));

        final List<LocalCluster.ProcessStatus> before = cluster.status();
        assertEquals(List.of(LocalCluster.BROKER, LocalCluster.WORKER + "0"), before.stream().map(LocalCluster.ProcessStatus::name).toList());
        assertTrue(before.stream().allMatch(LocalCluster.ProcessStatus::alive), before.toString());

        final LocalCluster.DownReport r = cluster.down();
        // Services first, the broker last; both exit on SIGTERM, so nothing needs SIGKILL.
        assertEquals(List.of(LocalCluster.WORKER + "0", LocalCluster.BROKER), r.stopped());
        assertEquals(List.of(), r.killed());
        assertEquals(List.of(), r.stale());
        assertFalse(broker.isAlive());
        assertFalse(worker.isAlive());
        assertFalse(Files.exists(dir.pidFile(LocalCluster.BROKER)));
        assertTrue(cluster.status().isEmpty());
    }

    @Test
    @Timeout(30)
    void downEscalatesToSigkillWhenSigtermIsIgnored(@TempDir final Path root) throws Exception {
        final ClusterDir dir = new ClusterDir(root);
        final Process stubborn = standIn(marker(dir, LocalCluster.SCHEDULER + "0"), true);
        pidFile(dir, LocalCluster.SCHEDULER + "0", stubborn.pid());
        // The trap must be installed before the SIGTERM arrives.
        Thread.sleep(300);

        final LocalCluster.DownReport r = cluster(root, Duration.ofMillis(700)).down();

        assertEquals(List.of(LocalCluster.SCHEDULER + "0"), r.killed());
        assertFalse(stubborn.isAlive());
        assertTrue(r.seconds() >= 0.7, "SIGKILL came before the stop timeout: " + r.seconds() + " s");
    }

    @Test
    @Timeout(30)
    void afterACrashStalePidFilesAreRemovedAndAReusedPidIsNeverSignalled(@TempDir final Path root) throws Exception {
        final ClusterDir dir = new ClusterDir(root);
        // A crashed broker: its pid file names a process that has exited.
        final Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        pidFile(dir, LocalCluster.BROKER, gone.pid());
        // A crashed scheduler whose pid now belongs to an unrelated process (no marker, or another cluster's).
        final Process unrelated = standIn("-D" + LocalCluster.MARKER + "=/elsewhere/" + LocalCluster.SCHEDULER + "0", false);
        pidFile(dir, LocalCluster.SCHEDULER + "0", unrelated.pid());
        final LocalCluster cluster = cluster(root, Duration.ofSeconds(5));

        assertTrue(cluster.status().stream().noneMatch(LocalCluster.ProcessStatus::alive), cluster.status().toString());
        final LocalCluster.DownReport r = cluster.down();

        assertEquals(List.of(LocalCluster.SCHEDULER + "0", LocalCluster.BROKER), r.stale());
        assertEquals(List.of(), r.stopped());
        assertTrue(unrelated.isAlive(), "down signalled a process that is not part of the cluster");
        assertTrue(cluster.status().isEmpty());
    }
    @Test
    void aFailedStartIsReportedByItsExceptionNotByTheLastLogLine(@TempDir final Path root) throws Exception {
        final ClusterDir dir = new ClusterDir(root);
        Files.createDirectories(dir.logs());
        Files.writeString(dir.log(LocalCluster.BROKER), String.join("\n",
                "---- 2026-11-28T06:00:00Z kvsched cluster: starting kafka.Kafka",
                "java.lang.IllegalStateException: an earlier start's failure",
                "---- 2026-11-28T06:01:00Z kvsched cluster: starting kafka.Kafka",
                "06:01:01.000 ERROR DataPlaneAcceptor - Unable to start acceptor for PLAINTEXT",
                "org.apache.kafka.common.KafkaException: Socket server failed to bind to 127.0.0.1:19555: Address already in use.",
                "\tat kafka.network.Acceptor.openServerSocket(SocketServer.scala:1)",
                "kafka-shutdown-hook WARN Unable to register Log4j shutdown hook because JVM is shutting down.", ""));
        Files.writeString(dir.log(LocalCluster.SCHEDULER + "0"), String.join("\n",
                "---- 2026-11-28T06:01:00Z kvsched cluster: starting org.kvsched.stream.app.SchedulerApp",
                "scheduler-stream: config: key 'poll.ms' must be an integer, got 'x'", ""));
        final LocalCluster cluster = cluster(root, Duration.ofSeconds(1));

        assertEquals("org.apache.kafka.common.KafkaException: Socket server failed to bind to 127.0.0.1:19555: Address already in use.",
                cluster.failureLine(LocalCluster.BROKER));
        assertEquals("scheduler-stream: config: key 'poll.ms' must be an integer, got 'x'", cluster.failureLine(LocalCluster.SCHEDULER + "0"));
        assertEquals("(no log)", cluster.failureLine(LocalCluster.WORKER + "0"));
    }
}
