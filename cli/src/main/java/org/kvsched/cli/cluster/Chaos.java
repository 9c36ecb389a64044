package org.kvsched.cli.cluster;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import org.kvsched.cli.replay.ReplayRun;

/**
 * Seeded crashes during a replay on a {@link LocalCluster}: at points chosen from the seed, it kills a
 * scheduler-stream or gpu-worker-sim process with SIGKILL (no shutdown hook, no commit, no goodbye to
 * its group) and, for a {@code kill-*} fault, starts it again at once; a {@code crash-*} fault leaves it
 * dead, so the other instances must take over its replicas (fail-over). The points are fractions of the
 * workload's requests finished, as the metrics sink counts them, drawn uniformly from [5%, 95%), so a
 * seed gives the same faults at the same progress whatever the machine's speed.
 *
 * <p>The exactly-once proof is the replay's {@code --verify}: every request's times identical to the
 * in-memory engine and no once-only event seen twice. Between ticks it checks that every process it did
 * not crash on purpose is alive, and fails with that process's own last words if one is not.
 */
public final class Chaos implements ReplayRun.Watcher {

    /**
     * How many faults of each kind.
     *
     * @param killSchedulers  scheduler-stream instances killed and restarted at once
     * @param killWorkers     gpu-worker-sim processes killed and restarted at once
     * @param crashSchedulers scheduler-stream instances killed for good (the others take over)
     * @param crashWorkers    gpu-worker-sim processes killed for good
     */
    public record Spec(int killSchedulers, int killWorkers, int crashSchedulers, int crashWorkers) {

        /** The option's syntax, for messages. */
        public static final String SYNTAX = "kill-scheduler:N,kill-worker:N,crash-scheduler:N,crash-worker:N (any subset)";

        /** Parses {@code kill-scheduler:3,kill-worker:3}; one line naming the option on a bad value. */
        public static Spec parse(final String text) {
            final Map<String, Integer> counts = new LinkedHashMap<>();
            for (final String part : text.split(",")) {
                final String[] kv = part.trim().split(":", -1);
                final Integer n = kv.length == 2 ? parseCount(kv[1].trim()) : null;
                final String kind = kv[0].trim();
                if (n == null || !List.of("kill-scheduler", "kill-worker", "crash-scheduler", "crash-worker").contains(kind)
                        || counts.putIfAbsent(kind, n) != null) {
                    throw new IllegalArgumentException("--chaos: expected " + SYNTAX + ", got '" + text + "'");
                }
            }
            return new Spec(counts.getOrDefault("kill-scheduler", 0), counts.getOrDefault("kill-worker", 0),
                    counts.getOrDefault("crash-scheduler", 0), counts.getOrDefault("crash-worker", 0));
        }

        private static Integer parseCount(final String s) {
            try {
                final int n = Integer.parseInt(s);
                return n >= 0 ? n : null;
            } catch (final NumberFormatException e) {
                return null;
            }
        }

        /** All faults. */
        public int total() {
            return killSchedulers + killWorkers + crashSchedulers + crashWorkers;
        }

        /** Checks that an instance of each service survives the crashes; one line naming the option. */
        public void check(final int schedulers, final int workers) {
            if (crashSchedulers >= schedulers || crashWorkers >= workers) {
                throw new IllegalArgumentException("--chaos: crash-scheduler must be below --schedulers (" + schedulers
                        + ") and crash-worker below the workers (" + workers + "): one instance must survive to take over");
            }
        }
    }

    /**
     * One fault.
     *
     * @param atFinished the fault fires once this many requests have finished
     * @param process    the process killed
     * @param restart    start it again at once (kill) or leave it dead (crash)
     */
    public record Fault(long atFinished, String process, boolean restart) {
    }

    /** No request finished for this long means the pipeline lost something and will not finish. */
    public static final java.time.Duration STALL = java.time.Duration.ofSeconds(120);

    private final LocalCluster cluster;
    private final List<Fault> faults;
    private final PrintStream log;
    private final Set<String> crashed = new TreeSet<>();
    private int next;
    private long lastLivenessCheck;
    private long lastFinished = -1;
    private long lastProgress = System.nanoTime();

