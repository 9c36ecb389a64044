package org.kvsched.pipeline.mapping;

import org.kvsched.core.engine.StepSummary;

/** Per-plan step summaries, both directions: the scheduler encodes them, the metrics sink decodes them. */
public final class SummaryMapping {

    private SummaryMapping() {
    }

    public static org.kvsched.schemas.avro.StepSummary encode(final StepSummary s) {
        return new org.kvsched.schemas.avro.StepSummary(s.replicaId(), s.planId(), s.startUs(), s.endUs(), s.iterations(), s.blockMicros(),
                s.peakBlocks(), s.blocksAfter(), s.capacityBlocks(), s.blockSize(), s.prefillTokens(), s.decodeTokens(), s.batchSize());
    }

    public static StepSummary decode(final org.kvsched.schemas.avro.StepSummary s) {
        return new StepSummary(s.getReplicaId(), s.getPlanId(), s.getStartUs(), s.getEndUs(), s.getIterations(), s.getBlockMicros(),
                s.getPeakBlocks(), s.getBlocksAfter(), s.getCapacityBlocks(), s.getBlockSize(), s.getPrefillTokens(),
                s.getDecodeTokens(), s.getBatchSize());
    }
}
