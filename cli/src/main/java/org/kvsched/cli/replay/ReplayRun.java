package org.kvsched.cli.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.kvsched.arrivals.app.ArrivalsProducerApp;
import org.kvsched.cli.rerun.RunRecord;
import org.kvsched.core.metrics.RunResult;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.sim.PolicySwap;
import org.kvsched.core.workload.Workload;
import org.kvsched.metrics.app.MetricsSinkApp;
import org.kvsched.pipeline.service.Service;
import org.kvsched.pipeline.service.ServiceConfig;
import org.kvsched.pipeline.topic.TopicProvisioner;
import org.kvsched.schemas.topic.TopicCatalog;
import org.kvsched.stream.app.SchedulerApp;
import org.kvsched.stream.config.SchedulerSettings;
import org.kvsched.stream.processor.ReplicaLogFile;
import org.kvsched.worker.app.WorkerApp;

/**
 * One replay through Kafka: a broker (embedded unless the caller names a cluster), the topics, and the
 * four services started in-process through the same {@link Service} API their own {@code main}s use:
 * scheduler-stream, one gpu-worker-sim per replica (at most {@code workers}), the metrics sink, and the
 * arrivals producer. Returns what the sink aggregated. With {@link Services#EXTERNAL} the scheduler and
 * the workers are someone else's processes (e.g. {@code kvsched cluster up}); the replay runs only the
 * producer and the sink.
 */
public final class ReplayRun {

    /**
     * What to replay and where.
     *
     * @param workload          the requests
     * @param policy            policy and parameters
     * @param model             model spec as {@code --model} takes it
     * @param kvCapacity        KV capacity override, tokens (0 = the model's)
     * @param predictor         predictor spec
     * @param seed              seed
     * @param replicas          replicas (= partitions of the co-partitioned topics)
     * @param workers           worker instances (each owns some replicas' partitions), &gt;= 1
     * @param speed             0 for virtual time (as fast as possible), else the wall-clock speed-up
     * @param bootstrapServers  an existing cluster, or null to start an embedded broker
     * @param topicPrefix       prefix of every topic and group name ("" allowed)
     * @param schemaRegistryUrl registry for the Confluent wire format, or null for single-object encoding
     * @param probe             measure the transport's round-trip latency first
     * @param extraConfig       further service configuration keys (e.g. {@code commit.interval.ms}, {@code kafka.*}), winning over the above
     * @param log               progress and status lines
     * @param swap              a policy swap by redeploy part-way, or null
     * @param measureRestore    after the run, restart the scheduler twice (same state directory, then an empty one restoring
     *                          from the changelog) and measure the restores
     * @param record            a directory to keep the run in for {@code kvsched rerun} (the whole replica log, exported from
     *                          the store's changelog, and the sink's per-request CSV; see {@link org.kvsched.cli.rerun.RunRecord}),
     *                          or null
     */
    public record Spec(Workload workload, PolicyConfig policy, String model, int kvCapacity, String predictor, long seed,
                       int replicas, int workers, double speed, String bootstrapServers, String topicPrefix,
                       String schemaRegistryUrl, boolean probe, Map<String, String> extraConfig, PrintStream log, PolicySwap swap,
                       boolean measureRestore, Path record) {

        /** The same replay without a recording. */
        public Spec(final Workload workload, final PolicyConfig policy, final String model, final int kvCapacity, final String predictor,
                    final long seed, final int replicas, final int workers, final double speed, final String bootstrapServers,
                    final String topicPrefix, final String schemaRegistryUrl, final boolean probe, final Map<String, String> extraConfig,
                    final PrintStream log, final PolicySwap swap, final boolean measureRestore) {
            this(workload, policy, model, kvCapacity, predictor, seed, replicas, workers, speed, bootstrapServers, topicPrefix,
                    schemaRegistryUrl, probe, extraConfig, log, swap, measureRestore, null);
        }

        /** The same replay with a swap and no restore measurement. */
        public Spec(final Workload workload, final PolicyConfig policy, final String model, final int kvCapacity, final String predictor,
                    final long seed, final int replicas, final int workers, final double speed, final String bootstrapServers,
                    final String topicPrefix, final String schemaRegistryUrl, final boolean probe, final Map<String, String> extraConfig,
                    final PrintStream log, final PolicySwap swap) {
            this(workload, policy, model, kvCapacity, predictor, seed, replicas, workers, speed, bootstrapServers, topicPrefix,
                    schemaRegistryUrl, probe, extraConfig, log, swap, false);
        }

        /** The same replay without a swap. */
        public Spec(final Workload workload, final PolicyConfig policy, final String model, final int kvCapacity, final String predictor,
                    final long seed, final int replicas, final int workers, final double speed, final String bootstrapServers,
                    final String topicPrefix, final String schemaRegistryUrl, final boolean probe, final Map<String, String> extraConfig,
                    final PrintStream log) {
            this(workload, policy, model, kvCapacity, predictor, seed, replicas, workers, speed, bootstrapServers, topicPrefix,
                    schemaRegistryUrl, probe, extraConfig, log, null);
        }

        /** The same replay against the cluster at {@code bootstrap} with this topic prefix. */
        public Spec withCluster(final String bootstrap, final String prefix) {
            return new Spec(workload, policy, model, kvCapacity, predictor, seed, replicas, workers, speed, bootstrap, prefix,
                    schemaRegistryUrl, probe, extraConfig, log, swap, measureRestore, record);
        }
    }

