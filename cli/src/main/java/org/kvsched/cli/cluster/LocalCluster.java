package org.kvsched.cli.cluster;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.Uuid;
import org.kvsched.cli.replay.Dirs;
import org.kvsched.pipeline.service.ServiceConfig;
import org.kvsched.pipeline.topic.TopicProvisioner;
import org.kvsched.schemas.topic.TopicCatalog;
import org.kvsched.stream.app.SchedulerApp;
import org.kvsched.stream.config.SchedulerSettings;
import org.kvsched.worker.app.WorkerApp;

/**
 * A Kafka pipeline as separate local processes: a single-node KRaft broker ({@code kafka.Kafka}) and
 * the long-running services, scheduler-stream and one or more gpu-worker-sim, each its own JVM on
 * loopback, started with the same main classes docker-compose.yml runs. The per-run services (the
 * arrivals producer and the metrics sink) belong to {@code replay --external-services}, which feeds
 * and reads this cluster.
 *
 * <p>Every process runs from the CLI's own classpath: the CLI jar already bundles the broker (replay's
 * embedded broker needs it), so no second copy of the Kafka jars is assembled. When that classpath is
 * one jar, {@code up} copies it into the cluster's folder and runs every process (and later restarts)
 * from the copy: {@code ./kvsched} rebuilds its jar in place when a source changes, which would pull
 * the classes from under running JVMs. Each child carries a
 * {@code -Dkvsched.cluster.process=<dir>/<name>} marker; {@code status} and {@code down} trust a pid
 * file only when the live process with that pid carries the marker, so a pid reused after a crash is
 * never signalled.
 */
public final class LocalCluster {

    /** Marker system property on every child JVM (see the class note). */
    public static final String MARKER = "kvsched.cluster.process";
    /** The broker's process name (logs/broker.log, pids/broker.pid). */
    public static final String BROKER = "broker";
    /** Prefix of the scheduler instances' process names (scheduler-stream-0, -1, ...). */
    public static final String SCHEDULER = "scheduler-stream-";
    /** Prefix of the workers' process names (gpu-worker-sim-0, -1, ...). */
    public static final String WORKER = "gpu-worker-sim-";
    /** Consumer group of the cluster's workers. */
    public static final String WORKER_GROUP = "kvsched-workers";

    /** How long {@code down} waits after SIGTERM before SIGKILL, unless told otherwise. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    /**
     * What {@code up} starts.
     *
     * @param port     the broker's client port on 127.0.0.1 (0 = a free one)
     * @param replicas replicas, the partition count of the replica-keyed topics
     * @param workers  gpu-worker-sim processes (each owns some replicas' partitions), 1..replicas
     * @param schedulers scheduler-stream instances sharing the replicas (Kafka Streams task assignment), 1..replicas
     * @param services the flat configuration of scheduler-stream and the workers (ServiceConfig keys,
     *                 without {@code bootstrap.servers}, {@code state.dir} and the group names, which
     *                 the cluster sets)
     */
    public record Settings(int port, int replicas, int workers, int schedulers, Map<String, String> services) {

