package org.kvsched.stream.mapping;

import java.util.ArrayList;
import java.util.List;

import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.PlanEntry;
import org.kvsched.core.engine.StepReport;
import org.kvsched.core.engine.StepSummary;
import org.kvsched.core.model.Request;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.schemas.avro.RequestArrival;
import org.kvsched.schemas.avro.RequestEventKind;

/**
 * The anti-corruption layer of the scheduler service: Avro records in, core types out, and back.
 * Only this package knows both type families; the processor works on core types.
 */
public final class StreamMapping {

    private StreamMapping() {
    }

    /** A request from its arrival record; throws IllegalArgumentException (with the reason) if invalid. */
    public static Request request(final RequestArrival a) {
        return new Request(a.getRequestId(), a.getArrivalUs(), a.getPromptTokens(), a.getOutputTokens());
    }

    public static StepReport report(final org.kvsched.schemas.avro.StepReport r) {
        final List<Long> ends = r.getIterationEndUs();
        final long[] times = new long[ends.size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = ends.get(i);
        }
        return new StepReport(r.getReplicaId(), r.getPlanId(), r.getStartUs(), times);
    }

    public static org.kvsched.schemas.avro.BatchPlan plan(final BatchPlan p) {
        final List<org.kvsched.schemas.avro.PlanEntry> entries = new ArrayList<>(p.entries().size());
        for (final PlanEntry e : p.entries()) {
            entries.add(new org.kvsched.schemas.avro.PlanEntry(e.requestId(), e.tokens(), e.computedBefore(), e.promptTokens(),
                    e.generatedBefore(), e.outputTokens()));
        }
        return new org.kvsched.schemas.avro.BatchPlan(p.replicaId(), p.planId(), p.startUs(), entries, p.maxDecodeContinuation(), p.stopAtUs());
    }

    public static org.kvsched.schemas.avro.RequestEvent event(final RequestEvent e) {
        return new org.kvsched.schemas.avro.RequestEvent(RequestEventKind.valueOf(e.kind().name()), e.requestId(), e.replicaId(), e.timeUs(),
                e.promptTokens(), e.outputTokens(), e.generatedTokens(), e.reason());
    }

    public static org.kvsched.schemas.avro.StepSummary summary(final StepSummary s) {
        return new org.kvsched.schemas.avro.StepSummary(s.replicaId(), s.planId(), s.startUs(), s.endUs(), s.iterations(), s.blockMicros(),
                s.peakBlocks(), s.blocksAfter(), s.capacityBlocks(), s.blockSize(), s.prefillTokens(), s.decodeTokens(), s.batchSize());
    }
}