    /** Watches a replay while it runs (the chaos of {@code replay --chaos}); a throw ends the replay with that failure. */
    @FunctionalInterface
    public interface Watcher {

        /** Watches nothing. */
        Watcher NONE = (finished, expected) -> { };

        /**
         * Called about every 50 ms while the replay runs.
         *
         * @param finished requests completed or rejected so far, as the metrics sink has seen them
         * @param expected requests in the workload
         */
        void tick(long finished, long expected) throws InterruptedException;
    }

    /**
     * What a policy swap did.
     *
     * @param afterRequests requests the old scheduler had received
     * @param swapTimesUs   per replica, the time from which the new policy decides, microseconds
     * @param stopS         seconds from the stop of the old scheduler app to the new one running
     * @param restoredEntries replica-log entries the new app re-applied
     */
    public record SwapReport(int afterRequests, long[] swapTimesUs, double stopS, long restoredEntries) {
    }

    /**
     * Restarts of the scheduler after the run.
     *
     * @param localS          seconds from start to RUNNING with the state directory kept
     * @param localEntries    replica-log entries re-applied then
     * @param localRebuildS   seconds the processors spent rebuilding replicas then
     * @param changelogS      seconds from start to RUNNING with an empty state directory (restore from the changelog)
     * @param changelogRecords changelog records read into the store then
     * @param changelogEntries replica-log entries re-applied then
     * @param stateBytes      size of the scheduler's state directory on disk after the run, bytes
     */
    public record RestoreReport(double localS, long localEntries, double localRebuildS, double changelogS, long changelogRecords,
                                long changelogEntries, long stateBytes) {
    }

    /**
     * What a replay produced.
     *
     * @param run          the metrics (wall seconds: first arrival sent to last event aggregated)
     * @param errors       reasons of the records that went to {@code errors}
     * @param roundTrips   plans executed (scheduler to worker to scheduler)
     * @param eventsPerS   records the scheduler consumed (arrivals and reports) per wall second
     * @param probe        transport round-trip latency, or null if not measured
     * @param startupS     seconds spent starting the broker and services before the first arrival
     * @param recorded     what the recording wrote, or null if none was asked for
     * @param duplicateEvents once-only request events the sink saw twice (and ignored); 0 under exactly-once
     */
    public record Outcome(RunResult run, List<String> errors, long roundTrips, double eventsPerS, RoundTripProbe.Latency probe,
                          double startupS, SwapReport swap, RestoreReport restore, ReplicaLogFile.Export recorded,
                          long duplicateEvents) {
    }

    private ReplayRun() {
    }

