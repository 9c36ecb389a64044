package org.kvsched.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kvsched cluster up}, a replay through it, and {@code cluster down}, as a user runs them:
 * every command is its own {@code java -jar target/kvsched.jar} process (the jar that {@code mvn package}
 * built before this integration test), so the broker and the services really are separate JVMs started
 * from the jar's classpath.
 *
 * <p>Fail-over and the exactly-once proof in one run: the cluster has 8 replicas, 2 scheduler-stream instances
 * and 2 workers; {@code replay --cluster-dir --chaos} kills one scheduler instance and one worker with SIGKILL
 * at seeded points and starts them again at once, and kills one scheduler instance for good. The survivor must
 * take the dead one's replicas and restore them from the changelog, and the replay must still be identical to
 * the in-memory engine, request by request, with no once-only event seen twice. Then {@code cluster kill}
 * crashes a worker; the dead processes' pid files stay, so {@code down} also shows that it cleans up after a
 * crash.
 */
class ClusterIT {

    private static final Path JAR = JarCli.JAR;

    private static JarCli.Run kvsched(final Path work, final String... args) throws IOException, InterruptedException {
        return JarCli.run(work, args);
    }

    /** The replicas of the last "RUNNING with replicas [...]" line a scheduler instance logged. */
    private static List<Integer> lastReplicas(final Path log) throws IOException {
        final Matcher m = Pattern.compile("RUNNING with replicas \\[([\\d, ]*)\\]").matcher(Files.readString(log));
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last == null || last.isBlank() ? List.of() : java.util.Arrays.stream(last.split(",\\s*")).map(Integer::parseInt).toList();
    }

