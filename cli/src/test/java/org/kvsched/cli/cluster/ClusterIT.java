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
 * {@code kvsched cluster up}, a 50-request replay through it, and {@code cluster down}, as a user
 * runs them: every command is its own {@code java -jar target/kvsched.jar} process (the jar that
 * {@code mvn package} built before this integration test), so the broker and the services really are
 * separate JVMs started from the jar's classpath. A worker is killed with SIGKILL before {@code down}
 * to check that {@code down} also cleans up after a crash.
 */
class ClusterIT {

    private static final Path JAR = Path.of("target", "kvsched.jar");

    /** Exit code and stdout+stderr of one CLI process. */
    private record Run(int exitCode, String output, double seconds) {
    }

    private static Run kvsched(final Path work, final String... args) throws IOException, InterruptedException {
        final List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        final Path out = Files.createTempFile(work, "cli", ".out");
        final long t0 = System.nanoTime();
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kvsched " + String.join(" ", args) + " ran over 150 s: " + Files.readString(out));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1e9);
    }

    @Test
    @Timeout(300)
    void upReplayDownRunsEveryRequestAndLeavesNoProcess(@TempDir final Path work) throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath() + " missing: run 'mvn verify' (package builds it before this test)");
        final Path dirPath = work.resolve("cluster");
        final ClusterDir dir = new ClusterDir(dirPath);
        final String d = dirPath.toString();
        final List<Long> pids = new ArrayList<>();
        try {
            final Run up = kvsched(work, "cluster", "up", "--dir", d);
            assertEquals(0, up.exitCode(), up.output());
            final Matcher m = Pattern.compile("cluster up in .*: (localhost:\\d+),").matcher(up.output());
            assertTrue(m.find(), up.output());
            final String bootstrap = m.group(1);

            final Run status = kvsched(work, "cluster", "status", "--dir", d);
            assertEquals(0, status.exitCode(), status.output());
            for (final String name : List.of(LocalCluster.BROKER, LocalCluster.SCHEDULER + "0", LocalCluster.WORKER + "0")) {
                final long pid = Long.parseLong(Files.readString(dir.pidFile(name)).trim());
                pids.add(pid);
                assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), name + " pid " + pid + " not alive");
                assertTrue(status.output().lines().anyMatch(l -> l.startsWith(name) && l.contains(" " + pid + " ") && l.contains("yes")
                        && l.contains(dir.log(name).toString())), name + " row missing in\n" + status.output());
            }
            // Three JVMs besides this one and the CLI: the broker is not a thread of the CLI.
            assertEquals(3, pids.stream().distinct().count(), pids.toString());
            // They run from the cluster's copy of the jar, so a rebuild of target/kvsched.jar cannot pull classes from under them.
            final Path copy = dirPath.resolve("lib").resolve("kvsched.jar");
            assertEquals(Files.size(JAR), Files.size(copy));
            for (final long pid : pids) {
                final List<String> args = ProcessHandle.of(pid).flatMap(p -> p.info().arguments()).map(List::of).orElse(List.of());
                assertTrue(args.contains(copy.toString()), "pid " + pid + " does not run from " + copy + ": " + args);
            }

            final Path json = work.resolve("replay.json");
            final Run replay = kvsched(work, "replay", "--bootstrap-servers", bootstrap, "--external-services", "--requests", "50",
                    "--verify", "--json", json.toString());
            assertEquals(0, replay.exitCode(), replay.output());
            assertTrue(replay.output().contains("identical: 50/50 requests"), replay.output());
            final String summary = Files.readString(json);
            assertTrue(summary.contains("\"completed\": 50") || summary.contains("\"completed\":50"), summary);
            // Each process logs to its own file in the cluster's folder.
            assertTrue(Files.readString(dir.log(LocalCluster.BROKER)).contains("Kafka Server started"), "broker.log lacks the start line");
            assertTrue(Files.readString(dir.log(LocalCluster.SCHEDULER + "0")).contains("starting " + org.kvsched.stream.app.SchedulerApp.class.getName()));

            // A crash: the worker dies without its pid file being removed.
            final long worker = pids.get(2);
            ProcessHandle.of(worker).ifPresent(ProcessHandle::destroyForcibly);
            ProcessHandle.of(worker).ifPresent(p -> p.onExit().join());
            final Run crashed = kvsched(work, "cluster", "status", "--dir", d);
            assertEquals(1, crashed.exitCode(), crashed.output());
            assertTrue(crashed.output().lines().anyMatch(l -> l.startsWith(LocalCluster.WORKER + "0") && l.contains("NO")), crashed.output());

            final Run down = kvsched(work, "cluster", "down", "--dir", d);
            assertEquals(0, down.exitCode(), down.output());
            assertTrue(down.output().contains("stopped scheduler-stream-0, broker"), down.output());
            assertTrue(down.output().contains("stale pid files removed: gpu-worker-sim-0"), down.output());
            for (final long pid : pids) {
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still alive after down");
            }
            try (var files = Files.list(dir.pids())) {
                assertEquals(0, files.count(), "pid files left after down");
            }
            final PrintStream out = System.out;
            out.printf(Locale.ROOT, "ClusterIT: up %.1f s (%s), replay %.1f s, down %.1f s (each including its CLI JVM start)%n",
                    up.seconds(), up.output().lines().filter(l -> l.startsWith("cluster up")).findFirst().orElse(""), replay.seconds(),
                    down.seconds());
        } finally {
            // Whatever failed above, leave no process behind.
            new LocalCluster(dir, "java", "", LocalCluster.STOP_TIMEOUT, System.err).down();
        }
    }
}
