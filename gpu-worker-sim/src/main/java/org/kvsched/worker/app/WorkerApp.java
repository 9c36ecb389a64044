package org.kvsched.worker.app;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.PlanExecutor;
import org.kvsched.core.engine.StepReport;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.schemas.avro.ErrorRecord;
import org.kvsched.schemas.serde.AvroSerdes;
import org.kvsched.pipeline.service.Service;
import org.kvsched.pipeline.service.ServiceConfig;
import org.kvsched.pipeline.service.ServiceMain;
import org.kvsched.schemas.topic.TopicCatalog;
import org.kvsched.pipeline.consume.ConsumerLoop;
import org.kvsched.pipeline.mapping.PlanMapping;
import org.kvsched.pipeline.mapping.ReportMapping;
import org.kvsched.worker.run.PlanRunner;
import org.kvsched.worker.run.SimulatedRunner;
import org.kvsched.worker.vllm.VllmRunner;
import org.kvsched.worker.vllm.VllmSettings;

/**
 * The simulated GPU worker: consumes {@code plans} for the replicas whose partitions it owns (workers
 * sharing {@code group.id} split the partitions between them), executes each plan with the core
 * execution-time model ({@link PlanExecutor}, the same code the in-memory engine runs) and produces the
 * {@code step-reports} record on the replica's partition.
 *
 * <p>Stateless: a plan fully describes its work, so after a crash a re-delivered plan yields the same
 * report, which the scheduler ignores as a duplicate. What runs a plan is a {@link PlanRunner} the key
 * {@code worker} names: {@code sim} (default), the simulated A100, which in wall-clock mode ({@code speed} &gt; 0)
 * reports after the modelled time divided by the speed and in virtual time (0) at once; or {@code vllm}, a real
 * (or stand-in) vLLM server behind its HTTP API ({@link VllmSettings} lists its keys, docs/vllm-adapter.md).
 *
 * <p>Keys: {@code bootstrap.servers} (required), {@code group.id} (kvsched-workers), {@code worker.id} (a suffix of
 * the name in logs), {@code topic.prefix}, {@code model}, {@code kv.capacity}, {@code worker} (sim), {@code speed} (0),
 * {@code schema.registry.url}, {@code kafka.*}, and with {@code worker=vllm} the keys {@link VllmSettings} lists.
 */
public final class WorkerApp implements Service {

    private final ServiceConfig config;
    private final TopicCatalog topics;
    private final PlanRunner runner;
    private final AvroSerdes serdes;
    private final AtomicLong plansExecuted = new AtomicLong();
    private final String name;
    private final String groupId;
    private volatile ConsumerLoop<Integer, byte[]> loop;

    public WorkerApp(final ServiceConfig config) {
        config.require("bootstrap.servers");
        this.config = config;
        this.topics = TopicCatalog.withPrefix(config.get("topic.prefix", ""));
        final ModelProfile model = model(config);
        this.runner = runner(config, model);
        this.serdes = config.avroSerdes();
        this.name = "gpu-worker-sim" + (config.get("worker.id", "").isEmpty() ? "" : "-" + config.get("worker.id", ""));
        // Every key is read here, not in start(), so ServiceMain can name the keys this service ignores.
        this.groupId = config.get("group.id", "kvsched-workers");
    }

    /** The plan runner the {@code worker} key names. */
    private static PlanRunner runner(final ServiceConfig config, final ModelProfile model) {
        final String kind = config.get("worker", "sim");
        switch (kind) {
            case "sim":
                return new SimulatedRunner(new PlanExecutor(model.timeModel()), config.getDouble("speed", 0.0));
            case "vllm":
                return new VllmRunner(VllmSettings.fromConfig(config, model));
            default:
                throw new IllegalArgumentException("config: key 'worker' must be sim or vllm, got '" + kind + "'");
        }
    }

    private static ModelProfile model(final ServiceConfig config) {
        return ModelCatalog.configured(config.get("model", ModelCatalog.DEFAULT_NAME), config.getInt("kv.capacity", 0),
                "config: key 'model'", "config: key 'kv.capacity'");
    }

    @Override
    public String name() {
        return name;
    }

    /** Partitions of {@code plans} this worker owns now (0 until its consumer group has formed). */
    public int assignedPartitions() {
        final ConsumerLoop<Integer, byte[]> l = loop;
        return l == null ? 0 : l.assignedPartitions();
    }

    /** Plans executed so far. */
    public long plansExecuted() {
        return plansExecuted.get();
    }

