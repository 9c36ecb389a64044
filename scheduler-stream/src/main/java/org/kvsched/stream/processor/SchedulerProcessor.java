package org.kvsched.stream.processor;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.LogEntry;
import org.kvsched.core.engine.RecordedReplica;
import org.kvsched.core.engine.ReplicaLoop;
import org.kvsched.core.engine.ReplicaSpec;
import org.kvsched.core.engine.SchedulerListener;
import org.kvsched.core.engine.SchedulerState;
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
import org.kvsched.stream.topology.Names;
import org.kvsched.schemas.topic.TopicCatalog;
import org.kvsched.stream.config.LiveTime;
import org.kvsched.pipeline.mapping.ArrivalMapping;
import org.kvsched.pipeline.mapping.PlanMapping;
import org.kvsched.pipeline.mapping.ReportMapping;
import org.kvsched.pipeline.mapping.EventMapping;
import org.kvsched.pipeline.mapping.SummaryMapping;

/**
 * The scheduler of every replica whose partition this stream task owns. Consumes {@code arrivals} and
 * {@code step-reports} (co-partitioned: partition r is replica r), hands each input to the replica's core
 * {@link RecordedReplica} (which holds all protocol logic), and forwards plans, request events, step
 * summaries, replica ends and errors to their sinks. It keeps aside what the core must not hold: each
 * request's opaque worker payload, relayed into its plan entries.
 *
 * <p>State: the replica log ({@link ReplicaLog}) in the persistent, changelogged store
 * {@link Names#REPLICA_LOG_STORE}: every input, every decision, and every {@code snapshotEvery} inputs a
 * snapshot, after which the older entries are deleted. {@link #init} rebuilds each replica from its latest
 * snapshot and the entries after it without asking the policy, so a restarted instance continues exactly
 * where the last committed transaction left off, with the configured policy (another one than before is a
 * policy swap).
 *
 * <p>Bad input never blocks a partition: an arrival that does not decode or is invalid (zero lengths, a
 * repeated id, out of time order, after the end marker, wrong partition) goes to {@code errors} with the
 * reason and is counted in the replica's {@link ReplicaEnd}; so is a report that does not decode, names another
 * replica or a plan never issued, or contradicts its plan (which then stays in flight); a duplicate report (for a
 * plan already answered) is ignored. docs/kafka-pipeline.md, "Bad input and bad settings", has the table.
 */
public final class SchedulerProcessor implements Processor<byte[], byte[], Object, Object> {

    /** Service name written into error records. */
    public static final String SERVICE = "scheduler-stream";

    private final TopicCatalog topics;
    private final Deserializer<ArrivalEvent> arrivalDecoder;
    private final Deserializer<StepReport> reportDecoder;
    private final ReplicaSpec spec;
    private final int snapshotEvery;
    private final ReplicaStatus status;
    private final LiveTime live;
    private final ReplicaLoop.Clock clock;
    private final ReplicaLog log = new ReplicaLog();
    private final Map<Integer, Replica> replicas = new HashMap<>();

    private ProcessorContext<Object, Object> context;
    private KeyValueStore<Bytes, byte[]> store;
    private long currentTimestamp;
    private long restoredEntries;
    /** The live timer while it runs (see {@link #updateTimer}), else null. */
    private Cancellable timer;

    /**
     * @param topics        topic names (to tell the two inputs apart)
     * @param serdes        wire format of the input topics
     * @param spec          how each replica's scheduler is built
     * @param snapshotEvery inputs between two snapshots of a replica (0: never)
     * @param status        told about each replica after each of its inputs
     * @param live          wall-clock scheduling, or null for virtual time
     */
    public SchedulerProcessor(final TopicCatalog topics, final AvroSerdes serdes, final ReplicaSpec spec, final int snapshotEvery,
                              final ReplicaStatus status, final LiveTime live) {
        this.topics = topics;
        this.arrivalDecoder = serdes.serde(ArrivalEvent.class).deserializer();
        this.reportDecoder = serdes.serde(StepReport.class).deserializer();
        this.spec = spec;
        this.snapshotEvery = snapshotEvery;
        this.status = status;
        this.live = live;
        this.clock = live == null ? ReplicaLoop.Clock.VIRTUAL : live.clock();
    }

