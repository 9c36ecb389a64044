package org.kvsched.stream.app;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.kvsched.schemas.serde.AvroSerdes;
import org.kvsched.pipeline.service.Service;
import org.kvsched.pipeline.service.ServiceConfig;
import org.kvsched.pipeline.service.ServiceMain;
import org.kvsched.stream.config.SchedulerSettings;
import org.kvsched.stream.processor.ReplicaStatus;
import org.kvsched.stream.topology.SchedulerTopology;

/**
 * The scheduler service: the Kafka Streams application running {@link SchedulerTopology}. Its
 * {@code main} loads configuration and runs until stopped; the CLI's {@code replay} starts the same
 * class in-process.
 */
public final class SchedulerApp implements Service {

    private final SchedulerSettings settings;
    private final AvroSerdes serdes;
    private final java.util.Properties streamsProperties;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicLong restored = new java.util.concurrent.atomic.AtomicLong();
    private KafkaStreams streams;
    private final java.util.concurrent.atomic.AtomicLong restoredEntries = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong rebuildNanos = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.ConcurrentHashMap<Integer, long[]> status = new java.util.concurrent.ConcurrentHashMap<>();
    /** Where the standalone service announces each (re)assignment of replicas; null in-process. */
    private final java.io.PrintStream announce;

    /** A scheduler with these settings; reads (and validates) the rest of its configuration now, before any Kafka work. */
    public SchedulerApp(final SchedulerSettings settings) {
        this(settings, null);
    }

    /**
     * A scheduler that also prints a line to {@code announce} each time it reaches RUNNING: the replicas it
     * owns and what it restored, so an operator (or a fail-over test) sees a survivor take a dead instance's
     * replicas.
     */
    public SchedulerApp(final SchedulerSettings settings, final java.io.PrintStream announce) {
        this.settings = settings;
        this.announce = announce;
        // Every key is read here, not in start(), so a bad value fails at once and ServiceMain can name the keys
        // this service ignores.
        this.serdes = settings.config().avroSerdes();
        this.streamsProperties = settings.streamsProperties();
    }

    /** The topology this service runs (for logs and docs). */
    public Topology topology() {
        return SchedulerTopology.build(settings.topics(), serdes, settings.replicaSpec(),
                settings.snapshotEvery(), new ReplicaStatus() {
                    @Override
                    public void update(final int replica, final long arrivals, final boolean inFlight) {
                        status.put(replica, new long[] {arrivals, inFlight ? 1 : 0});
                    }

                    @Override
                    public void restored(final int replica, final long entries, final long nanos) {
                        restoredEntries.addAndGet(entries);
                        rebuildNanos.accumulateAndGet(nanos, Math::max);
                    }
                }, settings.live());
    }

    @Override
    public String name() {
        return "scheduler-stream";
    }

    @Override
    public synchronized void start() {
        if (streams != null) {
            throw new IllegalStateException("already started");
        }
        streams = new KafkaStreams(topology(), streamsProperties);
        streams.setGlobalStateRestoreListener(new StateRestoreListener() {
            @Override
            public void onRestoreStart(final TopicPartition partition, final String store, final long start, final long end) {
            }

            @Override
            public void onBatchRestored(final TopicPartition partition, final String store, final long end, final long count) {
            }

            @Override
            public void onRestoreEnd(final TopicPartition partition, final String store, final long total) {
                restored.addAndGet(total);
            }
        });
        if (announce != null) {
            final KafkaStreams s = streams;
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.RUNNING) {
                    final java.util.TreeSet<Integer> replicas = new java.util.TreeSet<>();
                    s.metadataForLocalThreads().forEach(t -> t.activeTasks().forEach(task -> replicas.add(task.taskId().partition())));
                    announce.printf(java.util.Locale.ROOT, "scheduler-stream: RUNNING with replicas %s; since start %,d changelog records "
                            + "restored, %,d replica-log entries re-applied%n", replicas, restored.get(), restoredEntries.get());
                }
            });
        }
        streams.setUncaughtExceptionHandler(e -> {
            failure.compareAndSet(null, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();
    }

    /**
     * True when, for every replica r, this instance has processed {@code sent[r]} arrival records and no plan
     * of r awaits its report: the scheduler has made every decision its inputs allow (it is blocked on the
     * next arrival). For an in-process replay that swaps policies.
     */
    public boolean caughtUp(final long[] sent) {
        for (int r = 0; r < sent.length; r++) {
            final long[] s = status.get(r);
            if (sent[r] > 0 && (s == null || s[0] < sent[r] || s[1] != 0)) {
                return false;
            }
        }
        return true;
    }

    /** Replica-log entries re-applied by the processors when their tasks started (0 on a fresh start). */
    public long restoredEntries() {
        return restoredEntries.get();
    }

    /** Longest time a processor took to rebuild its replicas from their logs, seconds. */
    public double rebuildSeconds() {
        return rebuildNanos.get() / 1e9;
    }

    /** Changelog records restored into the state store since start (0 on a fresh start with local state). */
    public long restoredRecords() {
        return restored.get();
    }

    /** Waits until the app is RUNNING; false on timeout or failure. */
    public boolean awaitRunning(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            final KafkaStreams s = streams;
            if (s != null && s.state() == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (failure.get() != null || (s != null && (s.state() == KafkaStreams.State.ERROR || s.state() == KafkaStreams.State.NOT_RUNNING))) {
                return false;
            }
            Thread.sleep(20);
        }
        return false;
    }

    @Override
    public Throwable failure() {
        final Throwable t = failure.get();
        if (t != null) {
            return t;
        }
        final KafkaStreams s = streams;
        return s != null && s.state() == KafkaStreams.State.ERROR ? new IllegalStateException("Kafka Streams is in state ERROR") : null;
    }

    @Override
    public synchronized void close() {
        if (streams != null) {
            // A graceful stop leaves the group at once, so a redeployed instance gets the tasks without waiting for
            // the session timeout (Kafka Streams stays in the group on close by default).
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        }
    }

    /** The standalone service its {@code main} runs: reads and validates every key, starts nothing. */
    public static SchedulerApp fromConfig(final ServiceConfig config) {
        return new SchedulerApp(SchedulerSettings.fromConfig(config), System.err);
    }

    public static void main(final String[] args) {
        System.exit(ServiceMain.run("scheduler-stream", args, SchedulerApp::fromConfig));
    }
}
