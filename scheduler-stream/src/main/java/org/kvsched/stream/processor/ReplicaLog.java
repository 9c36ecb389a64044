package org.kvsched.stream.processor;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.kvsched.core.engine.LogEntry;
import org.kvsched.core.engine.ReplicaLoop;
import org.kvsched.core.engine.SchedulerState;
import org.kvsched.core.model.Request;
import org.kvsched.core.policy.Decision;
import org.kvsched.schemas.avro.ChunkRecord;
import org.kvsched.schemas.avro.DecisionRecord;
import org.kvsched.schemas.avro.EndOfTrace;
import org.kvsched.schemas.avro.PolicyInstalled;
import org.kvsched.schemas.avro.PreemptionRecord;
import org.kvsched.schemas.avro.RefusedInput;
import org.kvsched.schemas.avro.ReplicaLogEntry;
import org.kvsched.schemas.avro.ReplicaSnapshot;
import org.kvsched.schemas.avro.ReportInput;
import org.kvsched.schemas.avro.RequestArrival;
import org.kvsched.schemas.avro.SequenceRecord;
import org.kvsched.schemas.avro.TickInput;
import org.kvsched.schemas.serde.AvroSerdes;
import org.kvsched.pipeline.mapping.ArrivalMapping;
import org.kvsched.pipeline.mapping.PlanMapping;
import org.kvsched.pipeline.mapping.ReportMapping;

/**
 * Encoding of the replica log kept in the state store: the core's {@link LogEntry}s of each replica, in
 * order, keyed by (replica, sequence), each value a {@code ReplicaLogEntry} in Avro single-object encoding
 * (independent of the wire format the topics use). Arrivals and snapshots carry the requests' worker
 * payloads, which the core does not hold.
 *
 * <p>Key: 4-byte big-endian replica id, 8-byte big-endian sequence, so a store scan returns each
 * replica's entries in order.
 */
final class ReplicaLog {

    private final Serde<ReplicaLogEntry> serde = AvroSerdes.singleObject().serde(ReplicaLogEntry.class);

    static Bytes key(final int replica, final long sequence) {
        return Bytes.wrap(ByteBuffer.allocate(12).putInt(replica).putLong(sequence).array());
    }

    static int replicaOf(final Bytes key) {
        return ByteBuffer.wrap(key.get()).getInt(0);
    }

    static long sequenceOf(final Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong(4);
    }

    /** An entry decoded, with the worker payloads it carried by request id. */
    record Decoded(LogEntry entry, Map<Long, ByteBuffer> payloads) {
    }

    byte[] encode(final LogEntry entry, final LongFunction<ByteBuffer> payloadOf) {
        return serde.serializer().serialize("replica-log", new ReplicaLogEntry(body(entry, payloadOf)));
    }

    Decoded decode(final byte[] value) {
        return decode(avro(value));
    }

    /** The stored value as its Avro record (what a recording file keeps). */
    ReplicaLogEntry avro(final byte[] value) {
        return serde.deserializer().deserialize("replica-log", value);
    }

    /** An entry from its Avro record (read back from a recording file). */
    static Decoded decode(final ReplicaLogEntry value) {
        final Map<Long, ByteBuffer> payloads = new java.util.HashMap<>();
        return new Decoded(entry(value.getBody(), payloads), payloads);
    }

    private static Object body(final LogEntry entry, final LongFunction<ByteBuffer> payloadOf) {
        if (entry instanceof LogEntry.Arrival a) {
            return ArrivalMapping.encode(a.request(), payloadOf.apply(a.request().id()));
        } else if (entry instanceof LogEntry.EndOfInput e) {
            return new EndOfTrace(-1L, e.replicas());
        } else if (entry instanceof LogEntry.Report r) {
            return new ReportInput(ReportMapping.encode(r.report()), r.atUs());
        } else if (entry instanceof LogEntry.Refused) {
            return new RefusedInput("");
        } else if (entry instanceof LogEntry.Tick t) {
            return new TickInput(t.atUs());
        } else if (entry instanceof LogEntry.Decided d) {
            final List<ChunkRecord> chunks = new ArrayList<>(d.decision().chunks().size());
            d.decision().chunks().forEach(c -> chunks.add(new ChunkRecord(c.requestId(), c.tokens())));
            final List<PreemptionRecord> pre = new ArrayList<>(d.decision().preemptions().size());
            d.decision().preemptions().forEach(p -> pre.add(new PreemptionRecord(p.requestId(), p.discardOutput())));
            return new DecisionRecord(d.atUs(), chunks, pre, d.decision().maxDecodeContinuation(), d.decision().continueUntilUs(),
                    longs(d.policyState()));
        } else if (entry instanceof LogEntry.PolicyInstalled p) {
            return new PolicyInstalled(p.policy());
        } else if (entry instanceof LogEntry.Snapshot s) {
            return snapshot(s, payloadOf);
        }
        throw new IllegalArgumentException("unknown log entry " + entry);
    }

