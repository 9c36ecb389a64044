package org.kvsched.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
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
 * <p>Fail-over: the cluster has 8 replicas, 2 scheduler-stream instances and 2 workers; part-way through
 * the replay one scheduler instance is killed with SIGKILL ({@code cluster kill}) and not restarted. The
 * survivor must take its replicas, restore them from the changelog, and the replay must still be identical
 * to the in-memory engine, request by request. The dead instance's pid file stays, so {@code down} also
 * shows that it cleans up after a crash.
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

            final Path json = work.resolve("replay.json");
            final Path replayOut = work.resolve("replay.out");
            final List<String> replayCmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", JAR.toAbsolutePath().toString(), "replay", "--bootstrap-servers", bootstrap, "--external-services",
                    "--replicas", "8", "--requests", "250", "--verify", "--json", json.toString(), "--set", "progress.interval.s=0.5"));
            final Process replay = new ProcessBuilder(replayCmd).redirectErrorStream(true).redirectOutput(replayOut.toFile()).start();
            final long t0 = System.nanoTime();
            // Part-way: once the sink has seen some requests finish, SIGKILL the instance that owns replica 1.
            final Pattern done = Pattern.compile("metrics-sink: (\\d+)/250 requests done");
            while (true) {
                final Matcher dm = done.matcher(Files.readString(replayOut));
                int seen = 0;
                while (dm.find()) {
                    seen = Integer.parseInt(dm.group(1));
                }
                if (seen >= 20) {
                    break;
                }
                assertTrue(replay.isAlive(), "the replay ended before the kill: " + Files.readString(replayOut));
                assertTrue(System.nanoTime() - t0 < 120e9, "no progress in 120 s: " + Files.readString(replayOut));
                Thread.sleep(100);
            }
            final String victim = LocalCluster.SCHEDULER + (first1.contains(1) ? "1" : "0");
            final String survivor = LocalCluster.SCHEDULER + (first1.contains(1) ? "0" : "1");
            final JarCli.Run kill = kvsched(work, "cluster", "kill", "--dir", d, victim);
            assertEquals(0, kill.exitCode(), kill.output());
            assertTrue(replay.isAlive(), "the replay ended before the kill took effect: " + Files.readString(replayOut));
            assertTrue(replay.waitFor(240, TimeUnit.SECONDS), "replay ran over 240 s: " + Files.readString(replayOut));
            final String replayed = Files.readString(replayOut);
            assertEquals(0, replay.exitValue(), replayed);
            assertTrue(replayed.contains("identical: 250/250 requests"), replayed);
            final String summary = Files.readString(json);
            assertTrue(summary.contains("\"completed\": 250") || summary.contains("\"completed\":250"), summary);
            assertTrue(summary.contains("\"duplicate_events\": 0") || summary.contains("\"duplicate_events\":0"), summary);
            // The survivor owns all eight replicas now, and restored the dead one's from the changelog.
            final String survivorLog = Files.readString(dir.log(survivor));
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), lastReplicas(dir.log(survivor)), survivorLog);
            final Matcher restored = Pattern.compile("RUNNING with replicas \\[0, 1, 2, 3, 4, 5, 6, 7\\]; since start ([\\d,]+) changelog records")
                    .matcher(survivorLog);
            assertTrue(restored.find() && Long.parseLong(restored.group(1).replace(",", "")) > 0, survivorLog);
            // Each process logs to its own file in the cluster's folder.
            assertTrue(Files.readString(dir.log(LocalCluster.BROKER)).contains("Kafka Server started"), "broker.log lacks the start line");
            assertTrue(survivorLog.contains("starting " + org.kvsched.stream.app.SchedulerApp.class.getName()));

            final JarCli.Run crashed = kvsched(work, "cluster", "status", "--dir", d);
            assertEquals(1, crashed.exitCode(), crashed.output());
            assertTrue(crashed.output().lines().anyMatch(l -> l.startsWith(victim + " ") && l.contains("NO")), crashed.output());

            final JarCli.Run down = kvsched(work, "cluster", "down", "--dir", d);
            assertEquals(0, down.exitCode(), down.output());
            assertTrue(down.output().contains("stale pid files removed: " + victim), down.output());
            assertTrue(down.output().contains("broker"), down.output());
            for (final long pid : pids) {
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still alive after down");
            }
            try (var files = Files.list(dir.pids())) {
                assertEquals(0, files.count(), "pid files left after down");
            }
            final PrintStream out = System.out;
            out.printf(Locale.ROOT, "ClusterIT: up %.1f s (%s), replay with fail-over %.1f s, down %.1f s (each including its CLI JVM start)%n",
                    up.seconds(), up.output().lines().filter(l -> l.startsWith("cluster up")).findFirst().orElse(""),
                    (System.nanoTime() - t0) / 1e9, down.seconds());
        } finally {
            // Whatever failed above, leave no process behind.
            new LocalCluster(dir, "java", "", LocalCluster.STOP_TIMEOUT, System.err).down();
        }
    }
}
