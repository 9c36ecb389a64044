package org.kvsched.arrivals.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.workload.EosModel;
import org.kvsched.core.workload.Workload;
import org.kvsched.core.workload.WorkloadOptions;
import org.kvsched.core.workload.Workloads;
import org.kvsched.schemas.avro.ArrivalEvent;
import org.kvsched.schemas.serde.AvroSerdes;
import org.kvsched.pipeline.service.Service;
import org.kvsched.pipeline.service.ServiceConfig;
import org.kvsched.pipeline.service.ServiceMain;
import org.kvsched.schemas.topic.TopicCatalog;

/**
 * The arrivals producer service: loads a workload with the core readers or generators, publishes it
 * with {@link ArrivalPublisher}, and finishes.
 *
 * <p>Keys: {@code bootstrap.servers} (required), {@code topic.prefix}, {@code replicas} (1),
 * {@code speed} (0 = virtual time), {@code workload.trace} (a trace file) or {@code workload.spec}
 * ({@code default} or a generator spec), {@code workload.requests} (0 = all), {@code workload.rate-scale}
 * (1), {@code workload.max-context} (4096), {@code workload.eos} (none: true length = trace length; or an output
 * distribution drawn per request and capped at its max_tokens), {@code predictor} (oracle; the length predictor in
 * front of the scheduler, whose prediction travels with each arrival), {@code seed} (1), {@code schema.registry.url},
 * {@code kafka.*}.
 */
public final class ArrivalsProducerApp implements Service {

    private final ServiceConfig config;
    private final LengthPredictor predictor;
    private final Workload workload;
    private final int replicas;
    private final double speed;
    private final String topic;
    private final AvroSerdes serdes;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile long[] sent;
    private Thread thread;

    private volatile int pauseBefore = -1;
    private final java.util.concurrent.CountDownLatch paused = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.CountDownLatch resume = new java.util.concurrent.CountDownLatch(1);

    /**
     * In-process control (a replay that swaps policies): stop before sending request {@code k}, with every
     * earlier one flushed, until {@link #resume()}. Call before {@link #start()}.
     */
    public void pauseBefore(final int k) {
        this.pauseBefore = k;
    }

    /** Waits until the producer has paused (see {@link #pauseBefore}); false on timeout. */
    public boolean awaitPaused(final java.time.Duration timeout) throws InterruptedException {
        return paused.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Lets a paused producer go on. */
    public void resume() {
        resume.countDown();
    }

    private static void awaitQuietly(final java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A producer of the workload the configuration names. */
    public ArrivalsProducerApp(final ServiceConfig config) {
        this(config, loadWorkload(config));
    }

    /** A producer of the given workload (the CLI's replay, which loads it itself). */
    public ArrivalsProducerApp(final ServiceConfig config, final Workload workload) {
        config.require("bootstrap.servers");
        this.config = config;
        this.workload = workload;
        this.replicas = config.getInt("replicas", 1);
        if (replicas < 1) {
            throw new IllegalArgumentException("config: key 'replicas' must be >= 1, got " + replicas);
        }
        final long seed = config.getLong("seed", 1L);
        try {
            this.predictor = LengthPredictor.parse(config.get("predictor", "oracle"), seed);
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("config: key 'predictor': " + e.getMessage(), e);
        }
        this.speed = config.getDouble("speed", 0.0);
        if (!(speed >= 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("config: key 'speed' must be >= 0 (0 = virtual time), got " + speed);
        }
        // Every key is read here, not in start(), so ServiceMain can name the keys this service ignores.
        this.topic = TopicCatalog.withPrefix(config.get("topic.prefix", "")).arrivals().name();
        this.serdes = config.avroSerdes();
    }

    /** The workload a configuration names (see the class note for the keys). */
    public static Workload loadWorkload(final ServiceConfig config) {
        final String eos = config.get("workload.eos", "");
        final Workload w = loadCapped(config);
        try {
            return eos.isEmpty() ? w : EosModel.parse(eos, config.getLong("seed", 1L)).apply(w);
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("config: key 'workload.eos': " + e.getMessage(), e);
        }
    }

    private static Workload loadCapped(final ServiceConfig config) {
        final WorkloadOptions options = WorkloadOptions.defaults()
                .withRateScale(config.getDouble("workload.rate-scale", 1.0))
                .withMaxRequests(config.getInt("workload.requests", 0))
                .withMaxContextTokens(config.getInt("workload.max-context", WorkloadOptions.LLAMA2_CONTEXT_TOKENS));
        final long seed = config.getLong("seed", 1L);
        final String trace = config.get("workload.trace", "");
        try {
            if (!trace.isEmpty()) {
                return Workloads.readTrace(Path.of(trace), options, null, seed);
            }
            final String spec = config.get("workload.spec", "default");
            return spec.equals("default") ? Workloads.defaultWorkload(options, seed) : Workloads.generate(spec, options, seed);
        } catch (final IOException e) {
            throw new UncheckedIOException("config: key 'workload.trace': cannot read " + trace + ": " + e.getMessage(), e);
        } catch (final IllegalArgumentException e) {
            if (String.valueOf(e.getMessage()).startsWith("config:")) {
                throw e;
            }
            throw new IllegalArgumentException("config: key '" + (trace.isEmpty() ? "workload.spec" : "workload.trace") + "': "
                    + e.getMessage(), e);
        }
    }

    public Workload workload() {
        return workload;
    }

    @Override
    public String name() {
        return "arrivals-producer";
    }

    @Override
    public synchronized void start() {
        final Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.require("bootstrap.servers"));
        pp.put(ProducerConfig.LINGER_MS_CONFIG, speed > 0 ? 0 : 5);
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.putAll(config.kafkaOverrides());
        running.set(true);
        thread = new Thread(() -> {
            try (KafkaProducer<Integer, byte[]> producer = new KafkaProducer<>(pp, new IntegerSerializer(), new ByteArraySerializer())) {
                sent = new ArrivalPublisher(producer, serdes.serde(ArrivalEvent.class).serializer(), topic,
                        predictor)
                        .publish(workload.requests(), replicas, speed, running::get, k -> {
                            if (k == pauseBefore) {
                                producer.flush();
                                paused.countDown();
                                awaitQuietly(resume);
                            }
                        });
            } catch (final RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        }, name());
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits until every record is published; true if done in time. */
    @Override
    public boolean awaitDone(final long millis) throws InterruptedException {
        final Thread t = thread;
        if (t != null) {
            t.join(millis);
            return !t.isAlive();
        }
        return true;
    }

    /** Records sent per replica, once done (null before). */
    public long[] sent() {
        return sent;
    }

    @Override
    public Throwable failure() {
        return failure.get();
    }

    @Override
    public synchronized void close() {
        running.set(false);
        resume.countDown();
        if (thread != null) {
            try {
                thread.join(30_000);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public static void main(final String[] args) {
        System.exit(ServiceMain.runToCompletion("arrivals-producer", args, ArrivalsProducerApp::new));
    }
}