    /**
     * @param cluster the running cluster
     * @param faults  the plan, in firing order (see {@link #plan})
     * @param log     one line per fault
     */
    public Chaos(final LocalCluster cluster, final List<Fault> faults, final PrintStream log) {
        this.cluster = cluster;
        this.faults = List.copyOf(faults);
        this.log = log;
    }

    /**
     * The seeded plan: fault points uniform in [5%, 95%) of {@code requests}, sorted; the fault kinds shuffled
     * over them; each fault's instance uniform among those not crashed before it.
     */
    public static List<Fault> plan(final Spec spec, final long seed, final long requests, final int schedulers, final int workers) {
        spec.check(schedulers, workers);
        final Random rnd = new Random(seed);
        final List<Long> at = new ArrayList<>();
        for (int i = 0; i < spec.total(); i++) {
            at.add(Math.max(1, (long) Math.ceil((0.05 + 0.9 * rnd.nextDouble()) * requests)));
        }
        Collections.sort(at);
        // kind: 0 kill scheduler, 1 kill worker, 2 crash scheduler, 3 crash worker
        final List<Integer> kinds = new ArrayList<>();
        for (int[] k : new int[][] {{0, spec.killSchedulers()}, {1, spec.killWorkers()}, {2, spec.crashSchedulers()}, {3, spec.crashWorkers()}}) {
            for (int i = 0; i < k[1]; i++) {
                kinds.add(k[0]);
            }
        }
        Collections.shuffle(kinds, rnd);
        final Set<String> dead = new TreeSet<>();
        final List<Fault> out = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            final int kind = kinds.get(i);
            final boolean scheduler = kind == 0 || kind == 2;
            final String prefix = scheduler ? LocalCluster.SCHEDULER : LocalCluster.WORKER;
            final List<String> alive = new ArrayList<>();
            for (int n = 0; n < (scheduler ? schedulers : workers); n++) {
                if (!dead.contains(prefix + n)) {
                    alive.add(prefix + n);
                }
            }
            final String victim = alive.get(rnd.nextInt(alive.size()));
            final boolean restart = kind < 2;
            if (!restart) {
                dead.add(victim);
            }
            out.add(new Fault(at.get(i), victim, restart));
        }
        return out;
    }

    /** The plan. */
    public List<Fault> faults() {
        return faults;
    }

    /** Processes crashed for good so far. */
    public Set<String> crashed() {
        return Collections.unmodifiableSet(crashed);
    }

    /** Faults fired so far. */
    public int fired() {
        return next;
    }

    @Override
    public void tick(final long finished, final long expected) throws InterruptedException {
        while (next < faults.size() && finished >= faults.get(next).atFinished()) {
            final Fault f = faults.get(next++);
            final long t0 = System.nanoTime();
            if (!cluster.kill(f.process())) {
                throw new IllegalStateException("chaos: " + f.process() + " was not running when its fault came; see "
                        + cluster.dir().log(f.process()));
            }
            if (f.restart()) {
                cluster.startService(f.process());
            } else {
                crashed.add(f.process());
            }
            // A just-started JVM shows our marker only once setsid has exec'd java: check liveness a second later.
            lastLivenessCheck = System.nanoTime();
            log.printf(Locale.ROOT, "chaos: SIGKILL %s at %,d/%,d requests finished, %s (%.2f s)%n", f.process(), finished, expected,
                    f.restart() ? "started again" : "left dead: the others take its partitions", (System.nanoTime() - t0) / 1e9);
        }
        final long now = System.nanoTime();
        if (finished != lastFinished) {
            lastFinished = finished;
            lastProgress = now;
        } else if (now - lastProgress > STALL.toNanos()) {
            throw new IllegalStateException("chaos: no request finished for " + STALL.toSeconds() + " s (" + finished + "/" + expected
                    + " after " + next + " fault(s)): the pipeline is stuck; logs in " + cluster.dir().logs());
        }
        if (now - lastLivenessCheck > 1_000_000_000L) {
            lastLivenessCheck = now;
            for (final LocalCluster.ProcessStatus s : cluster.status()) {
                if (!s.alive() && !crashed.contains(s.name())) {
                    throw new IllegalStateException("chaos: " + s.name() + " is not running: " + cluster.failureLine(s.name())
                            + " (log: " + s.log() + ")");
                }
            }
        }
    }
}
