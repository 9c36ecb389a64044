package org.kvsched.cli.cluster;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.kvsched.cli.replay.Dirs;
import org.kvsched.cli.replay.ReplayRun;

/**
 * {@code replay --local-cluster}: one replay on a fresh {@link LocalCluster} of separate processes (a
 * KRaft broker, {@code schedulers} scheduler-stream instances and the workers), with the arrivals
 * producer and the metrics sink in the replay's own JVM, then {@code down}. With a {@link Chaos.Spec}
 * it kills processes at seeded points while the replay runs. The cluster's folder (logs, pid files,
 * data) is deleted after a clean run and kept, with its path printed, after a failure.
 */
public final class ClusterReplay {

    /**
     * What the run did.
     *
     * @param outcome   the replay's outcome
     * @param faults    the chaos plan (empty without chaos); all of it fired unless the replay failed
     * @param upS       seconds for {@code cluster up}
     * @param downS     seconds for {@code cluster down}
     */
    public record Result(ReplayRun.Outcome outcome, List<Chaos.Fault> faults, double upS, double downS) {
    }

    private ClusterReplay() {
    }

    /**
     * Runs {@code spec} (its {@code bootstrapServers} must be null: the cluster is made here) on a fresh cluster.
     *
     * @param schedulers scheduler-stream instances
     * @param chaos      faults to inject, or null
     * @param dir        the cluster's folder, or null for a fresh temporary one
     * @param log        progress lines
     */
    public static Result run(final ReplayRun.Spec spec, final int schedulers, final Chaos.Spec chaos, final Path dir,
                             final PrintStream log) throws Exception {
        if (spec.bootstrapServers() != null) {
            throw new IllegalArgumentException("--local-cluster starts its own broker: leave out --bootstrap-servers");
        }
        final int workers = Math.max(1, Math.min(spec.workers(), spec.replicas()));
        final LocalCluster.Settings settings = new LocalCluster.Settings(0, spec.replicas(), workers, schedulers, services(spec));
        final List<Chaos.Fault> plan = chaos == null ? List.of()
                : Chaos.plan(chaos, spec.seed(), spec.workload().size(), schedulers, workers);
        final Path root = dir != null ? dir : Files.createTempDirectory("kvsched-cluster");
        final LocalCluster cluster = LocalCluster.withThisClasspath(new ClusterDir(root), log);
        boolean clean = false;
        try {
            final LocalCluster.UpReport up = cluster.up(settings);
            log.printf(Locale.ROOT, "replay: local cluster up in %.1f s at %s (%d scheduler(s), %d worker(s)); logs in %s%n", up.totalS(),
                    up.bootstrap(), schedulers, workers, cluster.dir().logs());
            final ReplayRun.Outcome outcome = replayWithFaults(cluster, spec.withCluster(up.bootstrap(), ""), plan, log);
            final LocalCluster.DownReport down = cluster.down();
            clean = true;
            return new Result(outcome, plan, up.totalS(), down.seconds());
        } finally {
            if (!clean) {
                cluster.down();
                log.println("replay: the local cluster's logs are kept in " + cluster.dir().logs());
            } else if (dir == null) {
                Dirs.deleteRecursively(root);
            }
        }
    }

    /**
     * {@code replay --external-services --chaos}: the faults on a cluster that {@code kvsched cluster up} started in
     * {@code dir} and that stays up afterwards (processes crashed on purpose stay dead; {@code cluster restart} brings
     * them back). The instance counts come from the cluster's own record; its replicas must be the spec's.
     *
     * @param spec  the replay, with the cluster's bootstrap servers
     * @param chaos faults to inject
     */
    public static Result runOnRunning(final ReplayRun.Spec spec, final Chaos.Spec chaos, final ClusterDir dir, final PrintStream log)
            throws Exception {
        final Map<String, String> recorded = dir.readClusterProperties().orElseThrow(() -> new IllegalArgumentException(
                "--cluster-dir: no cluster in " + dir.root() + " (start one with 'kvsched cluster up')"));
        final int replicas = Integer.parseInt(recorded.getOrDefault("replicas", "0"));
        if (replicas != spec.replicas()) {
            throw new IllegalArgumentException("--replicas " + spec.replicas() + " does not match the cluster in " + dir.root()
                    + ", which runs " + replicas);
        }
        final List<Chaos.Fault> plan = Chaos.plan(chaos, spec.seed(), spec.workload().size(),
                Integer.parseInt(recorded.getOrDefault("schedulers", "1")), Integer.parseInt(recorded.getOrDefault("workers", "1")));
        final LocalCluster cluster = LocalCluster.withThisClasspath(dir, log);
        return new Result(replayWithFaults(cluster, spec, plan, log), plan, 0, 0);
    }

    /** One replay against the cluster's services while {@link Chaos} fires {@code plan}; fails unless all of it fired. */
    private static ReplayRun.Outcome replayWithFaults(final LocalCluster cluster, final ReplayRun.Spec spec, final List<Chaos.Fault> plan,
                                                      final PrintStream log) throws Exception {
        final Chaos monkey = new Chaos(cluster, plan, log);
        if (!plan.isEmpty()) {
            log.printf(Locale.ROOT, "chaos: %d fault(s), seed %d, at %s requests finished%n", plan.size(), spec.seed(),
                    plan.stream().map(f -> f.atFinished() + " (" + (f.restart() ? "kill " : "crash ") + f.process() + ")").toList());
        }
        final ReplayRun.Outcome outcome = ReplayRun.run(spec, ReplayRun.Services.EXTERNAL, monkey);
        if (monkey.fired() < plan.size()) {
            throw new IllegalStateException("chaos: only " + monkey.fired() + " of " + plan.size() + " faults fired before the end");
        }
        return outcome;
    }

    /** The cluster services' configuration for a spec: replay's own, less what the cluster sets per process. */
    static Map<String, String> services(final ReplayRun.Spec spec) {
        final Map<String, String> c = new LinkedHashMap<>(ReplayRun.serviceConfig(spec, "", Path.of("")));
        for (final String key : List.of("bootstrap.servers", "state.dir", "application.id", "topic.prefix", "label", "expected.requests")) {
            c.remove(key);
        }
        c.putAll(spec.extraConfig());
        return c;
    }
}
