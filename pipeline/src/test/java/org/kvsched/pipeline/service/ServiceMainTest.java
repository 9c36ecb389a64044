package org.kvsched.pipeline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.ToIntFunction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service started with a bad setting exits with status 2 and one line naming the key (docs/kafka-pipeline.md,
 * "Bad input and bad settings"): a setting its constructor refuses, a missing bootstrap.servers, a broker that does
 * not answer or does not resolve, and a start that fails on a setting (a vLLM server that refuses).
 */
class ServiceMainTest {

    private static final String NAME = "test-service";

    @TempDir
    Path dir;

    /** A service that does nothing; its start may fail. */
    private static final class Fake implements Service {
        final RuntimeException startFailure;
        final AtomicBoolean started = new AtomicBoolean();
        final AtomicBoolean closed = new AtomicBoolean();

        Fake(final RuntimeException startFailure) {
            this.startFailure = startFailure;
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public void start() {
            if (startFailure != null) {
                throw startFailure;
            }
            started.set(true);
        }

        @Override
        public Throwable failure() {
            return null;
        }

        @Override
        public boolean awaitDone(final long millis) {
            return true;
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    /**
     * Exit status and the service's own stderr lines: Kafka client log lines and the unread-key warning (the
     * environment this runs in may set KVSCHED_* variables this fake service does not read) left out.
     */
    private record Exit(int status, List<String> lines) {
    }

    private Exit main(final String properties, final Function<ServiceConfig, Service> factory,
                      final ToIntFunction<String[]> how) throws IOException {
        final Path file = dir.resolve("service.properties");
        Files.writeString(file, properties, StandardCharsets.UTF_8);
        final PrintStream err = System.err;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        final int status;
        try {
            status = how.applyAsInt(new String[] {file.toString()});
        } finally {
            System.setErr(err);
        }
        final List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith(NAME + ":"))
                .filter(l -> !l.startsWith(NAME + ": WARNING")).toList();
        return new Exit(status, lines);
    }

    private Exit runToCompletion(final String properties, final Function<ServiceConfig, Service> factory) throws IOException {
        return main(properties, factory, args -> ServiceMain.runToCompletion(NAME, args, factory));
    }

    private static void assertOneLineNaming(final Exit exit, final String key) {
        assertEquals(2, exit.status(), exit.lines().toString());
        assertEquals(1, exit.lines().size(), exit.lines().toString());
        assertTrue(exit.lines().get(0).contains("'" + key + "'"), exit.lines().get(0));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aBrokerThatDoesNotAnswerFailsNamingBootstrapServers() throws IOException {
        final int port = closedPort();
        final long t0 = System.nanoTime();
        final Exit exit = runToCompletion("bootstrap.servers=127.0.0.1:" + port + "\nbootstrap.check.ms=1500\n", c -> new Fake(null));
        assertOneLineNaming(exit, "bootstrap.servers");
        assertTrue(exit.lines().get(0).contains("127.0.0.1:" + port), exit.lines().get(0));
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 15_000, "the check gives up after about bootstrap.check.ms");
    }

    @Test
    void aBrokerAddressThatDoesNotResolveFailsNamingBootstrapServers() throws IOException {
        final Exit exit = runToCompletion("bootstrap.servers=no-such-broker.invalid:9092\nbootstrap.check.ms=1500\n", c -> new Fake(null));
        assertOneLineNaming(exit, "bootstrap.servers");
    }

    @Test
    void aMissingBootstrapServersFailsNamingIt() throws IOException {
        assertOneLineNaming(runToCompletion("policy=fcfs-vllm\n", c -> new Fake(null)), "bootstrap.servers");
    }

    @Test
    void aBadCheckTimeFailsNamingIt() throws IOException {
        assertOneLineNaming(runToCompletion("bootstrap.servers=x:1\nbootstrap.check.ms=soon\n", c -> new Fake(null)), "bootstrap.check.ms");
        assertOneLineNaming(runToCompletion("bootstrap.servers=x:1\nbootstrap.check.ms=-1\n", c -> new Fake(null)), "bootstrap.check.ms");
    }

    @Test
    void aSettingTheConstructorRefusesFailsBeforeAnyKafkaWork() throws IOException {
        final Exit exit = runToCompletion("bootstrap.servers=127.0.0.1:" + closedPort() + "\nreplicas=many\n", c -> {
            c.getInt("replicas", 1);
            return new Fake(null);
        });
        assertOneLineNaming(exit, "replicas");
    }

    /** What WorkerApp.start() does when worker=vllm and vllm.url refuses: one line, status 2, the service closed. */
    @Test
    void aStartThatFailsOnASettingExitsWithOneLine() throws IOException {
        for (final boolean finite : new boolean[] {true, false}) {
            final Fake fake = new Fake(new IllegalArgumentException("config: key 'vllm.url': no vLLM server answered at http://x\nwithin 5 ms"));
            final Function<ServiceConfig, Service> factory = c -> fake;
            final Exit exit = main("bootstrap.servers=x:1\nbootstrap.check.ms=0\n", factory,
                    args -> finite ? ServiceMain.runToCompletion(NAME, args, factory) : ServiceMain.run(NAME, args, factory));
            assertOneLineNaming(exit, "vllm.url");
            assertTrue(fake.closed.get(), "closed after the failed start");
            assertFalse(fake.started.get());
        }
    }

    @Test
    void aGoodStartRunsToCompletion() throws IOException {
        final Fake fake = new Fake(null);
        final Exit exit = runToCompletion("bootstrap.servers=x:1\nbootstrap.check.ms=0\n", c -> fake);
        assertEquals(0, exit.status(), exit.lines().toString());
        assertTrue(fake.started.get());
        assertEquals(List.of(), exit.lines());
    }
}
