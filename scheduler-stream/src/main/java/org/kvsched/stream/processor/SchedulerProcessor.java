package org.kvsched.stream.processor;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.StepSummary;
import org.kvsched.core.model.Request;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.schemas.avro.ArrivalEvent;
import org.kvsched.schemas.avro.EndOfTrace;
import org.kvsched.schemas.avro.ErrorRecord;
import org.kvsched.schemas.avro.ReplicaEnd;
import org.kvsched.schemas.avro.RequestArrival;
import org.kvsched.schemas.avro.StepReport;
import org.kvsched.schemas.serde.AvroSerdes;
import org.kvsched.schemas.topic.Names;
import org.kvsched.schemas.topic.TopicCatalog;
import org.kvsched.stream.mapping.StreamMapping;

/**
 * The scheduler of every replica whose partition this stream task owns. Consumes {@code arrivals} and
 * {@code step-reports} (co-partitioned: partition r is replica r), drives each replica's core
 * scheduler through a {@link ReplicaDriver}, and forwards plans, request events, step summaries,
 * replica ends and errors to their sinks.
 *
 * <p>State: the {@link ReplicaLog} in the persistent, changelogged store {@link Names#REPLICA_LOG_STORE};
 * {@link #init} rebuilds the in-memory schedulers from it, so a restarted instance continues exactly
 * where the last committed transaction left off.
 *
 * <p>Bad input never blocks a partition: an arrival that does not decode or is invalid (zero lengths, repeated id,
 * out of time order, after the end marker, wrong partition) goes to {@code errors} with the reason and is
 * counted in the replica's {@link ReplicaEnd}; a report that does not decode goes to {@code errors}.
 */
public final class SchedulerProcessor implements Processor<byte[], byte[], Object, Object> {

    /** Service name written into error records. */
    public static final String SERVICE = "scheduler-stream";

    private final TopicCatalog topics;
    private final Deserializer<ArrivalEvent> arrivalDecoder;
    private final Deserializer<StepReport> reportDecoder;
    private final ReplicaFactory factory;
    private final ReplicaLog log = new ReplicaLog();
    private final Map<Integer, ReplicaDriver> drivers = new HashMap<>();
    private final Map<Integer, Long> nextSequence = new HashMap<>();

    private ProcessorContext<Object, Object> context;
    private KeyValueStore<Bytes, byte[]> store;
    private long currentTimestamp;
    private long restoredEntries;

    /**
     * @param topics  topic names (to tell the two inputs apart)
     * @param serdes  wire format of the input topics
     * @param factory builds each replica's scheduler
     */
    public SchedulerProcessor(final TopicCatalog topics, final AvroSerdes serdes, final ReplicaFactory factory) {
        this.topics = topics;
        this.arrivalDecoder = serdes.serde(ArrivalEvent.class).deserializer();
        this.reportDecoder = serdes.serde(StepReport.class).deserializer();
        this.factory = factory;
    }

    @Override
    public void init(final ProcessorContext<Object, Object> ctx) {
        this.context = ctx;
        this.store = ctx.getStateStore(Names.REPLICA_LOG_STORE);
        rebuild();
    }