    private static ReplicaSnapshot snapshot(final LogEntry.Snapshot s, final LongFunction<ByteBuffer> payloadOf) {
        final SchedulerState st = s.scheduler();
        final ReplicaLoop.LoopState loop = s.loop();
        final List<Long> counters = List.of(st.iteration(), st.nextPlanId(), st.clockUs(), st.nextBackKey(), st.nextFrontKey(),
                st.nextAdmission(), st.arrivalsEnded() ? 1L : 0L, st.finishedRequests(), (long) st.inFlightBlocksAtStart(),
                st.accountedUntilUs());
        final List<RequestArrival> buffered = new ArrayList<>(loop.buffered().size());
        loop.buffered().forEach(r -> buffered.add(ArrivalMapping.encode(r, payloadOf.apply(r.id()))));
        final List<Long> loopValues = List.of(loop.watermarkUs(), loop.endOfInput() ? 1L : 0L, (long) loop.replicas(), loop.decideAtUs(),
                loop.lastArrivalUs(), loop.lastEventUs(), loop.errors(), loop.endSent() ? 1L : 0L);
        return new ReplicaSnapshot(st.replicaId(), s.policy(), longs(s.policyState()), counters, st.gapBlockMicros(),
                st.inFlight() == null ? null : PlanMapping.encode(st.inFlight(), id -> null),
                sequences(st.running(), payloadOf), sequences(st.waiting(), payloadOf), buffered, loopValues);
    }

    private static List<SequenceRecord> sequences(final List<SchedulerState.SequenceState> list, final LongFunction<ByteBuffer> payloadOf) {
        final List<SequenceRecord> out = new ArrayList<>(list.size());
        for (final SchedulerState.SequenceState q : list) {
            out.add(new SequenceRecord(ArrivalMapping.encode(q.request(), payloadOf.apply(q.request().id())), q.computed(), q.generated(),
                    q.blocksHeld(), q.preemptions(), q.queueKey(), q.admissionOrder(), q.admittedAtIteration(), q.firstTokenSeen()));
        }
        return out;
    }

    private static LogEntry entry(final Object body, final Map<Long, ByteBuffer> payloads) {
        if (body instanceof RequestArrival a) {
            return new LogEntry.Arrival(keep(a, payloads));
        } else if (body instanceof EndOfTrace e) {
            return new LogEntry.EndOfInput(e.getReplicas());
        } else if (body instanceof ReportInput r) {
            return new LogEntry.Report(ReportMapping.decode(r.getReport(), null), r.getAtUs());
        } else if (body instanceof RefusedInput) {
            return new LogEntry.Refused();
        } else if (body instanceof TickInput t) {
            return new LogEntry.Tick(t.getAtUs());
        } else if (body instanceof DecisionRecord d) {
            final List<Decision.Chunk> chunks = new ArrayList<>(d.getChunks().size());
            d.getChunks().forEach(c -> chunks.add(new Decision.Chunk(c.getRequestId(), c.getTokens())));
            final List<Decision.Preemption> pre = new ArrayList<>(d.getPreemptions().size());
            d.getPreemptions().forEach(p -> pre.add(new Decision.Preemption(p.getRequestId(), p.getDiscardOutput())));
            return new LogEntry.Decided(d.getAtUs(), new Decision(chunks, pre, d.getMaxDecodeContinuation(), d.getContinueUntilUs()),
                    array(d.getPolicyState()));
        } else if (body instanceof PolicyInstalled p) {
            return new LogEntry.PolicyInstalled(p.getPolicy());
        } else if (body instanceof ReplicaSnapshot s) {
            final List<Long> c = s.getCounters();
            final List<Long> l = s.getLoop();
            final List<Request> buffered = new ArrayList<>(s.getBuffered().size());
            s.getBuffered().forEach(a -> buffered.add(keep(a, payloads)));
            final SchedulerState st = new SchedulerState(s.getReplicaId(), c.get(0), c.get(1), c.get(2), c.get(3), c.get(4), c.get(5),
                    c.get(6) == 1, c.get(7), s.getInFlight() == null ? null : PlanMapping.decode(s.getInFlight()), c.get(8).intValue(),
                    s.getGapBlockMicros(), c.get(9), sequences(s.getRunning(), payloads), sequences(s.getWaiting(), payloads));
            final ReplicaLoop.LoopState loop = new ReplicaLoop.LoopState(buffered, l.get(0), l.get(1) == 1, l.get(2).intValue(), l.get(3),
                    l.get(4), l.get(5), l.get(6), l.get(7) == 1);
            return new LogEntry.Snapshot(st, loop, s.getPolicy(), array(s.getPolicyState()));
        }
        throw new IllegalArgumentException("unknown replica log body " + body);
    }

    private static List<SchedulerState.SequenceState> sequences(final List<SequenceRecord> list, final Map<Long, ByteBuffer> payloads) {
        final List<SchedulerState.SequenceState> out = new ArrayList<>(list.size());
        for (final SequenceRecord q : list) {
            out.add(new SchedulerState.SequenceState(keep(q.getRequest(), payloads), q.getComputed(), q.getGenerated(), q.getBlocksHeld(),
                    q.getPreemptions(), q.getQueueKey(), q.getAdmissionOrder(), q.getAdmittedAtIteration(), q.getFirstTokenSeen()));
        }
        return out;
    }

    private static Request keep(final RequestArrival a, final Map<Long, ByteBuffer> payloads) {
        if (a.getWorkerPayload() != null) {
            payloads.put(a.getRequestId(), a.getWorkerPayload());
        }
        return ArrivalMapping.decode(a);
    }

    private static List<Long> longs(final long[] values) {
        final List<Long> out = new ArrayList<>(values.length);
        for (final long v : values) {
            out.add(v);
        }
        return out;
    }

    private static long[] array(final List<Long> values) {
        final long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