    /** The flat service configuration of a spec (what docker-compose passes as environment variables). */
    public static Map<String, String> serviceConfig(final Spec spec, final String bootstrap, final Path stateDir) {
        final Map<String, String> c = new HashMap<>();
        c.put("bootstrap.servers", bootstrap);
        c.put("topic.prefix", spec.topicPrefix());
        c.put("model", spec.model());
        c.put("kv.capacity", Integer.toString(spec.kvCapacity()));
        c.put("predictor", spec.predictor());
        c.put("seed", Long.toString(spec.seed()));
        c.put("policy", spec.policy().kind());
        spec.policy().params().forEach((k, v) -> c.put("policy." + spec.policy().kind() + "." + k, v));
        c.put("replicas", Integer.toString(spec.replicas()));
        c.put("speed", Double.toString(spec.speed()));
        c.put("application.id", spec.topicPrefix() + "kvsched-scheduler");
        c.put("state.dir", stateDir.toString());
        c.put("label", spec.policy().toSpec());
        c.put("expected.requests", Integer.toString(spec.workload().size()));
        if (spec.schemaRegistryUrl() != null) {
            c.put("schema.registry.url", spec.schemaRegistryUrl());
        }
        c.putAll(spec.extraConfig());
        return c;
    }

    /** Where scheduler-stream and gpu-worker-sim run during a replay. */
    public enum Services {
        /** Started by the replay in its own JVM and stopped at the end (the default). */
        IN_PROCESS,
        /**
         * Already running against the cluster (e.g. {@code kvsched cluster up}, or docker-compose): the
         * replay only produces the arrivals and reads the results, so those services can be restarted
         * one by one while it runs. The topics must be fresh (the scheduler keeps earlier runs' state).
         */
        EXTERNAL
    }

    /** Runs the replay to the end, with scheduler-stream and the workers in-process. */
    public static Outcome run(final Spec spec) throws Exception {
        return run(spec, Services.IN_PROCESS);
    }

    /** Runs the replay to the end, with scheduler-stream and the workers where {@code services} says. */
    public static Outcome run(final Spec spec, final Services placement) throws Exception {
        return run(spec, placement, Watcher.NONE);
    }