    /** Replays the store's log through fresh drivers, outputs discarded (they were committed before). */
    private void rebuild() {
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                final KeyValue<Bytes, byte[]> kv = it.next();
                final int replica = ReplicaLog.replicaOf(kv.key);
                final ReplicaDriver driver = driver(replica);
                switch (kv.value[0]) {
                    case ReplicaLog.ARRIVAL:
                        applyArrival(driver, log.decodeArrival(kv.value));
                        break;
                    case ReplicaLog.REPORT:
                        driver.onReport(StreamMapping.report(log.decodeReport(kv.value)));
                        break;
                    case ReplicaLog.ERROR:
                        driver.onError();
                        break;
                    default:
                        throw new IllegalStateException("replica log of replica " + replica + ": unknown entry tag " + kv.value[0]);
                }
                driver.advance();
                nextSequence.put(replica, ReplicaLog.sequenceOf(kv.key) + 1);
                restoredEntries++;
            }
        }
    }

    /** Log entries replayed by the last {@link #init} (0 on a fresh start). */
    public long restoredEntries() {
        return restoredEntries;
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
        final Optional<RecordMetadata> meta = context.recordMetadata();
        final String topic = meta.map(RecordMetadata::topic).orElse("");
        final int partition = meta.map(RecordMetadata::partition).orElse(-1);
        currentTimestamp = record.timestamp();
        if (topic.equals(topics.arrivals().name())) {
            processArrival(record, topic, partition, meta);
        } else if (topic.equals(topics.stepReports().name())) {
            processReport(record, topic, partition, meta);
        } else {
            throw new IllegalStateException("scheduler processor got a record from unexpected topic '" + topic + "'");
        }
    }

    private void processArrival(final Record<byte[], byte[]> record, final String topic, final int partition,
                                final Optional<RecordMetadata> meta) {
        final ReplicaDriver driver = driver(partition);
        final ArrivalEvent event;
        try {
            event = arrivalDecoder.deserialize(topic, record.value());
        } catch (final SerializationException e) {
            reject(driver, record, meta, "undecodable arrival: " + e.getMessage());
            return;
        }
        if (event == null) {
            reject(driver, record, meta, "arrival record without a value");
            return;
        }
        if (event.getReplicaId() != partition) {
            reject(driver, record, meta, "arrival for replica " + event.getReplicaId() + " on partition " + partition
                    + " (arrivals must be partitioned by replica)");
            return;
        }
        if (event.getBody() instanceof RequestArrival) {
            final Request request;
            try {
                request = StreamMapping.request((RequestArrival) event.getBody());
            } catch (final IllegalArgumentException e) {
                reject(driver, record, meta, "invalid request: " + e.getMessage());
                return;
            }
            final String why = driver.rejectReason(request);
            if (why != null) {
                reject(driver, record, meta, "invalid request: " + why);
                return;
            }
        }
        append(partition, log.arrival(event));
        applyArrival(driver, event);
        advanceLive(driver);
    }

    private static void applyArrival(final ReplicaDriver driver, final ArrivalEvent event) {
        if (event.getBody() instanceof EndOfTrace) {
            driver.onEndOfTrace(((EndOfTrace) event.getBody()).getReplicas());
        } else {
            driver.onArrival(StreamMapping.request((RequestArrival) event.getBody()));
        }
    }

    private void processReport(final Record<byte[], byte[]> record, final String topic, final int partition,
                               final Optional<RecordMetadata> meta) {
        final StepReport report;
        final org.kvsched.core.engine.StepReport core;
        try {
            report = reportDecoder.deserialize(topic, record.value());
            core = StreamMapping.report(report);
        } catch (final SerializationException | IllegalArgumentException | NullPointerException e) {
            forwardError(record, meta, "undecodable or invalid step report: " + e.getMessage());
            return;
        }
        if (report.getReplicaId() != partition) {
            forwardError(record, meta, "step report for replica " + report.getReplicaId() + " on partition " + partition);
            return;
        }
        final ReplicaDriver driver = driver(partition);
        append(partition, log.report(report));
        // Applying the report emits first-token, completion and step events: outputs must be live.
        driver.outputTo(live);
        try {
            driver.onReport(core);
        } finally {
            driver.outputTo(ReplicaDriver.DISCARD);
        }
        advanceLive(driver);
    }

    private void reject(final ReplicaDriver driver, final Record<byte[], byte[]> record, final Optional<RecordMetadata> meta,
                        final String reason) {
        append(driver.replicaId(), ReplicaLog.error());
        driver.onError();
        forwardError(record, meta, reason);
        // Counting the error may complete the replica (its end record carries the count).
        advanceLive(driver);
    }

    private void forwardError(final Record<byte[], byte[]> record, final Optional<RecordMetadata> meta, final String reason) {
        final ErrorRecord error = new ErrorRecord(SERVICE, meta.map(RecordMetadata::topic).orElse(""),
                meta.map(RecordMetadata::partition).orElse(-1), meta.map(RecordMetadata::offset).orElse(-1L),
                record.key() == null ? null : ByteBuffer.wrap(record.key()),
                record.value() == null ? null : ByteBuffer.wrap(record.value()), reason.replace('\n', ' '));
        context.forward(new Record<>(record.key(), error, record.timestamp()), Names.ERRORS_SINK);
    }

    private void append(final int replica, final byte[] entry) {
        final long seq = nextSequence.getOrDefault(replica, 0L);
        store.put(ReplicaLog.key(replica, seq), entry);
        nextSequence.put(replica, seq + 1);
    }

    private void advanceLive(final ReplicaDriver driver) {
        driver.outputTo(live);
        try {
            driver.advance();
        } finally {
            driver.outputTo(ReplicaDriver.DISCARD);
        }
    }

    private ReplicaDriver driver(final int replica) {
        return drivers.computeIfAbsent(replica, r -> new ReplicaDriver(r, listener -> factory.create(r, listener)));
    }

    /** Forwards a driver's outputs to the sinks, stamped with the input record's timestamp. */
    private final ReplicaDriver.Outputs live = new ReplicaDriver.Outputs() {
        @Override
        public void plan(final BatchPlan plan) {
            context.forward(new Record<>(plan.replicaId(), StreamMapping.plan(plan), currentTimestamp), Names.PLANS_SINK);
        }

        @Override
        public void requestEvent(final RequestEvent event) {
            context.forward(new Record<>(event.requestId(), StreamMapping.event(event), currentTimestamp), Names.REQUEST_EVENTS_SINK);
        }

        @Override
        public void step(final StepSummary summary) {
            context.forward(new Record<>(summary.replicaId(), StreamMapping.summary(summary), currentTimestamp), Names.STEP_SUMMARIES_SINK);
        }

        @Override
        public void replicaEnd(final int replicaId, final int replicas, final long finished, final long errors, final long plans,
                               final long endUs) {
            context.forward(new Record<>(replicaId, new ReplicaEnd(replicaId, replicas, finished, errors, plans, endUs), currentTimestamp),
                    Names.REPLICA_ENDS_SINK);
        }
    };
}
