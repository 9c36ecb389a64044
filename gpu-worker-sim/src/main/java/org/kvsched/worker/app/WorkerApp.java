package org.kvsched.worker.app;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.PlanExecutor;
import org.kvsched.core.engine.StepReport;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.schemas.avro.ErrorRecord;
import org.kvsched.schemas.serde.AvroSerdes;
import org.kvsched.schemas.service.Service;
import org.kvsched.schemas.service.ServiceConfig;
import org.kvsched.schemas.service.ServiceMain;
import org.kvsched.schemas.topic.TopicCatalog;
import org.kvsched.worker.mapping.WorkerMapping;

/**
 * The simulated GPU worker: consumes {@code plans} for the replicas whose partitions it owns (workers
 * sharing {@code group.id} split the partitions between them), executes each plan with the core
 * execution-time model ({@link PlanExecutor}, the same code the in-memory engine runs) and produces the
 * {@code step-reports} record on the replica's partition.
 *
 * <p>Stateless: a plan fully describes its work, so after a crash a re-delivered plan yields the same
 * report, which the scheduler ignores as a duplicate. In wall-clock mode ({@code speed} &gt; 0) the worker
 * sleeps for the modelled time divided by the speed before reporting; in virtual-time mode (0) it
 * answers at once.
 *
 * <p>Keys: {@code bootstrap.servers} (required), {@code group.id} (kvsched-workers), {@code worker.id} (a suffix of
 * the name in logs), {@code topic.prefix},
 * {@code model}, {@code kv.capacity}, {@code speed} (0), {@code schema.registry.url}, {@code kafka.*}.
 */
public final class WorkerApp implements Service {

    private final ServiceConfig config;
    private final TopicCatalog topics;
    private final PlanExecutor executor;
    private final double speed;
    private final AvroSerdes serdes;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong plansExecuted = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger assigned = new java.util.concurrent.atomic.AtomicInteger();
    private final String name;
    private final String groupId;
    private Thread thread;
    private KafkaConsumer<Integer, byte[]> consumer;

    public WorkerApp(final ServiceConfig config) {
        config.require("bootstrap.servers");
        this.config = config;
        this.topics = TopicCatalog.withPrefix(config.get("topic.prefix", ""));
        final ModelProfile model = model(config);
        this.executor = new PlanExecutor(model.timeModel());
        this.speed = config.getDouble("speed", 0.0);
        if (!(speed >= 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("config: key 'speed' must be >= 0 (0 = virtual time), got " + speed);
        }
        this.serdes = AvroSerdes.fromConfig(config);
        this.name = "gpu-worker-sim" + (config.get("worker.id", "").isEmpty() ? "" : "-" + config.get("worker.id", ""));
        // Every key is read here, not in start(), so ServiceMain can name the keys this service ignores.
        this.groupId = config.get("group.id", "kvsched-workers");
    }

    private static ModelProfile model(final ServiceConfig config) {
        return ModelCatalog.configured(config.get("model", ModelCatalog.DEFAULT_NAME), config.getInt("kv.capacity", 0),
                "config: key 'model'");
    }

    @Override
    public String name() {
        return name;
    }

    /** Plans executed so far. */
    /** Partitions of {@code plans} this worker owns now (0 until its consumer group has formed). */
    public int assignedPartitions() {
        return assigned.get();
    }

    public long plansExecuted() {
        return plansExecuted.get();
    }

    @Override
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        final Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.require("bootstrap.servers"));
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        // Plans come out of the scheduler's transactions: only committed ones are real.
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cp.putAll(config.kafkaOverrides());
        final Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.require("bootstrap.servers"));
        // One report in flight per replica: send at once (the 4.x client default is 5 ms).
        pp.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.putAll(config.kafkaOverrides());
        consumer = new KafkaConsumer<>(cp, new IntegerDeserializer(), new ByteArrayDeserializer());
        final KafkaProducer<Integer, byte[]> producer = new KafkaProducer<>(pp, new IntegerSerializer(), new ByteArraySerializer());
        running.set(true);
        thread = new Thread(() -> loop(consumer, producer), name);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(final KafkaConsumer<Integer, byte[]> c, final KafkaProducer<Integer, byte[]> producer) {
        final org.apache.kafka.common.serialization.Deserializer<org.kvsched.schemas.avro.BatchPlan> planDecoder =
                serdes.serde(org.kvsched.schemas.avro.BatchPlan.class).deserializer();
        final Serializer<org.kvsched.schemas.avro.StepReport> reportEncoder = serdes.serde(org.kvsched.schemas.avro.StepReport.class).serializer();
        final Serializer<ErrorRecord> errorEncoder = serdes.serde(ErrorRecord.class).serializer();
        try (c; producer) {
            c.subscribe(List.of(topics.plans().name()), new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(final java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
                    assigned.addAndGet(-partitions.size());
                }

                @Override
                public void onPartitionsAssigned(final java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
                    assigned.addAndGet(partitions.size());
                }
            });
            while (running.get()) {
                final ConsumerRecords<Integer, byte[]> records = c.poll(Duration.ofMillis(200));
                for (final ConsumerRecord<Integer, byte[]> rec : records) {
                    final BatchPlan plan;
                    final java.util.Map<Long, Integer> truth;
                    try {
                        final org.kvsched.schemas.avro.BatchPlan wire = planDecoder.deserialize(rec.topic(), rec.value());
                        plan = WorkerMapping.plan(wire);
                        truth = WorkerMapping.trueOutputTokens(wire);
                    } catch (final SerializationException | IllegalArgumentException | NullPointerException e) {
                        final ErrorRecord err = new ErrorRecord(name, rec.topic(), rec.partition(), rec.offset(), null,
                                rec.value() == null ? null : ByteBuffer.wrap(rec.value()), "undecodable or invalid plan: " + e.getMessage());
                        producer.send(new ProducerRecord<>(topics.errors().name(), null, errorEncoder.serialize(topics.errors().name(), err)));
                        continue;
                    }
                    final StepReport report = executor.execute(plan, id -> truth.getOrDefault(id, -1));
                    if (speed > 0) {
                        sleepMicros((long) ((report.endUs() - plan.startUs()) / speed));
                    }
                    final String topic = topics.stepReports().name();
                    producer.send(new ProducerRecord<>(topic, rec.partition(), plan.replicaId(),
                            reportEncoder.serialize(topic, WorkerMapping.report(report))));
                    plansExecuted.incrementAndGet();
                }
                if (!records.isEmpty()) {
                    // At-least-once: a crash before this commit re-executes plans, and duplicates are ignored downstream.
                    c.commitAsync();
                }
            }
        } catch (final WakeupException e) {
            // close() asked us to stop.
        } catch (final RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    private static void sleepMicros(final long micros) {
        if (micros <= 0) {
            return;
        }
        try {
            Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Throwable failure() {
        return failure.get();
    }

    @Override
    public synchronized void close() {
        if (thread == null) {
            return;
        }
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(30_000);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
    }

    /** The configuration values this worker runs with (for logs). */
    public Map<String, String> settings() {
        return config.asMap();
    }

    public static void main(final String[] args) {
        System.exit(ServiceMain.run("gpu-worker-sim", args, WorkerApp::new));
    }
}