    @Test
    @Timeout(420)
    void upReplayDownRunsEveryRequestAndLeavesNoProcess(@TempDir final Path work) throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath() + " missing: run 'mvn verify' (package builds it before this test)");
        final Path dirPath = work.resolve("cluster");
        final ClusterDir dir = new ClusterDir(dirPath);
        final String d = dirPath.toString();
        final List<Long> pids = new ArrayList<>();
        try {
            final JarCli.Run up = kvsched(work, "cluster", "up", "--dir", d, "--replicas", "8", "--schedulers", "2", "--workers", "2");
            assertEquals(0, up.exitCode(), up.output());
            final Matcher m = Pattern.compile("cluster up in .*: (localhost:\\d+),").matcher(up.output());
            assertTrue(m.find(), up.output());
            final String bootstrap = m.group(1);

            final JarCli.Run status = kvsched(work, "cluster", "status", "--dir", d);
            assertEquals(0, status.exitCode(), status.output());
            final List<String> names = List.of(LocalCluster.BROKER, LocalCluster.SCHEDULER + "0", LocalCluster.SCHEDULER + "1",
                    LocalCluster.WORKER + "0", LocalCluster.WORKER + "1");
            for (final String name : names) {
                final long pid = Long.parseLong(Files.readString(dir.pidFile(name)).trim());
                pids.add(pid);
                assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), name + " pid " + pid + " not alive");
                assertTrue(status.output().lines().anyMatch(l -> l.startsWith(name + " ") && l.contains(" " + pid + " ") && l.contains("yes")
                        && l.contains(dir.log(name).toString())), name + " row missing in\n" + status.output());
            }
            // Five JVMs besides this one and the CLI: the broker is not a thread of the CLI.
            assertEquals(5, pids.stream().distinct().count(), pids.toString());
            // They run from the cluster's copy of the jar, so a rebuild of target/kvsched.jar cannot pull classes from under them.
            final Path copy = dirPath.resolve("lib").resolve("kvsched.jar");
            assertEquals(Files.size(JAR), Files.size(copy));
            for (final long pid : pids) {
                final List<String> args = ProcessHandle.of(pid).flatMap(p -> p.info().arguments()).map(List::of).orElse(List.of());
                assertTrue(args.contains(copy.toString()), "pid " + pid + " does not run from " + copy + ": " + args);
            }
            // Kafka Streams split the 8 replicas between the two instances (their RUNNING lines may trail the group's forming).
            List<Integer> first0 = List.of();
            List<Integer> first1 = List.of();
            for (final long until = System.nanoTime() + 60_000_000_000L; System.nanoTime() < until; Thread.sleep(200)) {
                first0 = lastReplicas(dir.log(LocalCluster.SCHEDULER + "0"));
                first1 = lastReplicas(dir.log(LocalCluster.SCHEDULER + "1"));
                if (first0.size() + first1.size() == 8 && !first0.isEmpty() && !first1.isEmpty()) {
                    break;
                }
            }
            assertEquals(8, first0.size() + first1.size(), first0 + " + " + first1);
            assertFalse(first0.isEmpty() || first1.isEmpty(), first0 + " + " + first1);

            // The replay against the running cluster, with seeded SIGKILLs: one scheduler instance and one worker are
            // killed and started again at once, one scheduler instance is killed for good (fail-over).
            final Path json = work.resolve("replay.json");
            final JarCli.Run replay = kvsched(work, "replay", "--cluster-dir", d, "--replicas", "8", "--requests", "200",
                    "--chaos", "kill-scheduler:1,kill-worker:1,crash-scheduler:1", "--seed", "3", "--verify", "--json", json.toString());
            final String replayed = replay.output();
            assertEquals(0, replay.exitCode(), replayed);
            assertEquals(2, replayed.lines().filter(l -> l.startsWith("chaos: SIGKILL ") && l.contains("started again")).count(), replayed);
            final Matcher dead = Pattern.compile("chaos: SIGKILL (\\S+) at .* left dead").matcher(replayed);
            assertTrue(dead.find(), replayed);
            final String victim = dead.group(1);
            assertTrue(victim.startsWith(LocalCluster.SCHEDULER), victim);
            final String survivor = LocalCluster.SCHEDULER + (victim.endsWith("0") ? "1" : "0");
            assertTrue(replayed.contains("identical: 200/200 requests"), replayed);
            assertTrue(replayed.contains("duplicate events (an arrival, first token or completion seen twice): 0"), replayed);
            final String summary = Files.readString(json);
            assertTrue(summary.contains("\"completed\": 200") || summary.contains("\"completed\":200"), summary);
            assertTrue(summary.contains("\"duplicate_events\": 0") || summary.contains("\"duplicate_events\":0"), summary);
            // The survivor owns all eight replicas now, and restored the dead one's from the changelog.
            final String survivorLog = Files.readString(dir.log(survivor));
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), lastReplicas(dir.log(survivor)), survivorLog);
            final Matcher restored = Pattern.compile("RUNNING with replicas \\[0, 1, 2, 3, 4, 5, 6, 7\\]; since start ([\\d,]+) changelog records")
                    .matcher(survivorLog);
            // The last such line: an instance that came up before the other joined logged all eight once, with nothing restored.
            long restoredRecords = -1;
            while (restored.find()) {
                restoredRecords = Long.parseLong(restored.group(1).replace(",", ""));
            }
            assertTrue(restoredRecords > 0, survivorLog);
            // Each process logs to its own file in the cluster's folder.
            assertTrue(Files.readString(dir.log(LocalCluster.BROKER)).contains("Kafka Server started"), "broker.log lacks the start line");
            assertTrue(survivorLog.contains("starting " + org.kvsched.stream.app.SchedulerApp.class.getName()));

            // 'cluster kill' as a user types it: a worker, as a crash would (its pid file stays).
            final String worker = LocalCluster.WORKER + "1";
            final JarCli.Run kill = kvsched(work, "cluster", "kill", "--dir", d, worker);
            assertEquals(0, kill.exitCode(), kill.output());
            final JarCli.Run crashed = kvsched(work, "cluster", "status", "--dir", d);
            assertEquals(1, crashed.exitCode(), crashed.output());
            for (final String gone : List.of(victim, worker)) {
                assertTrue(crashed.output().lines().anyMatch(l -> l.startsWith(gone + " ") && l.contains("NO")), crashed.output());
            }
            assertTrue(crashed.output().lines().anyMatch(l -> l.startsWith(survivor + " ") && l.contains("yes")), crashed.output());

            final JarCli.Run down = kvsched(work, "cluster", "down", "--dir", d);
            assertEquals(0, down.exitCode(), down.output());
            final Matcher stale = Pattern.compile("stale pid files removed: (.*)").matcher(down.output());
            assertTrue(stale.find() && stale.group(1).contains(victim) && stale.group(1).contains(worker), down.output());
            assertTrue(down.output().contains("broker"), down.output());
            for (final long pid : pids) {
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still alive after down");
            }
            try (var files = Files.list(dir.pids())) {
                assertEquals(0, files.count(), "pid files left after down");
            }
            final PrintStream out = System.out;
            out.printf(Locale.ROOT, "ClusterIT: up %.1f s (%s), replay with 3 SIGKILLs %.1f s, down %.1f s (each including its CLI JVM start)%n",
                    up.seconds(), up.output().lines().filter(l -> l.startsWith("cluster up")).findFirst().orElse(""),
                    replay.seconds(), down.seconds());
        } finally {
            // Whatever failed above, leave no process behind.
            new LocalCluster(dir, "java", "", LocalCluster.STOP_TIMEOUT, System.err).down();
        }
    }
}