    @Override
    public void init(final ProcessorContext<Object, Object> ctx) {
        this.context = ctx;
        this.store = ctx.getStateStore(Names.REPLICA_LOG_STORE);
        rebuild();
        updateTimer();
    }

    /**
     * Live: policies that wait (WAIT thresholds, GSA slots) must be asked again even when no input comes, so a
     * wall-clock timer runs while some replica idles with waiting requests, and only then: under exactly-once
     * every firing of a punctuator commits a transaction, which would hold up the reports and arrivals behind it.
     */
    private void updateTimer() {
        if (live == null) {
            return;
        }
        boolean needed = false;
        for (final Replica replica : replicas.values()) {
            final org.kvsched.core.engine.Scheduler s = replica.recorded.scheduler();
            needed |= !s.hasPlanInFlight() && s.waitingCount() > 0;
        }
        if (needed && timer == null) {
            timer = context.schedule(Duration.ofMillis(live.tickMs()), PunctuationType.WALL_CLOCK_TIME, this::tick);
        } else if (!needed && timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    /** Live: asks every idle replica with waiting requests again, at the clock's time. */
    private void tick(final long wallMs) {
        currentTimestamp = wallMs;
        for (final Replica replica : replicas.values()) {
            final org.kvsched.core.engine.Scheduler s = replica.recorded.scheduler();
            if (!s.hasPlanInFlight() && s.waitingCount() > 0) {
                replica.recorded.tick(live.schedulerUs(wallMs));
                replica.snapshotIfDue();
            }
        }
        updateTimer();
    }

    /** Rebuilds every replica in the store from its latest snapshot and the entries after it; outputs discarded. */
    private void rebuild() {
        final long t0 = System.nanoTime();
        final Map<Integer, List<ReplicaLog.Decoded>> logs = new HashMap<>();
        final Map<Integer, long[]> bounds = new HashMap<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                final KeyValue<Bytes, byte[]> kv = it.next();
                final int replica = ReplicaLog.replicaOf(kv.key);
                final long seq = ReplicaLog.sequenceOf(kv.key);
                final ReplicaLog.Decoded d = log.decode(kv.value);
                final List<ReplicaLog.Decoded> list = logs.computeIfAbsent(replica, r -> new ArrayList<>());
                final long[] b = bounds.computeIfAbsent(replica, r -> new long[] {seq, seq});
                if (d.entry() instanceof LogEntry.Snapshot) {
                    list.clear();
                    b[0] = seq;
                }
                list.add(d);
                b[1] = seq;
            }
        }
        for (final Map.Entry<Integer, List<ReplicaLog.Decoded>> e : logs.entrySet()) {
            final int id = e.getKey();
            final Replica replica = new Replica(id, bounds.get(id)[1] + 1, bounds.get(id)[0]);
            final List<LogEntry> entries = new ArrayList<>(e.getValue().size());
            for (final ReplicaLog.Decoded d : e.getValue()) {
                entries.add(d.entry());
                replica.payloads.putAll(d.payloads());
            }
            replica.recorded = RecordedReplica.restore(id, entries, spec, clock, replica, replica, replica);
            replica.keepLivePayloads();
            replicas.put(id, replica);
            restoredEntries += entries.size();
            status.restored(id, entries.size(), System.nanoTime() - t0);
        }
    }

