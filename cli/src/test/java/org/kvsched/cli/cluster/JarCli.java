package org.kvsched.cli.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the CLI as a user does, {@code java -jar target/kvsched.jar ...}, each call its own process: the
 * integration tests whose point is separate processes (the jar is what {@code mvn package} built before
 * the integration tests run).
 */
final class JarCli {

    /** The CLI jar of this build. */
    static final Path JAR = Path.of("target", "kvsched.jar");

    /** Exit code, stdout and stderr together, and wall seconds of one CLI process. */
    record Run(int exitCode, String output, double seconds) {
    }

    private JarCli() {
    }

    /** {@code java -jar kvsched.jar ARGS} with its output in a file under {@code work}; fails the test after 300 s. */
    static Run run(final Path work, final String... args) throws IOException, InterruptedException {
        if (!Files.isRegularFile(JAR)) {
            throw new AssertionError(JAR.toAbsolutePath() + " missing: run 'mvn verify' (package builds it before the integration tests)");
        }
        final List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        final Path out = Files.createTempFile(work, "cli", ".out");
        final long t0 = System.nanoTime();
        final ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        // The test JVMs' own flags (see the parent pom's argLine), inherited by the processes the CLI starts in turn.
        final String jvmOptions = System.getProperty("kvsched.test.child.jvm.options", "");
        if (!jvmOptions.isBlank()) {
            pb.environment().put("JAVA_TOOL_OPTIONS", jvmOptions);
        }
        final Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kvsched " + String.join(" ", args) + " ran over 300 s: " + Files.readString(out));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1e9);
    }
}
