package org.kvsched.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.kvsched.cli.cluster.ClusterDir;
import org.kvsched.cli.cluster.LocalCluster;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.policy.PolicyConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kvsched cluster up|status|down|restart|kill}: the Kafka pipeline as separate local processes (a
 * KRaft broker, scheduler-stream, gpu-worker-sim), see {@link LocalCluster} and the "Separate
 * processes" section of docs/kafka-pipeline.md. {@code replay --bootstrap-servers localhost:PORT
 * --external-services} runs a workload through it.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Run the pipeline as separate local processes: a KRaft broker, scheduler-stream and gpu-worker-sim.",
        subcommands = {ClusterCommand.Up.class, ClusterCommand.Status.class, ClusterCommand.Down.class, ClusterCommand.Restart.class,
                ClusterCommand.Kill.class})
final class ClusterCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** The {@code --dir} option every subcommand shares. */
    static final class DirOption {
        @Option(names = "--dir", paramLabel = "DIR", defaultValue = ClusterDir.DEFAULT,
                description = "The cluster's folder: logs/, pids/, data/ and the generated configuration (default: ${DEFAULT-VALUE}).")
        Path dir;

        LocalCluster cluster() {
            // Before any Kafka class logs (the admin client is chatty at INFO), as replay does.
            if (System.getProperty("log4j2.configurationFile") == null) {
                System.setProperty("log4j2.configurationFile", "classpath:kvsched-log4j2.xml");
            }
            return LocalCluster.withThisClasspath(new ClusterDir(dir), System.err);
        }
    }

    /** {@code cluster up}. */
    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Start a fresh broker, create the topics, start scheduler-stream and the workers; returns once they are ready.")
    static final class Up implements Callable<Integer> {

        @picocli.CommandLine.Mixin
        DirOption dir;

        @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
                description = "The broker's client port on loopback (0 = a free one; default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--replicas", paramLabel = "N", defaultValue = "1",
                description = "Replicas, the partitions of the replica-keyed topics; replays must use the same (default: ${DEFAULT-VALUE}).")
        int replicas;

        @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
                description = "gpu-worker-sim processes, 1..replicas (default: ${DEFAULT-VALUE}).")
        int workers;

        @Option(names = "--schedulers", paramLabel = "N", defaultValue = "1",
                description = "scheduler-stream instances sharing the replicas, 1..replicas; if one dies the others take its "
                        + "replicas after the session timeout (6 s) (default: ${DEFAULT-VALUE}).")
        int schedulers;

        @Option(names = "--policy", paramLabel = "SPEC", defaultValue = "fcfs-vllm",
                description = "The scheduler's policy; see 'kvsched policies' (default: ${DEFAULT-VALUE}).")
        String policy;

        @Option(names = "--model", paramLabel = "NAME", defaultValue = ModelCatalog.DEFAULT_NAME,
                description = "Model profile of the scheduler and workers (default: ${DEFAULT-VALUE}).")
        String model;

        @Option(names = "--kv-capacity", paramLabel = "TOKENS", defaultValue = "0",
                description = "Override the model's KV capacity per replica, tokens (0 = the profile's).")
        int kvCapacity;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the policies (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--speed", paramLabel = "X", defaultValue = "0",
                description = "Workers: 0 = virtual time, X > 0 = sleep the modelled time / X (default: ${DEFAULT-VALUE}).")
        double speed;

        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "Extra service configuration for scheduler-stream and the workers, repeatable (e.g. commit.interval.ms=5).")
        Map<String, String> extraConfig = new LinkedHashMap<>();

        @Override
        public Integer call() throws Exception {
            final PolicyConfig p = PolicyConfig.parse(policy);
            final Map<String, String> services = new LinkedHashMap<>();
            services.put("model", model);
            services.put("kv.capacity", Integer.toString(kvCapacity));
            services.put("seed", Long.toString(seed));
            services.put("policy", p.kind());
            p.params().forEach((k, v) -> services.put("policy." + p.kind() + "." + k, v));
            services.put("speed", Double.toString(speed));
            services.putAll(extraConfig);
            final LocalCluster cluster = dir.cluster();
            final LocalCluster.UpReport r;
            try {
                r = cluster.up(new LocalCluster.Settings(port, replicas, workers, schedulers, services));
            } catch (final IllegalStateException e) {
                // A process that did not start (its last log line is in the message), or a cluster already running.
                System.err.println("kvsched cluster up: " + e.getMessage());
                return 1;
            }
            System.out.printf(Locale.ROOT, "cluster up in %.1f s (broker %.1f s, services %.1f s): %s, policy %s, %d replica(s), "
                            + "%d scheduler(s), %d worker(s)%n",
                    r.totalS(), r.brokerS(), r.servicesS(), r.bootstrap(), p.toSpec(), replicas, schedulers, workers);
            System.out.printf(Locale.ROOT, "  logs: %s%n  replay: ./kvsched replay --bootstrap-servers %s --external-services --replicas %d --policy %s%n"
                            + "  stop:   ./kvsched cluster down%n",
                    cluster.dir().logs(), r.bootstrap(), replicas, p.toSpec());
            return 0;
        }
    }

    /** {@code cluster status}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "List the cluster's processes: pid, alive, port, log. Exit code 0 if all are alive, 1 otherwise.")
    static final class Status implements Callable<Integer> {

        @picocli.CommandLine.Mixin
        DirOption dir;

        @Override
        public Integer call() {
            final LocalCluster cluster = dir.cluster();
            final List<LocalCluster.ProcessStatus> all = cluster.status();
            if (all.isEmpty()) {
                System.out.println("no cluster in " + cluster.dir().root());
                return 1;
            }
            cluster.dir().readClusterProperties().ifPresent(s -> System.out.println("bootstrap: " + s.get("bootstrap.servers")
                    + ", replicas: " + s.get("replicas")));
            final List<List<String>> rows = new ArrayList<>();
            for (final LocalCluster.ProcessStatus s : all) {
                rows.add(List.of(s.name(), Long.toString(s.pid()), s.alive() ? "yes" : "NO", s.port(), s.log().toString()));
            }
            TextTable.print(System.out, List.of("process", "pid", "alive", "port", "log"), rows);
            return all.stream().allMatch(LocalCluster.ProcessStatus::alive) ? 0 : 1;
        }
    }

    /** {@code cluster down}. */
    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stop every process (SIGTERM, up to 30 s, then SIGKILL), services first; also cleans up after a crash.")
    static final class Down implements Callable<Integer> {

        @picocli.CommandLine.Mixin
        DirOption dir;

        @Override
        public Integer call() throws Exception {
            final LocalCluster.DownReport r = dir.cluster().down();
            System.out.printf(Locale.ROOT, "cluster down in %.1f s: stopped %s%s%s%n", r.seconds(),
                    r.stopped().isEmpty() ? "nothing" : String.join(", ", r.stopped()),
                    r.killed().isEmpty() ? "" : "; killed (no exit within 30 s of SIGTERM) " + String.join(", ", r.killed()),
                    r.stale().isEmpty() ? "" : "; stale pid files removed: " + String.join(", ", r.stale()));
            return 0;
        }
    }

    /** What {@code restart} and {@code kill} share: the services named, checked, one at a time on a running cluster. */
    abstract static class OnServices implements Callable<Integer> {

        @picocli.CommandLine.Mixin
        DirOption dir;

        @Parameters(arity = "1..*", paramLabel = "SERVICE", description = "scheduler-stream-N or gpu-worker-sim-N.")
        List<String> names;

        /** Acts on one service; returns whether it was running. */
        abstract boolean act(LocalCluster cluster, String name) throws Exception;

        /** The line printed after {@link #act}. */
        abstract String done(String name, boolean wasRunning, double seconds);

        @Override
        public Integer call() throws Exception {
            final String verb = getClass().getAnnotation(Command.class).name();
            for (final String n : names) {
                if (LocalCluster.instance(n, LocalCluster.SCHEDULER) < 0 && LocalCluster.instance(n, LocalCluster.WORKER) < 0) {
                    throw new IllegalArgumentException(verb + ": unknown service '" + n + "' (scheduler-stream-N or gpu-worker-sim-N; the "
                            + "broker holds the cluster's data: use 'cluster down' and 'cluster up')");
                }
            }
            final LocalCluster cluster = dir.cluster();
            if (cluster.status().stream().noneMatch(s -> s.name().equals(LocalCluster.BROKER) && s.alive())) {
                System.err.println("kvsched cluster " + verb + ": no running cluster in " + cluster.dir().root()
                        + "; run 'kvsched cluster up' first");
                return 1;
            }
            for (final String n : names) {
                final long t0 = System.nanoTime();
                final boolean was = act(cluster, n);
                System.out.println(done(n, was, (System.nanoTime() - t0) / 1e9));
            }
            return 0;
        }
    }

    /** {@code cluster restart}. */
    @Command(name = "restart", mixinStandardHelpOptions = true,
            description = "Restart services one by one (SIGTERM, wait, start with the same configuration), e.g. while a replay runs.")
    static final class Restart extends OnServices {

        @Override
        boolean act(final LocalCluster cluster, final String name) throws InterruptedException {
            final boolean was = cluster.stop(name);
            cluster.startService(name);
            return was;
        }

        @Override
        String done(final String name, final boolean wasRunning, final double seconds) {
            return String.format(Locale.ROOT, "%s %s in %.1f s", name, wasRunning ? "restarted" : "started (was not running)", seconds);
        }
    }

    /** {@code cluster kill}. */
    @Command(name = "kill", mixinStandardHelpOptions = true,
            description = "SIGKILL services, as a crash would (no restart): the other scheduler instances or workers take over their "
                    + "partitions after the session timeout; 'cluster restart' brings one back.")
    static final class Kill extends OnServices {

        @Override
        boolean act(final LocalCluster cluster, final String name) throws InterruptedException {
            return cluster.kill(name);
        }

        @Override
        String done(final String name, final boolean wasRunning, final double seconds) {
            return name + (wasRunning ? " killed (SIGKILL)" : " was not running");
        }
    }
}