    /** Runs the replay to the end, with scheduler-stream and the workers where {@code services} says, watched. */
    public static Outcome run(final Spec spec, final Services placement, final Watcher watcher) throws Exception {
        if (placement == Services.EXTERNAL && (spec.bootstrapServers() == null || spec.swap() != null || spec.measureRestore())) {
            throw new IllegalArgumentException("external services need --bootstrap-servers, and rule out --swap-policy-at and "
                    + "--measure-restore (both restart the in-process scheduler)");
        }
        final long t0 = System.nanoTime();
        final EmbeddedKafka broker = spec.bootstrapServers() == null ? EmbeddedKafka.start() : null;
        final String bootstrap = broker != null ? broker.bootstrapServers() : spec.bootstrapServers();
        if (broker != null) {
            spec.log().printf("replay: embedded Kafka broker (KRaft, 4.3.1) at %s started in %.1f s%n", bootstrap, (System.nanoTime() - t0) / 1e9);
        }
        final Path stateDir = Files.createTempDirectory("kvsched-replay-state");
        final List<Service> services = new ArrayList<>();
        try {
            final TopicCatalog topics = TopicCatalog.withPrefix(spec.topicPrefix());
            TopicProvisioner.create(bootstrap, topics, spec.replicas());
            final RoundTripProbe.Latency probe = spec.probe()
                    ? RoundTripProbe.measure(bootstrap, spec.topicPrefix() + "x" + Long.toHexString(System.nanoTime()) + ".", 200, 1000)
                    : null;
            if (probe != null) {
                spec.log().printf("replay: transport round trip (2 hops, plain clients): p50 %.2f ms, p99 %.2f ms over %d samples%n",
                        probe.p50Ms(), probe.p99Ms(), probe.samples());
            }
            final Map<String, String> flat = new HashMap<>(serviceConfig(spec, bootstrap, stateDir));
            if ("live".equals(flat.get("time"))) {
                // Live: scheduler time 0 is now, and runs at the replay's speed.
                flat.putIfAbsent("live.epoch.ms", Long.toString(System.currentTimeMillis()));
                flat.putIfAbsent("live.speed", Double.toString(spec.speed()));
            }
            if (spec.record() != null) {
                // A recording needs each replica's whole log: snapshots would delete its head (unless the user says otherwise).
                flat.putIfAbsent("snapshot.every", "0");
            }
            final ServiceConfig base = ServiceConfig.of(flat);
            final SchedulerSettings settings = SchedulerSettings.fromConfig(base, spec.workload());
            SchedulerApp scheduler = null;
            final List<WorkerApp> workerApps = new ArrayList<>();
            if (placement == Services.IN_PROCESS) {
                scheduler = new SchedulerApp(settings);
                services.add(scheduler);
                scheduler.start();
                final int workers = Math.max(1, Math.min(spec.workers(), spec.replicas()));
                for (int i = 0; i < workers; i++) {
                    final WorkerApp w = new WorkerApp(base.with(Map.of("group.id", spec.topicPrefix() + "kvsched-workers", "worker.id", Integer.toString(i))));
                    services.add(w);
                    workerApps.add(w);
                    w.start();
                }
            } else {
                requireFreshArrivals(bootstrap, TopicCatalog.withPrefix(spec.topicPrefix()));
            }
            final MetricsSinkApp sink = new MetricsSinkApp(base.with(Map.of("group.id", spec.topicPrefix() + "kvsched-metrics-sink")), spec.log());
            services.add(sink);
            sink.start();
            if (scheduler != null && !scheduler.awaitRunning(Duration.ofSeconds(60))) {
                throw new IllegalStateException("scheduler-stream did not reach RUNNING: " + scheduler.failure());
            }
            if (scheduler != null && "live".equals(flat.get("time"))) {
                // Live, time runs from the first arrival: the workers' group must have formed before then.
                awaitWorkers(workerApps, spec.replicas());
            }
            final ArrivalsProducerApp producer = new ArrivalsProducerApp(base, spec.workload());
            services.add(producer);
            final double startup = (System.nanoTime() - t0) / 1e9;
            final long start = System.nanoTime();
            SwapReport swapped = null;
            if (spec.swap() != null) {
                producer.pauseBefore(spec.swap().afterRequests());
                producer.start();
                final int index = services.indexOf(scheduler);
                final long s0 = System.nanoTime();
                scheduler = swap(spec, settings, scheduler, producer);
                services.set(index, scheduler);
                swapped = new SwapReport(spec.swap().afterRequests(), spec.swap().swapTimes(spec.workload().requests(), spec.replicas()),
                        (System.nanoTime() - s0) / 1e9, scheduler.restoredEntries());
                producer.resume();
            } else {
                producer.start();
            }
            while (!sink.awaitDone(50)) {
                for (final Service s : services) {
                    if (s.failure() != null) {
                        throw new IllegalStateException(s.name() + " failed: " + s.failure(), s.failure());
                    }
                }
                watcher.tick(sink.finishedSoFar(), spec.workload().size());
            }
            final double wall = (System.nanoTime() - start) / 1e9;
            final MetricsSinkApp.Result r = sink.result();
            final RunResult run = new RunResult(r.run().label(), r.run().model(), spec.workload().size() == 0 ? 1.0 : r.run().rateScale(),
                    r.run().summary(), r.run().outcomes(), r.run().kvSamples(), wall);
            final long roundTrips = r.run().summary().plans();
            ReplicaLogFile.Export recorded = null;
            if (spec.record() != null) {
                // While the broker is up: the changelog is the only durable copy of the replica logs.
                recorded = RunRecord.write(spec.record(), bootstrap, flat, spec.workload(), r.run().outcomes());
                spec.log().printf("replay: recorded %,d replica-log entries of %d replica(s) in %s%s%n", recorded.entries(),
                        recorded.replicas(), spec.record().resolve(ReplicaLogFile.FILE_NAME),
                        recorded.complete() ? "" : " (INCOMPLETE: snapshots deleted the head of a log; record with snapshot.every=0)");
            }
            RestoreReport restore = null;
            if (spec.measureRestore()) {
                final int index = services.indexOf(scheduler);
                scheduler.close();
                final long stateBytes = sizeOf(stateDir);
                final SchedulerSettings after = spec.swap() == null ? settings : settings.withPolicy(spec.swap().next());
                final long l0 = System.nanoTime();
                final SchedulerApp local = new SchedulerApp(after);
                services.set(index, local);
                local.start();
                if (!local.awaitRunning(Duration.ofMinutes(5))) {
                    throw new IllegalStateException("restarted scheduler did not reach RUNNING: " + local.failure());
                }
                final double localS = (System.nanoTime() - l0) / 1e9;
                local.close();
                final Path fresh = Files.createTempDirectory("kvsched-replay-restore");
                final long c0 = System.nanoTime();
                final SchedulerApp fromChangelog = new SchedulerApp(SchedulerSettings.fromConfig(
                        base.with(Map.of("state.dir", fresh.toString())), spec.workload()));
                services.set(index, fromChangelog);
                fromChangelog.start();
                if (!fromChangelog.awaitRunning(Duration.ofMinutes(5))) {
                    throw new IllegalStateException("scheduler restoring from its changelog did not reach RUNNING: " + fromChangelog.failure());
                }
                final double changelogS = (System.nanoTime() - c0) / 1e9;
                restore = new RestoreReport(localS, local.restoredEntries(), local.rebuildSeconds(), changelogS,
                        fromChangelog.restoredRecords(), fromChangelog.restoredEntries(), stateBytes);
                fromChangelog.close();
                Dirs.deleteRecursively(fresh);
            }
            return new Outcome(run, r.errors(), roundTrips, (spec.workload().size() + roundTrips) / wall, probe, startup, swapped, restore, recorded,
                    r.duplicateEvents());
        } finally {
            for (int i = services.size() - 1; i >= 0; i--) {
                services.get(i).close();
            }
            if (broker != null) {
                broker.close();
            }
            Dirs.deleteRecursively(stateDir);
        }
    }