        /** Checks ranges; one line naming the option. */
        public Settings {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be 0..65535, got " + port);
            }
            if (replicas < 1) {
                throw new IllegalArgumentException("--replicas must be >= 1, got " + replicas);
            }
            if (workers < 1 || workers > replicas) {
                throw new IllegalArgumentException("--workers must be 1.." + replicas + " (one per replica at most), got " + workers);
            }
            if (schedulers < 1 || schedulers > replicas) {
                throw new IllegalArgumentException("--schedulers must be 1.." + replicas + " (one replica's task per instance at least), got "
                        + schedulers);
            }
            services = Map.copyOf(services);
        }
    }

    /**
     * One process of the cluster as {@code status} sees it.
     *
     * @param name  process name
     * @param pid   pid from its pid file
     * @param alive whether that pid is a live process of this cluster
     * @param port  the port it listens on, or "-" for a client-only service
     * @param log   its log file
     */
    public record ProcessStatus(String name, long pid, boolean alive, String port, Path log) {
    }

    /**
     * Timings of {@code up}.
     *
     * @param bootstrap  {@code host:port} for clients
     * @param brokerS    seconds from launch (including storage format) to the broker answering clients
     * @param servicesS  seconds from launching the services to their consumer groups being stable
     * @param totalS     seconds for all of {@code up}
     */
    public record UpReport(String bootstrap, double brokerS, double servicesS, double totalS) {
    }

    /**
     * What {@code down} did.
     *
     * @param stopped processes that exited after SIGTERM
     * @param killed  processes that needed SIGKILL
     * @param stale   pid files whose process was gone (or was not one of ours)
     * @param seconds wall time of the stop
     */
    public record DownReport(List<String> stopped, List<String> killed, List<String> stale, double seconds) {
    }

    private final ClusterDir dir;
    private final String javaBin;
    private final String classpath;
    private final Duration stopTimeout;
    private final PrintStream log;

    /**
     * A cluster in {@code dir} whose processes run {@code java} with {@code classpath}.
     *
     * @param stopTimeout how long a process gets after SIGTERM before SIGKILL
     * @param log         progress lines
     */
    public LocalCluster(final ClusterDir dir, final String java, final String classpath, final Duration stopTimeout,
                        final PrintStream log) {
        this.dir = dir;
        this.javaBin = java;
        this.classpath = classpath;
        this.stopTimeout = stopTimeout;
        this.log = log;
    }

    /** A cluster run by this JVM's own java and classpath (the CLI jar under {@code ./kvsched}). */
    public static LocalCluster withThisClasspath(final ClusterDir dir, final PrintStream log) {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> entries = new ArrayList<>();
        for (final String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            // Children may run from another working directory: make every entry absolute.
            entries.add(Path.of(e).toAbsolutePath().toString());
        }
        return new LocalCluster(dir, java, String.join(File.pathSeparator, entries), STOP_TIMEOUT, log);
    }

    public ClusterDir dir() {
        return dir;
    }

    /**
     * Starts the broker, creates the topic catalog and starts the services; returns once the broker
     * answers and the services' consumer groups are stable. On any failure it stops what it started
     * and throws with the line of the failing process's log that says why (see {@link #failureLine}).
     */
    public UpReport up(final Settings settings) throws InterruptedException {
        // Fail on a bad setting before any process exists, with the services' own one-line messages.
        final Map<String, String> probe = new LinkedHashMap<>(settings.services());
        probe.put("bootstrap.servers", "localhost:1");
        SchedulerSettings.fromConfig(ServiceConfig.of(probe));
        new WorkerApp(ServiceConfig.of(probe));
        final List<ProcessStatus> running = status().stream().filter(ProcessStatus::alive).toList();
        if (!running.isEmpty()) {
            throw new IllegalStateException("a cluster is already running in " + dir.root() + " (" + running.get(0).name() + " pid "
                    + running.get(0).pid() + "); stop it with 'kvsched cluster down'");
        }
        final long t0 = System.nanoTime();
        reset();
        final int port = settings.port() > 0 ? settings.port() : freePort();
        final int controllerPort = freePort();
        final String bootstrap = "localhost:" + port;
        try {
            final String cp = pinClasspath();
            writeBrokerFiles(port, controllerPort);
            final Map<String, String> state = new LinkedHashMap<>();
            state.put("classpath", cp);
            state.put("bootstrap.servers", bootstrap);
            state.put("broker.port", Integer.toString(port));
            state.put("controller.port", Integer.toString(controllerPort));
            state.put("replicas", Integer.toString(settings.replicas()));
            state.put("workers", Integer.toString(settings.workers()));
            state.put("schedulers", Integer.toString(settings.schedulers()));
            ClusterDir.write(dir.clusterProperties(), state, "written by 'kvsched cluster up'; read by 'status'");
            format();
            launch(BROKER, List.of("-Xms256m", "-Xmx512m", "-Dlog4j2.configurationFile=" + dir.brokerLog4j().toUri()),
                    "kafka.Kafka", List.of(dir.brokerProperties().toString()), Map.of());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000,
                    // Poll a starting broker every 100 ms rather than backing off to 1 s.
                    AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 100, AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 100))) {
                awaitBroker(admin);
                final double brokerS = (System.nanoTime() - t0) / 1e9;
                log.printf(Locale.ROOT, "cluster: broker (KRaft, Kafka 4.3.1) at %s ready in %.1f s%n", bootstrap, brokerS);
                // The same creation code as replay's (one partition per replica, LogAppendTime on arrivals).
                TopicProvisioner.create(bootstrap, TopicCatalog.withPrefix(settings.services().getOrDefault("topic.prefix", "")),
                        settings.replicas());
                final Map<String, String> services = new LinkedHashMap<>(settings.services());
                services.put("bootstrap.servers", bootstrap);
                services.put("replicas", Integer.toString(settings.replicas()));
                // A killed member's partitions move after this long (the broker's minimum; the client default is 45 s).
                services.putIfAbsent("kafka.session.timeout.ms", "6000");
                services.putIfAbsent("kafka.heartbeat.interval.ms", "1500");
                services.putIfAbsent("application.id", SchedulerSettings.DEFAULT_APPLICATION_ID);
                services.putIfAbsent("group.id", WORKER_GROUP);
                ClusterDir.write(dir.servicesProperties(), services,
                        "scheduler-stream and gpu-worker-sim configuration (ServiceConfig keys), written by 'kvsched cluster up'");
                final long s0 = System.nanoTime();
                for (int i = 0; i < settings.schedulers(); i++) {
                    startService(SCHEDULER + i);
                }
                for (int i = 0; i < settings.workers(); i++) {
                    startService(WORKER + i);
                }
                awaitGroup(admin, services.get("application.id"), settings.schedulers(), SCHEDULER + "0");
                awaitGroup(admin, services.get("group.id"), settings.workers(), WORKER + "0");
                final double servicesS = (System.nanoTime() - s0) / 1e9;
                log.printf(Locale.ROOT, "cluster: %d scheduler-stream and %d gpu-worker-sim running in %.1f s%n", settings.schedulers(),
                        settings.workers(), servicesS);
                return new UpReport(bootstrap, brokerS, servicesS, (System.nanoTime() - t0) / 1e9);
            }
        } catch (final RuntimeException | InterruptedException e) {
            down();
            throw e;
        }
    }

    /**
     * Starts (or, after {@code stop} or {@code kill}, restarts) one service of a running cluster with its recorded
     * configuration. Each process is a static member of its group ({@code group.instance.id} = its name), so a
     * restarted one takes back its partitions without a rebalance; each scheduler instance has its own state
     * directory, which a restart reuses.
     */
    public void startService(final String name) {
        // After 'down' the configuration is still there but the broker is not: a service would retry forever.
        if (!Files.isRegularFile(dir.servicesProperties()) || ours(BROKER).isEmpty()) {
            throw new IllegalStateException("no running cluster in " + dir.root() + "; run 'kvsched cluster up' first");
        }
        final Map<String, String> env = new LinkedHashMap<>();
        final String main;
        if (instance(name, SCHEDULER) >= 0) {
            main = SchedulerApp.class.getName();
            env.put(ServiceConfig.keyToEnv("state.dir"), dir.data().resolve("state-" + name).toString());
        } else if (instance(name, WORKER) >= 0) {
            main = WorkerApp.class.getName();
            env.put(ServiceConfig.keyToEnv("worker.id"), Integer.toString(instance(name, WORKER)));
        } else {
            throw new IllegalArgumentException("unknown service '" + name + "' (" + SCHEDULER + "N or " + WORKER + "N)");
        }
        env.put(ServiceConfig.keyToEnv("kafka.group.instance.id"), name);
        launch(name, List.of("-Xmx384m", "-Dlog4j2.configurationFile=classpath:kvsched-log4j2.xml"), main,
                List.of(dir.servicesProperties().toString()), env);
    }

    /**
     * Stops one process: SIGTERM, up to the stop timeout (30 s) for it to exit, then SIGKILL. Its pid file goes either way.
     *
     * @return true if it was running
     */
    public boolean stop(final String name) throws InterruptedException {
        final Optional<ProcessHandle> p = ours(name);
        if (p.isPresent()) {
            terminate(List.of(p.get()));
        }
        deleteQuietly(dir.pidFile(name));
        return p.isPresent();
    }

    /**
     * Kills one process with SIGKILL, as a crash would: no shutdown hook runs, nothing is committed or left
     * cleanly. Its pid file stays (as after a real crash) until {@link #startService} or {@link #down}.
     *
     * @return true if it was running
     */
    public boolean kill(final String name) throws InterruptedException {
        final Optional<ProcessHandle> p = ours(name);
        if (p.isEmpty()) {
            return false;
        }
        p.get().destroyForcibly();
        try {
            p.get().onExit().get(10, TimeUnit.SECONDS);
        } catch (final TimeoutException | ExecutionException e) {
            throw new IllegalStateException(name + " (pid " + p.get().pid() + ") survived SIGKILL for 10 s");
        }
        return true;
    }

    /** The instance number of a service name with this prefix ({@code scheduler-stream-2} is 2), or -1. */
    public static int instance(final String name, final String prefix) {
        if (!name.startsWith(prefix) || name.length() == prefix.length()) {
            return -1;
        }
        try {
            return Integer.parseInt(name.substring(prefix.length()));
        } catch (final NumberFormatException e) {
            return -1;
        }
    }

    /** Every process that has a pid file, in start order (broker first). */
    public List<ProcessStatus> status() {
        final Map<String, String> state = dir.readClusterProperties().orElse(Map.of());
        final List<ProcessStatus> out = new ArrayList<>();
        for (final String name : pidNames()) {
            final long pid = readPid(name);
            final boolean alive = pid > 0 && ours(name).isPresent();
            final String port = name.equals(BROKER) ? state.getOrDefault("broker.port", "?") : "-";
            out.add(new ProcessStatus(name, pid, alive, port, dir.log(name)));
        }
        return out;
    }

    /**
     * Stops every process with a pid file: the services first (SIGTERM to all, so the scheduler commits
     * and leaves its group while the broker is up), then the broker; each gets the stop timeout (30 s) before SIGKILL.
     * Works after a crash: a pid file whose process is gone, or is not ours, is only removed.
     */
    public DownReport down() throws InterruptedException {
        final long t0 = System.nanoTime();
        final List<String> stopped = new ArrayList<>();
        final List<String> killed = new ArrayList<>();
        final List<String> stale = new ArrayList<>();
        final List<String> names = pidNames();
        final List<String> services = names.stream().filter(n -> !n.equals(BROKER)).toList();
        for (final List<String> wave : List.of(services, names.contains(BROKER) ? List.of(BROKER) : List.<String>of())) {
            final Map<String, ProcessHandle> live = new LinkedHashMap<>();
            for (final String n : wave) {
                final Optional<ProcessHandle> p = ours(n);
                if (p.isPresent()) {
                    live.put(n, p.get());
                } else {
                    stale.add(n);
                }
            }
            final List<ProcessHandle> forced = terminate(List.copyOf(live.values()));
            live.forEach((n, p) -> (forced.contains(p) ? killed : stopped).add(n));
            wave.forEach(n -> deleteQuietly(dir.pidFile(n)));
        }
        return new DownReport(stopped, killed, stale, (System.nanoTime() - t0) / 1e9);
    }

    // ---- processes -------------------------------------------------------------------------------

    private void launch(final String name, final List<String> jvmOptions, final String main, final List<String> args,
                        final Map<String, String> extraEnv) {
        final List<String> cmd = new ArrayList<>();
        // setsid: the process leaves the terminal's session, so closing the shell that ran 'up' does not
        // hang it up; without setsid (not on PATH) it still outlives the CLI.
        if (onPath("setsid")) {
            cmd.add("setsid");
        }
        cmd.add(javaBin);
        cmd.addAll(jvmOptions);
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-D" + MARKER + "=" + marker(name));
        cmd.add("-cp");
        cmd.add(clusterClasspath());
        cmd.add(main);
        cmd.addAll(args);
        final ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.root().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.log(name).toFile()));
        // The services read their properties file only: an inherited KVSCHED_* variable would silently
        // override it (ServiceConfig lets the environment win), so none passes through.
        pb.environment().keySet().removeIf(k -> k.startsWith(ServiceConfig.ENV_PREFIX));
        pb.environment().putAll(extraEnv);
        try {
            appendLog(name, "---- " + Instant.now() + " kvsched cluster: starting " + main);
            final Process p = pb.start();
            Files.writeString(dir.pidFile(name), p.pid() + System.lineSeparator(), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /** Copies a one-jar classpath into the cluster's folder (see the class note); returns the classpath to run. */
    private String pinClasspath() {
        if (classpath.contains(File.pathSeparator) || !classpath.endsWith(".jar") || !Files.isRegularFile(Path.of(classpath))) {
            return classpath;
        }
        try {
            final Path copy = dir.root().resolve("lib").resolve("kvsched.jar");
            Files.createDirectories(copy.getParent());
            Files.copy(Path.of(classpath), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return copy.toString();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot copy " + classpath + " into " + dir.root() + ": " + e.getMessage(), e);
        }
    }

    /** The classpath {@code up} recorded for this cluster, else this instance's. */
    private String clusterClasspath() {
        final String recorded = dir.readClusterProperties().map(m -> m.get("classpath")).orElse(null);
        return recorded != null && !recorded.isEmpty() ? recorded : classpath;
    }

    /** Formats the broker's storage: a new cluster id, standalone (dynamic) controller quorum. */
    private void format() throws InterruptedException {
        final List<String> cmd = List.of(javaBin, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dlog4j2.configurationFile=" + dir.brokerLog4j().toUri(), "-cp", clusterClasspath(), "kafka.tools.StorageTool",
                "format", "--standalone", "-t", Uuid.randomUuid().toString(), "-c", dir.brokerProperties().toString());
        try {
            appendLog(BROKER, "---- " + Instant.now() + " kvsched cluster: formatting storage");
            final Process p = new ProcessBuilder(cmd).directory(dir.root().toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.log(BROKER).toFile())).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("formatting the broker's storage took over 60 s; see " + dir.log(BROKER));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("formatting the broker's storage failed (" + failureLine(BROKER) + "); see " + dir.log(BROKER));
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot run the broker's StorageTool: " + e.getMessage(), e);
        }
    }

    /** SIGTERM to all, wait up to the stop timeout, SIGKILL the rest; returns those that needed SIGKILL. */
    private List<ProcessHandle> terminate(final List<ProcessHandle> processes) throws InterruptedException {
        processes.forEach(ProcessHandle::destroy);
        final long deadline = System.nanoTime() + stopTimeout.toNanos();
        final List<ProcessHandle> forced = new ArrayList<>();
        for (final ProcessHandle p : processes) {
            try {
                p.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (final TimeoutException e) {
                p.destroyForcibly();
                forced.add(p);
            } catch (final ExecutionException e) {
                throw new IllegalStateException("waiting for pid " + p.pid() + ": " + e.getCause(), e.getCause());
            }
        }
        for (final ProcessHandle p : forced) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (final TimeoutException | ExecutionException e) {
                throw new IllegalStateException("pid " + p.pid() + " survived SIGKILL for 10 s");
            }
        }
        return forced;
    }

    /** The live process of this cluster named {@code name}, if its pid file names one that carries our marker. */
    private Optional<ProcessHandle> ours(final String name) {
        final long pid = readPid(name);
        if (pid <= 0) {
            return Optional.empty();
        }
        final String want = "-D" + MARKER + "=" + marker(name);
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(want)).orElse(false));
    }

    private String marker(final String name) {
        return dir.root().resolve(name).toString();
    }

    private long readPid(final String name) {
        try {
            return Long.parseLong(Files.readString(dir.pidFile(name), StandardCharsets.UTF_8).trim());
        } catch (final IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Names with a pid file: the broker first, then the scheduler, then the workers by number. */
    private List<String> pidNames() {
        if (!Files.isDirectory(dir.pids())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir.pids())) {
            return s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".pid"))
                    .map(f -> f.substring(0, f.length() - ".pid".length()))
                    .sorted(Comparator.comparingInt(LocalCluster::rank).thenComparing(n -> n.length()).thenComparing(n -> n))
                    .toList();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot list " + dir.pids() + ": " + e.getMessage(), e);
        }
    }

    private static int rank(final String name) {
        return name.equals(BROKER) ? 0 : name.startsWith(SCHEDULER) ? 1 : 2;
    }

    // ---- readiness -------------------------------------------------------------------------------

    private void awaitBroker(final Admin admin) throws InterruptedException {
        final long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            requireAlive(BROKER);
            try {
                admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                return;
            } catch (final ExecutionException | TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the broker did not answer within " + READY_TIMEOUT.toSeconds() + " s; see " + dir.log(BROKER));
                }
                Thread.sleep(100);
            }
        }
    }

    /** Waits until the consumer group {@code group} is stable with {@code members} members. */
    private void awaitGroup(final Admin admin, final String group, final int members, final String process) throws InterruptedException {
        final long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            for (final String n : pidNames()) {
                requireAlive(n);
            }
            try {
                final ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(2, TimeUnit.SECONDS).get(group);
                if (d.groupState() == GroupState.STABLE && d.members().size() >= members) {
                    return;
                }
            } catch (final ExecutionException | TimeoutException e) {
                // Not there yet: the group appears when its first member joins.
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("group " + group + " did not reach " + members + " stable member(s) within "
                        + READY_TIMEOUT.toSeconds() + " s; see " + dir.log(process));
            }
            Thread.sleep(100);
        }
    }

    private void requireAlive(final String name) {
        // By pid alone: up has just started these, and under setsid the marker appears only once java is exec'd.
        final long pid = readPid(name);
        if (pid <= 0 || !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            throw new IllegalStateException(name + " exited at start: " + failureLine(name) + " (log: " + dir.log(name) + ")");
        }
    }

    // ---- files -----------------------------------------------------------------------------------

    /** Empties logs, pids and data: every {@code up} starts a fresh cluster (the scheduler keeps no state across runs). */
    private void reset() {
        try {
            Dirs.deleteRecursively(dir.data());
            Dirs.deleteRecursively(dir.pids());
            Dirs.deleteRecursively(dir.logs());
            Dirs.deleteRecursively(dir.root().resolve("lib"));
            Files.createDirectories(dir.logs());
            Files.createDirectories(dir.pids());
            Files.createDirectories(dir.data());
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir.root() + ": " + e.getMessage(), e);
        }
    }

    private void writeBrokerFiles(final int port, final int controllerPort) {
        final Map<String, String> p = new LinkedHashMap<>();
        // One combined broker and controller node with a standalone (dynamic) quorum; loopback only.
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("log.dirs", dir.data().resolve("kafka").toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // The 3 s default delays every consumer group and the Streams app at start.
        p.put("group.initial.rebalance.delay.ms", "0");
        // The topic catalog is created explicitly (partition counts matter); a typo must not create a topic.
        p.put("auto.create.topics.enable", "false");
        ClusterDir.write(dir.brokerProperties(), p, "single-node KRaft broker, written by 'kvsched cluster up'");
        try {
            // INFO for the broker itself (start, topics, groups) but not every request.
            Files.writeString(dir.brokerLog4j(), """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <Configuration status="WARN">
                      <Appenders>
                        <Console name="out" target="SYSTEM_OUT"><PatternLayout pattern="%d{HH:mm:ss.SSS} %-5level %c{1} - %msg%n"/></Console>
                      </Appenders>
                      <Loggers>
                        <Logger name="kafka.server.KafkaRaftServer" level="INFO"/>
                        <Logger name="kafka.server.BrokerServer" level="INFO"/>
                        <Logger name="org.apache.kafka.coordinator.group" level="INFO"/>
                        <Root level="WARN"><AppenderRef ref="out"/></Root>
                      </Loggers>
                    </Configuration>
                    """, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write " + dir.brokerLog4j() + ": " + e.getMessage(), e);
        }
    }

    private void appendLog(final String name, final String line) throws IOException {
        Files.writeString(dir.log(name), line + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * The line of a process's log that says why its latest start failed, for one-line messages: the
     * first exception message since the last start marker (a broker that cannot bind says so there,
     * while its last line is about log4j's shutdown), else the first ERROR line, else the last line (a
     * service's own one-line configuration error).
     */
    String failureLine(final String name) {
        final List<String> lines;
        try {
            lines = Files.readAllLines(dir.log(name), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            return "(no log)";
        }
        int from = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("---- ")) {
                from = i + 1;
            }
        }
        final List<String> run = lines.subList(from, lines.size()).stream().map(String::trim).filter(l -> !l.isEmpty()).toList();
        return run.stream().filter(l -> l.contains("Exception: ")).findFirst()
                .or(() -> run.stream().filter(l -> l.contains(" ERROR ")).findFirst())
                .or(() -> run.isEmpty() ? Optional.empty() : Optional.of(run.get(run.size() - 1)))
                .orElse("(empty log)");
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot find a free port: " + e.getMessage(), e);
        }
    }

    private static boolean onPath(final String program) {
        final String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (final String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    private static void deleteQuietly(final Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (final IOException e) {
            // A pid file that cannot be removed is reported as stale by the next status; nothing else to do.
        }
    }

}
