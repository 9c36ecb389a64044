package org.kvsched.stream.topology;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.Stores;
import org.kvsched.schemas.avro.BatchPlan;
import org.kvsched.schemas.avro.ErrorRecord;
import org.kvsched.schemas.avro.ReplicaEnd;
import org.kvsched.schemas.avro.RequestEvent;
import org.kvsched.schemas.avro.StepSummary;
import org.kvsched.schemas.serde.AvroSerdes;
import org.kvsched.schemas.topic.TopicCatalog;
import org.kvsched.core.engine.ReplicaSpec;
import org.kvsched.stream.config.LiveTime;
import org.kvsched.stream.processor.ReplicaStatus;
import org.kvsched.stream.processor.SchedulerProcessor;

/**
 * Builds the scheduler's Processor API topology. A pure function: no I/O, no Kafka connection; the
 * same arguments give the same topology (its {@code describe()} is stable), which tests drive with
 * TopologyTestDriver.
 *
 * <pre>
 *   arrivals ----\                         /--> plans          (partition = replica)
 *                 +--> scheduler [replica-log] ---> request-events
 *   step-reports -/                         \--> step-summaries, replica-ends, errors
 * </pre>
 *
 * Inputs are read as raw bytes so that the processor, not the deserialization-exception handler,
 * decides what a bad record becomes (an {@code errors} record, counted per replica).
 */
public final class SchedulerTopology {

    private SchedulerTopology() {
    }

    /**
     * @param topics  topic names
     * @param serdes  wire format of every Avro topic
     * @param spec          builds each replica's core scheduler (policy and deployment)
     * @param snapshotEvery inputs between two snapshots in a replica's log (0: never)
     * @param status        told about each replica after each of its inputs (in-process observers)
     * @param live          wall-clock scheduling, or null for virtual time
     */
    public static Topology build(final TopicCatalog topics, final AvroSerdes serdes, final ReplicaSpec spec, final int snapshotEvery,
                                 final ReplicaStatus status, final LiveTime live) {
        final Topology t = new Topology();
        t.addSource(Names.ARRIVALS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.arrivals().name());
        t.addSource(Names.STEP_REPORTS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.stepReports().name());
        t.addProcessor(Names.SCHEDULER_PROCESSOR, () -> new SchedulerProcessor(topics, serdes, spec, snapshotEvery, status, live),
                Names.ARRIVALS_SOURCE, Names.STEP_REPORTS_SOURCE);
        // No record cache: every entry is a new key, and the log must reach the changelog with the outputs.
        // Snapshots delete the entries before them; small segments let compaction drop those from the changelog
        // too, so a restore from the changelog reads about what the store holds, not the whole run.
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Names.REPLICA_LOG_STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled()
                .withLoggingEnabled(java.util.Map.of("segment.bytes", "16777216", "min.cleanable.dirty.ratio", "0.1",
                        "delete.retention.ms", "60000")), Names.SCHEDULER_PROCESSOR);
        // Plan of replica r must land on partition r, where replica r's worker and reports are.
        final StreamPartitioner<Integer, BatchPlan> byReplica = (topic, key, value, numPartitions) ->
                java.util.Optional.of(java.util.Set.of(key % numPartitions));
        t.addSink(Names.PLANS_SINK, topics.plans().name(), new IntegerSerializer(), serdes.serde(BatchPlan.class).serializer(),
                byReplica, Names.SCHEDULER_PROCESSOR);
        t.addSink(Names.REQUEST_EVENTS_SINK, topics.requestEvents().name(), new LongSerializer(),
                serdes.serde(RequestEvent.class).serializer(), Names.SCHEDULER_PROCESSOR);
        t.addSink(Names.STEP_SUMMARIES_SINK, topics.stepSummaries().name(), new IntegerSerializer(),
                serdes.serde(StepSummary.class).serializer(), Names.SCHEDULER_PROCESSOR);
        t.addSink(Names.REPLICA_ENDS_SINK, topics.replicaEnds().name(), new IntegerSerializer(),
                serdes.serde(ReplicaEnd.class).serializer(), Names.SCHEDULER_PROCESSOR);
        t.addSink(Names.ERRORS_SINK, topics.errors().name(), new ByteArraySerializer(),
                serdes.serde(ErrorRecord.class).serializer(), Names.SCHEDULER_PROCESSOR);
        return t;
    }
}
