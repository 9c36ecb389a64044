package org.kvsched.core.policy.baseline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.kvsched.core.policy.Decision;
import org.kvsched.core.policy.DecisionBuilder;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.SchedulerView;
import org.kvsched.core.policy.SeqView;

/**
 * {@code vllm-v0}: Vidur's {@code vllm} replica scheduler, a model of vLLM V0 without chunked prefill
 * (research/vidur-vllm-traces.md A.5 and C.2).
 *
 * <p>Rule: if requests wait, build a prefill-only batch from the head of the queue while the whole
 * pending prompt of each fits above a watermark of free blocks, the padded token count (batch length
 * times the longest prompt) stays within a limit, and the number of running requests stays under a cap.
 * Otherwise decode every running request, oldest arrival first; a decode that needs a block when none is
 * free restarts (recompute) the latest-arrived running request, or itself when it is the last.
 *
 * <p>Departures from Vidur: a decode asks for a block only when it crosses a block boundary (Vidur checks
 * for one free block at every decode); a single prompt longer than the padded limit is admitted alone
 * rather than blocking the queue for ever (vLLM would reject it at the API instead).
 */
public final class VllmV0Policy implements Policy {

    private static final Comparator<SeqView> BY_ARRIVAL =
            Comparator.comparingLong(SeqView::arrivalUs).thenComparingLong(SeqView::id);

    private final int batchSizeCap;
    private final int maxPaddedTokens;
    private final double watermarkFraction;

    /**
     * @param batchSizeCap      cap on running requests (Vidur 128)
     * @param maxPaddedTokens   limit on batch length x longest prompt in a prefill batch, tokens (4096)
     * @param watermarkFraction fraction of all blocks kept free at admission (0.01)
     */
    public VllmV0Policy(final int batchSizeCap, final int maxPaddedTokens, final double watermarkFraction) {
        this.batchSizeCap = batchSizeCap;
        this.maxPaddedTokens = maxPaddedTokens;
        this.watermarkFraction = watermarkFraction;
    }

    @Override
    public String name() {
        return "vllm-v0";
    }

    @Override
    public Decision decide(final SchedulerView view) {
        final DecisionBuilder batch = new DecisionBuilder(view);
        final int watermark = (int) (watermarkFraction * view.capacityBlocks());

        // Prefill path.
        int allocated = view.running().size();
        int longest = 0;
        for (final SeqView seq : view.waiting()) {
            if (allocated >= batchSizeCap) {
                break;
            }
            final int tokens = seq.pendingTokens();
            final int padded = (batch.batchSize() + 1) * Math.max(longest, tokens);
            if (padded > maxPaddedTokens && batch.batchSize() > 0) {
                break;
            }
            if (!batch.tryAdd(seq, tokens, watermark)) {
                break;
            }
            longest = Math.max(longest, tokens);
            allocated++;
        }
        if (batch.batchSize() > 0) {
            return batch.build(0, Long.MAX_VALUE);
        }

        // Decode path: every running request, oldest arrival first; victims from the newest end.
        final List<SeqView> active = new ArrayList<>(view.running());
        active.sort(BY_ARRIVAL);
        batch.addAllPreemptingFromEnd(active, false);
        // Decoding only makes blocks scarcer, so nothing waiting becomes admissible until a completion
        // or an arrival; a preemption, though, puts a request at the head that the next step may admit.
        return batch.build(batch.nothingPreempted() ? Integer.MAX_VALUE : 0, Long.MAX_VALUE);
    }
}
