package org.kvsched.stream.app;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.kvsched.schemas.serde.AvroSerdes;
import org.kvsched.schemas.service.Service;
import org.kvsched.schemas.service.ServiceMain;
import org.kvsched.stream.config.SchedulerSettings;
import org.kvsched.stream.topology.SchedulerTopology;

/**
 * The scheduler service: the Kafka Streams application running {@link SchedulerTopology}. Its
 * {@code main} loads configuration and runs until stopped; the CLI's {@code replay} starts the same
 * class in-process.
 */
public final class SchedulerApp implements Service {

    private final SchedulerSettings settings;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicLong restored = new java.util.concurrent.atomic.AtomicLong();
    private KafkaStreams streams;

    public SchedulerApp(final SchedulerSettings settings) {
        this.settings = settings;
    }

    /** The topology this service runs (for logs and docs). */
    public Topology topology() {
        return SchedulerTopology.build(settings.topics(), AvroSerdes.fromConfig(settings.config().asMap()), settings.replicaSpec(),
                settings.snapshotEvery());
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
        streams = new KafkaStreams(topology(), settings.streamsProperties());
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
        streams.setUncaughtExceptionHandler(e -> {
            failure.compareAndSet(null, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();
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
            streams.close(Duration.ofSeconds(30));
        }
    }

    public static void main(final String[] args) {
        System.exit(ServiceMain.run("scheduler-stream", args, c -> new SchedulerApp(SchedulerSettings.fromConfig(c))));
    }
}