    /** Log entries re-applied by the last {@link #init} (0 on a fresh start). */
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
            final Replica r = replica(partition);
            r.arrivalsSeen++;
            status.update(partition, r.arrivalsSeen, r.recorded.scheduler().hasPlanInFlight());
        } else if (topic.equals(topics.stepReports().name())) {
            processReport(record, topic, partition, meta);
            final Replica r = replica(partition);
            status.update(partition, r.arrivalsSeen, r.recorded.scheduler().hasPlanInFlight());
        } else {
            throw new IllegalStateException("scheduler processor got a record from unexpected topic '" + topic + "'");
        }
        updateTimer();
    }

    private void processArrival(final Record<byte[], byte[]> record, final String topic, final int partition,
                                final Optional<RecordMetadata> meta) {
        final Replica replica = replica(partition);
        final ArrivalEvent event;
        try {
            event = arrivalDecoder.deserialize(topic, record.value());
        } catch (final SerializationException e) {
            reject(replica, record, meta, "undecodable arrival: " + e.getMessage());
            return;
        }
        if (event == null) {
            reject(replica, record, meta, "arrival record without a value");
            return;
        }
        if (event.getReplicaId() != partition) {
            reject(replica, record, meta, "arrival for replica " + event.getReplicaId() + " on partition " + partition
                    + " (arrivals must be partitioned by replica)");
            return;
        }
        if (event.getBody() instanceof EndOfTrace end) {
            replica.recorded.endOfInput(end.getReplicas());
        } else {
            final RequestArrival arrival = (RequestArrival) event.getBody();
            Request request;
            try {
                request = ArrivalMapping.decode(arrival);
                if (live != null) {
                    // Live: the request arrived when the log appended it.
                    request = new Request(request.id(), Math.max(0, live.schedulerUs(record.timestamp())), request.promptTokens(),
                            request.maxTokens(), request.predictedOutputTokens());
                }
            } catch (final IllegalArgumentException e) {
                reject(replica, record, meta, "invalid request: " + e.getMessage());
                return;
            }
            final String why = replica.recorded.rejectReason(request);
            if (why != null) {
                reject(replica, record, meta, "invalid request: " + why);
                return;
            }
            if (arrival.getWorkerPayload() != null) {
                replica.payloads.put(request.id(), arrival.getWorkerPayload());
            }
            replica.recorded.arrival(request);
        }
        replica.snapshotIfDue();
    }

    private void processReport(final Record<byte[], byte[]> record, final String topic, final int partition,
                               final Optional<RecordMetadata> meta) {
        final Replica replica = replica(partition);
        final StepReport report;
        try {
            report = reportDecoder.deserialize(topic, record.value());
        } catch (final SerializationException | NullPointerException e) {
            reject(replica, record, meta, "undecodable step report: " + e.getMessage());
            return;
        }
        if (report == null || report.getReplicaId() != partition) {
            reject(replica, record, meta, "step report for replica " + (report == null ? "?" : report.getReplicaId()) + " on partition " + partition);
            return;
        }
        final org.kvsched.core.engine.Scheduler scheduler = replica.recorded.scheduler();
        final long issued = scheduler.plans();
        if (report.getPlanId() < 0 || report.getPlanId() >= issued) {
            // Plan ids of a replica are 0, 1, 2, ...: this one was never sent, so no worker can have run it.
            reject(replica, record, meta, "step report for unknown plan " + report.getPlanId() + " of replica " + partition
                    + " (" + issued + " plans issued)");
            return;
        }
        try {
            final org.kvsched.core.engine.StepReport core = ReportMapping.decode(report, scheduler.planInFlight());
            // A report for a plan already answered is a duplicate (at-least-once delivery): ignored, by rule.
            replica.recorded.report(core, live == null ? core.endUs() : live.schedulerUs(context.currentSystemTimeMs()));
        } catch (final IllegalArgumentException e) {
            // The plan stays in flight: the replica waits for a report that fits it.
            reject(replica, record, meta, "invalid step report: " + e.getMessage());
            return;
        }
        replica.snapshotIfDue();
    }

    private void reject(final Replica replica, final Record<byte[], byte[]> record, final Optional<RecordMetadata> meta,
                        final String reason) {
        forwardError(record, meta, reason);
        // Counting the error may complete the replica (its end record carries the count).
        replica.recorded.refused();
        replica.snapshotIfDue();
    }

    private void forwardError(final Record<byte[], byte[]> record, final Optional<RecordMetadata> meta, final String reason) {
        final ErrorRecord error = new ErrorRecord(SERVICE, meta.map(RecordMetadata::topic).orElse(""),
                meta.map(RecordMetadata::partition).orElse(-1), meta.map(RecordMetadata::offset).orElse(-1L),
                record.key() == null ? null : ByteBuffer.wrap(record.key()),
                record.value() == null ? null : ByteBuffer.wrap(record.value()), reason.replace('\n', ' '));
        context.forward(new Record<>(record.key(), error, record.timestamp()), Names.ERRORS_SINK);
    }

    private Replica replica(final int id) {
        return replicas.computeIfAbsent(id, r -> {
            final Replica replica = new Replica(r, 0, 0);
            replica.recorded = RecordedReplica.start(r, spec, clock, replica, replica, replica);
            return replica;
        });
    }

    /**
     * One replica's adapter: its recorded core replica, the worker payloads kept aside, and its place in the
     * store. It is the replica's journal (entries to the store) and forwards its outputs to the sinks.
     */
    private final class Replica implements ReplicaLoop.Outputs, SchedulerListener, RecordedReplica.Journal {
        private final int id;
        private final Map<Long, ByteBuffer> payloads = new HashMap<>();
        private RecordedReplica recorded;
        private long arrivalsSeen;
        private long nextSequence;
        private long firstSequence;

        Replica(final int id, final long nextSequence, final long firstSequence) {
            this.id = id;
            this.nextSequence = nextSequence;
            this.firstSequence = firstSequence;
        }

        void snapshotIfDue() {
            if (snapshotEvery > 0 && recorded.inputsSinceSnapshot() >= snapshotEvery) {
                recorded.snapshot();
            }
        }

        @Override
        public void append(final LogEntry entry) {
            final long seq = nextSequence++;
            if (entry instanceof LogEntry.Snapshot s) {
                retain(liveIds(s));
            }
            store.put(ReplicaLog.key(id, seq), log.encode(entry, payloads::get));
            if (entry instanceof LogEntry.Snapshot) {
                // A restore starts here: the entries before are history no one needs.
                for (long old = firstSequence; old < seq; old++) {
                    store.delete(ReplicaLog.key(id, old));
                }
                firstSequence = seq;
            }
        }

        /** Drops the payloads of requests that finished while outputs were discarded (during a restore). */
        void keepLivePayloads() {
            final Set<Long> live = new HashSet<>();
            recorded.loop().state().buffered().forEach(r -> live.add(r.id()));
            final SchedulerState st = recorded.scheduler().snapshot();
            st.running().forEach(q -> live.add(q.request().id()));
            st.waiting().forEach(q -> live.add(q.request().id()));
            retain(live);
        }

        private Set<Long> liveIds(final LogEntry.Snapshot s) {
            final Set<Long> live = new HashSet<>();
            s.loop().buffered().forEach(r -> live.add(r.id()));
            s.scheduler().running().forEach(q -> live.add(q.request().id()));
            s.scheduler().waiting().forEach(q -> live.add(q.request().id()));
            return live;
        }

        private void retain(final Set<Long> live) {
            payloads.keySet().retainAll(live);
        }

        @Override
        public void plan(final BatchPlan plan) {
            context.forward(new Record<>(plan.replicaId(), PlanMapping.encode(plan, payloads::get), currentTimestamp), Names.PLANS_SINK);
        }

        @Override
        public void replicaEnd(final ReplicaLoop.ReplicaEnd end) {
            context.forward(new Record<>(end.replicaId(), new ReplicaEnd(end.replicaId(), end.replicas(), end.finished(), end.errors(),
                    end.plans(), end.endUs()), currentTimestamp), Names.REPLICA_ENDS_SINK);
        }

        @Override
        public void onRequestEvent(final RequestEvent event) {
            if (event.kind().isTerminal()) {
                payloads.remove(event.requestId());
            }
            context.forward(new Record<>(event.requestId(), EventMapping.encode(event), currentTimestamp), Names.REQUEST_EVENTS_SINK);
        }

        @Override
        public void onStep(final StepSummary summary) {
            context.forward(new Record<>(summary.replicaId(), SummaryMapping.encode(summary), currentTimestamp), Names.STEP_SUMMARIES_SINK);
        }
    }
}
