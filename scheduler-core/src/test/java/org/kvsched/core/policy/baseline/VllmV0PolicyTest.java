package org.kvsched.core.policy.baseline;

import org.kvsched.core.testing.ScenarioDriver;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kvsched.core.model.RequestEventKind;

class VllmV0PolicyTest {

    @Test
    void prefillsAreNeverMixedWithDecodes() {
        final ScenarioDriver d = new ScenarioDriver(new VllmV0Policy(128, 4096, 0.0), 10_000, 16);
        d.arrive(0, 100, 10);
        assertEquals(Map.of(0L, 100), d.step());
        d.arrive(1, 50, 10);
        assertEquals(Map.of(1L, 50), d.step(), "a waiting request that fits makes a prefill-only batch");
        assertEquals(Map.of(0L, 1, 1L, 1), d.step());
    }

    @Test
    void paddedTokenLimitBoundsThePrefillBatch() {
        final ScenarioDriver d = new ScenarioDriver(new VllmV0Policy(128, 1000, 0.0), 10_000, 16);
        d.arrive(0, 300, 5).arrive(1, 400, 5).arrive(2, 100, 5);
        // 2 x 400 = 800 fits, 3 x 400 = 1200 does not.
        assertEquals(Map.of(0L, 300, 1L, 400), d.step());
    }

    @Test
    void watermarkKeepsBlocksFreeAtAdmission() {
        // 100 blocks of 1 token; watermark 10% = 10 blocks; a 95-token prompt does not fit above it.
        final ScenarioDriver d = new ScenarioDriver(new VllmV0Policy(128, 4096, 0.1), 100, 1);
        d.arrive(0, 95, 2).arrive(1, 80, 2);
        assertEquals(Map.of(), d.step());
        final ScenarioDriver e = new ScenarioDriver(new VllmV0Policy(128, 4096, 0.1), 100, 1);
        e.arrive(1, 80, 2);
        assertEquals(Map.of(1L, 80), e.step());
    }

    @Test
    void decodeShortageRestartsTheLatestArrival() {
        final ScenarioDriver d = new ScenarioDriver(new VllmV0Policy(128, 4096, 0.0), 16, 4);
        d.arrive(0, 8, 8).arrive(1, 8, 8);
        d.step();
        assertEquals(Map.of(0L, 1), d.step());
        assertEquals(1, d.count(RequestEventKind.PREEMPTED));
    }

    /**
     * Vidur's vllm (and vLLM V0's can_append_slots) needs a free block before every decode, even one that stays
     * inside its block: 3 blocks of 4 tokens, prompts of 5 and 3 tokens fill all 3; the next decodes (tokens 6
     * and 4) take no new block, but with none free the latest arrival is restarted.
     */
    @Test
    void everyDecodeNeedsAFreeBlockEvenInsideItsBlock() {
        final ScenarioDriver d = new ScenarioDriver(new VllmV0Policy(128, 4096, 0.0), 12, 4);
        d.arrive(0, 5, 3).arrive(1, 3, 3);
        assertEquals(Map.of(0L, 5, 1L, 3), d.step());
        assertEquals(Map.of(0L, 1), d.step());
        assertEquals(1, d.count(RequestEventKind.PREEMPTED));
    }

    /** The continuation ends before an iteration would start with fewer free blocks than its decodes need. */
    @Test
    void continuationStopsBeforeTheFreeBlocksRunOut() {
        // 2 decodes holding 4 tokens each after the explicit iteration, 4-token blocks, 2 blocks free: iteration 1
        // takes 2 blocks (tokens 5 start a block) and leaves 0, so no continuation.
        final java.util.List<org.kvsched.core.policy.SeqView> two = java.util.List.of(seq(3), seq(3));
        assertEquals(0, VllmV0Policy.decodeIterationsWithAFreeBlock(two, 2, 4));
        // 3 free: iteration 1 leaves 1; iterations 2-4 take nothing; iteration 5 takes 2.
        assertEquals(4, VllmV0Policy.decodeIterationsWithAFreeBlock(two, 3, 4));
        // Plenty of blocks: the lookahead bound.
        assertEquals(VllmV0Policy.MAX_LOOKAHEAD, VllmV0Policy.decodeIterationsWithAFreeBlock(two, 100_000, 4));
    }

    /** A decoding request with {@code computed} tokens in the cache and one pending. */
    private static org.kvsched.core.policy.SeqView seq(final int computed) {
        return new org.kvsched.core.policy.SeqView() {
            @Override public long id() { return computed; }
            @Override public long arrivalUs() { return 0; }
            @Override public int promptTokens() { return 1; }
            @Override public int predictedOutputTokens() { return -1; }
            @Override public int generatedTokens() { return computed; }
            @Override public int computedTokens() { return computed; }
            @Override public int pendingTokens() { return 1; }
            @Override public int blocksHeld() { return 1; }
            @Override public int preemptions() { return 0; }
            @Override public long queueKey() { return 0; }
            @Override public long admissionOrder() { return 0; }
            @Override public long admittedAtIteration() { return 0; }
        };
    }
}