    @Override
    public synchronized void start() {
        if (loop != null) {
            throw new IllegalStateException("already started");
        }
        runner.open();
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
        final KafkaConsumer<Integer, byte[]> consumer = new KafkaConsumer<>(cp, new IntegerDeserializer(), new ByteArrayDeserializer());
        final KafkaProducer<Integer, byte[]> producer = new KafkaProducer<>(pp, new IntegerSerializer(), new ByteArraySerializer());
        // Learn where step-reports lives now, not on the first report (which would wait for the metadata fetch).
        producer.partitionsFor(topics.stepReports().name());
        loop = new ConsumerLoop<>(name, consumer, List.of(topics.plans().name()), new Plans(consumer, producer));
        loop.start();
    }

    /** Runs the polled plans and sends the reports that fall due; commits a plan's offset only once its report is out. */
    private final class Plans implements ConsumerLoop.Handler<Integer, byte[]> {
        private final KafkaConsumer<Integer, byte[]> consumer;
        private final KafkaProducer<Integer, byte[]> producer;
        private final Deserializer<org.kvsched.schemas.avro.BatchPlan> planDecoder =
                serdes.serde(org.kvsched.schemas.avro.BatchPlan.class).deserializer();
        private final Serializer<org.kvsched.schemas.avro.StepReport> reportEncoder =
                serdes.serde(org.kvsched.schemas.avro.StepReport.class).serializer();
        private final Serializer<ErrorRecord> errorEncoder = serdes.serde(ErrorRecord.class).serializer();
        // Offsets: a plan's offset is committed only once its report is sent (at-least-once; a re-delivered plan
        // gives a report the scheduler ignores as a duplicate). One plan per replica is outstanding at a time.
        private final Map<TopicPartition, Long> unreported = new HashMap<>();
        private final Map<TopicPartition, Long> next = new HashMap<>();

        Plans(final KafkaConsumer<Integer, byte[]> consumer, final KafkaProducer<Integer, byte[]> producer) {
            this.consumer = consumer;
            this.producer = producer;
        }

        @Override
        public long pollMs() {
            return Math.max(1, Math.min(200, runner.nextDueMs() - System.currentTimeMillis()));
        }

        @Override
        public boolean onPoll(final ConsumerRecords<Integer, byte[]> records) {
            for (final ConsumerRecord<Integer, byte[]> rec : records) {
                final TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
                next.put(tp, rec.offset() + 1);
                final BatchPlan plan;
                final Map<Long, ByteBuffer> payloads;
                try {
                    final org.kvsched.schemas.avro.BatchPlan wire = planDecoder.deserialize(rec.topic(), rec.value());
                    plan = PlanMapping.decode(wire);
                    payloads = PlanMapping.payloads(wire);
                } catch (final SerializationException | IllegalArgumentException | NullPointerException e) {
                    final ErrorRecord err = new ErrorRecord(name, rec.topic(), rec.partition(), rec.offset(), null,
                            rec.value() == null ? null : ByteBuffer.wrap(rec.value()), "undecodable or invalid plan: " + e.getMessage());
                    producer.send(new ProducerRecord<>(topics.errors().name(), null, errorEncoder.serialize(topics.errors().name(), err)));
                    continue;
                }
                runner.accept(plan, payloads, System.currentTimeMillis());
                unreported.putIfAbsent(tp, rec.offset());
            }
            final List<StepReport> reports = runner.due(System.currentTimeMillis());
            for (final StepReport report : reports) {
                final String topic = topics.stepReports().name();
                // Co-partitioned topics: replica r's plans and reports are partition r.
                final int partition = report.replicaId();
                producer.send(new ProducerRecord<>(topic, partition, report.replicaId(),
                        reportEncoder.serialize(topic, ReportMapping.encode(report))));
                unreported.remove(new TopicPartition(topics.plans().name(), partition));
                plansExecuted.incrementAndGet();
            }
            if (!reports.isEmpty()) {
                // A plan counts as reported once the broker has its report: committing past it earlier would lose
                // the report for good if this process died before the send completed (found by replay --chaos).
                producer.flush();
            }
            if (!records.isEmpty() || !reports.isEmpty()) {
                final Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
                next.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(unreported.getOrDefault(tp, offset))));
                consumer.commitAsync(commit, null);
            }
            return true;
        }

        @Override
        public void stopped() {
            try (producer; runner) {
                final String summary = runner.summary();
                if (!summary.isEmpty()) {
                    System.err.println(name + ": " + summary);
                }
            }
        }
    }

    @Override
    public Throwable failure() {
        return loop == null ? null : loop.failure();
    }

    @Override
    public synchronized void close() {
        if (loop != null) {
            loop.close();
        }
    }

    /** The configuration values this worker runs with (for logs). */
    public Map<String, String> settings() {
        return config.asMap();
    }

    public static void main(final String[] args) {
        System.exit(ServiceMain.run("gpu-worker-sim", args, WorkerApp::new));
    }
}
