package org.kvsched.core.policy.mcsf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.kvsched.core.policy.SeqView;

/** The planning length: a request never holds more than prompt + output - 1 tokens, so that is what the clip allows. */
class PlanningTest {

    /** A running or waiting request as a policy sees it. */
    private record Seq(long id, int promptTokens, int predictedOutputTokens, int generatedTokens) implements SeqView {
        @Override
        public long arrivalUs() {
            return 0;
        }

        @Override
        public int computedTokens() {
            return generatedTokens == 0 ? 0 : promptTokens + generatedTokens - 1;
        }

        @Override
        public int pendingTokens() {
            return generatedTokens == 0 ? promptTokens : 1;
        }

        @Override
        public int blocksHeld() {
            return computedTokens();
        }

        @Override
        public int preemptions() {
            return 0;
        }

        @Override
        public long queueKey() {
            return id;
        }

        @Override
        public long admissionOrder() {
            return id;
        }

        @Override
        public long admittedAtIteration() {
            return 0;
        }
    }

    @Test
    void aRequestThatFitsExactlyIsPlannedAtItsFullPrediction() {
        // Capacity 10, prompt 4, output 7: it holds 4, 5, ..., 10 tokens during its 7 iterations (the KV of the 7th
        // token is never written), so it fits exactly. Clipping at capacity - prompt = 6 would plan it one short.
        final int capacity = 10;
        final Seq exact = new Seq(1, 4, 7, 0);
        assertEquals(7, Planning.plannedOutput(exact, capacity));
        assertEquals(7, Planning.remaining(exact, capacity));
        final FutureMemory memory = new FutureMemory(1, capacity);
        Planning.loadRunning(memory, List.of(exact), capacity);
        assertEquals(capacity, memory.peak(), "its projected peak is the whole cache, not one token less");
        // A one-token-prompt request started 5 iterations later, emitting 2 tokens, holds 1 then 2 tokens: next to 9
        // at tau 5 it fits, next to 10 at tau 6 it does not. Planned one short, tau 6 would look empty.
        assertFalse(memory.fitsShifted(1, 2, 5));
        assertTrue(memory.fitsShifted(1, 1, 5));
    }

    @Test
    void predictionsBeyondWhatCouldFitAreClippedToPromptPlusOutputMinusOne() {
        final int capacity = 10;
        // Prompt 4 can grow to output 7 at most (peak 4 + 7 - 1 = 10).
        assertEquals(7, Planning.plannedOutput(new Seq(1, 4, 100, 0), capacity));
        // Unknown prediction: planned at the clip.
        assertEquals(7, Planning.plannedOutput(new Seq(2, 4, -1, 0), capacity));
        // Outliving a short prediction doubles the plan up to the clip, never past it.
        assertEquals(7, Planning.plannedOutput(new Seq(3, 4, 3, 6), capacity));
        assertEquals(1, Planning.remaining(new Seq(3, 4, 3, 6), capacity));
        // A prompt that fills the cache alone can still emit one token (peak = prompt).
        assertEquals(1, Planning.plannedOutput(new Seq(4, 10, 5, 0), capacity));
    }

    @Test
    void theExactFitIsTheLargestOutputWhosePeakStaysWithinTheCache() {
        final int capacity = 12;
        for (int prompt = 1; prompt <= capacity; prompt++) {
            final int planned = Planning.plannedOutput(new Seq(prompt, prompt, 1_000, 0), capacity);
            final FutureMemory memory = new FutureMemory(1, capacity);
            Planning.loadRunning(memory, List.of(new Seq(prompt, prompt, 1_000, 0)), capacity);
            assertEquals(capacity, memory.peak(), "prompt " + prompt + ": planned " + planned);
            assertEquals(capacity - prompt + 1, planned);
        }
    }
}
