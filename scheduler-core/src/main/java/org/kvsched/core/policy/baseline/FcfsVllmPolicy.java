package org.kvsched.core.policy.baseline;

import java.util.ArrayList;
import java.util.List;

import org.kvsched.core.policy.Decision;
import org.kvsched.core.policy.DecisionBuilder;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.SchedulerView;
import org.kvsched.core.policy.SeqView;

/**
 * {@code fcfs-vllm}: a model of the vLLM V1 scheduler ({@code vllm/v1/core/sched/scheduler.py}, read at commit
 * 00024d3; docs/policies.md).
 *
 * <p>Rule: every step first serves the running requests, oldest admission first, each catching up its
 * pending tokens within a shared token budget (chunked prefill); when KV blocks run out it preempts the
 * most recently admitted running request (recompute later, placed at the head of the queue). Only if
 * nothing was preempted does it admit waiting requests in FCFS order while budget, the sequence cap and
 * blocks last, stopping at the first one that does not fit (head-of-line blocking).
 *
 * <p>Departures from vLLM: no prefix caching (traces carry no token ids); no {@code max_model_len}
 * check (the workload is truncated to the model context instead); allocation is exact to the block,
 * with no watermark by default, as in V1. The optional {@code watermark} (a fraction of all blocks that an
 * admission must leave free, as vLLM V0's {@code watermark}) is for kvsched in front of a server: there a
 * decision comes every round trip rather than every iteration, so a request preempted for lack of blocks
 * would be admitted again at the next decision (its blocks are free until the others' decodes take them)
 * and preempted again; the headroom stops that ping-pong (docs/vllm-adapter.md, "Accuracy").
 */
public final class FcfsVllmPolicy implements Policy {

    private final int maxBatchedTokens;
    private final int maxNumSeqs;
    private final double watermarkFraction;

    /**
     * @param maxBatchedTokens  token budget per iteration ({@code max_num_batched_tokens}: 8192 offline, 2048 server)
     * @param maxNumSeqs        cap on running requests ({@code max_num_seqs})
     * @param watermarkFraction fraction of all KV blocks an admission must leave free, in [0, 1) (0: as vLLM V1)
     */
    public FcfsVllmPolicy(final int maxBatchedTokens, final int maxNumSeqs, final double watermarkFraction) {
        this.maxBatchedTokens = maxBatchedTokens;
        this.maxNumSeqs = maxNumSeqs;
        this.watermarkFraction = watermarkFraction;
    }

    /** vLLM V1's rule: no watermark. */
    public FcfsVllmPolicy(final int maxBatchedTokens, final int maxNumSeqs) {
        this(maxBatchedTokens, maxNumSeqs, 0);
    }

    @Override
    public String name() {
        return FcfsVllmFactory.NAME;
    }

    @Override
    public Decision decide(final SchedulerView view) {
        final DecisionBuilder batch = new DecisionBuilder(view);
        int budget = maxBatchedTokens;
        final List<SeqView> active = new ArrayList<>(view.running());
        boolean allRunningScheduled = true;
        boolean partialChunk = false;

        // First, the running requests.
        int i = 0;
        while (i < active.size()) {
            if (budget <= 0) {
                allRunningScheduled = false;
                break;
            }
            final SeqView seq = active.get(i);
            final int tokens = Math.min(seq.pendingTokens(), budget);
            if (!batch.addPreemptingFromEnd(seq, tokens, active, false)) {
                break;
            }
            budget -= tokens;
            partialChunk |= tokens < seq.pendingTokens();
            i++;
        }

        // Next, the waiting requests, only if this step preempted nothing.
        boolean admissionStoppedByBudget = false;
        if (batch.nothingPreempted()) {
            final int watermark = Watermark.blocks(watermarkFraction, view);
            int runningCount = active.size();
            for (final SeqView seq : view.waiting()) {
                if (runningCount >= maxNumSeqs) {
                    break;
                }
                if (budget <= 0) {
                    admissionStoppedByBudget = true;
                    break;
                }
                final int tokens = Math.min(seq.pendingTokens(), budget);
                if (!batch.tryAdd(seq, tokens, watermark)) {
                    break;
                }
                budget -= tokens;
                partialChunk |= tokens < seq.pendingTokens();
                runningCount++;
            }
        }

        // Were we asked again after this iteration with no arrival and no completion, we would answer
        // "decode the same set" exactly when everything scheduled finishes its prompt now, nobody was
        // left out for lack of budget, and nothing was preempted (blocks only get scarcer while decoding).
        final boolean steady = batch.nothingPreempted() && allRunningScheduled && !partialChunk && !admissionStoppedByBudget;
        return batch.build(steady ? Integer.MAX_VALUE : 0, Long.MAX_VALUE);
    }
}
