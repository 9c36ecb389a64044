package org.kvsched.metrics.mapping;

import org.kvsched.core.engine.StepSummary;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;

/** Avro request events and step summaries to the core types the metrics code consumes. */
public final class SinkMapping {

    private SinkMapping() {
    }

    public static RequestEvent event(final org.kvsched.schemas.avro.RequestEvent e) {
        return new RequestEvent(RequestEventKind.valueOf(e.getKind().name()), e.getRequestId(), e.getReplicaId(), e.getTimeUs(),
                e.getPromptTokens(), e.getMaxTokens(), e.getGeneratedTokens(), e.getReason());
    }

    public static StepSummary summary(final org.kvsched.schemas.avro.StepSummary s) {
        return new StepSummary(s.getReplicaId(), s.getPlanId(), s.getStartUs(), s.getEndUs(), s.getIterations(), s.getBlockMicros(),
                s.getPeakBlocks(), s.getBlocksAfter(), s.getCapacityBlocks(), s.getBlockSize(), s.getPrefillTokens(),
                s.getDecodeTokens(), s.getBatchSize());
    }
}