    /**
     * External services: the scheduler keeps every replica's state across runs, so a second replay on
     * the same topics would land on the first one's requests. Refuse unless {@code arrivals} is empty.
     */
    private static void requireFreshArrivals(final String bootstrap, final TopicCatalog topics) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            final String arrivals = topics.arrivals().name();
            final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (final TopicPartitionInfo p : admin.describeTopics(List.of(arrivals)).allTopicNames().get()
                    .get(arrivals).partitions()) {
                latest.put(new TopicPartition(arrivals, p.partition()), OffsetSpec.latest());
            }
            final long records = admin.listOffsets(latest).all().get().values().stream()
                    .mapToLong(ListOffsetsResultInfo::offset).sum();
            if (records > 0) {
                throw new IllegalArgumentException("topic " + arrivals + " at " + bootstrap + " already holds " + records
                        + " records from an earlier replay, whose state the running scheduler keeps; start a fresh cluster "
                        + "('kvsched cluster down' then 'kvsched cluster up')");
            }
        } catch (final ExecutionException e) {
            throw new IllegalStateException("cannot read the offsets of " + topics.arrivals().name() + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static void awaitWorkers(final List<WorkerApp> workers, final int partitions) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (workers.stream().mapToInt(WorkerApp::assignedPartitions).sum() < partitions) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the workers did not get the " + partitions + " plans partitions within 2 minutes");
            }
            Thread.sleep(20);
        }
    }

    /**
     * The swap: waits until the producer has sent the first requests and the scheduler has made every
     * decision they allow, stops the scheduler app, and starts it again on the same state with the next
     * policy. Its replica log carries the exact running state across (no request restarts).
     */
    private static SchedulerApp swap(final Spec spec, final SchedulerSettings settings, final SchedulerApp old,
                                     final ArrivalsProducerApp producer) throws InterruptedException {
        if (!producer.awaitPaused(Duration.ofMinutes(5))) {
            throw new IllegalStateException("the arrivals producer did not reach the swap point");
        }
        final long[] sent = new long[spec.replicas()];
        for (int k = 0; k < spec.swap().afterRequests(); k++) {
            sent[k % spec.replicas()]++;
        }
        final long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (!old.caughtUp(sent)) {
            if (old.failure() != null) {
                throw new IllegalStateException("scheduler-stream failed before the swap: " + old.failure(), old.failure());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("scheduler-stream did not catch up with the first " + spec.swap().afterRequests()
                        + " requests before the swap");
            }
            Thread.sleep(5);
        }
        old.close();
        spec.log().printf("replay: scheduler-stream stopped after %d requests (policy %s); starting it with %s on the same state%n",
                spec.swap().afterRequests(), spec.policy().toSpec(), spec.swap().next().toSpec());
        final SchedulerApp next = new SchedulerApp(settings.withPolicy(spec.swap().next()));
        next.start();
        if (!next.awaitRunning(Duration.ofSeconds(60))) {
            throw new IllegalStateException("scheduler-stream with " + spec.swap().next().toSpec() + " did not reach RUNNING: " + next.failure());
        }
        return next;
    }

    private static long sizeOf(final Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
