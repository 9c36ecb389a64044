package org.kvsched.core.policy.gsa;

import java.util.ArrayList;
import java.util.List;

import org.kvsched.core.policy.Decision;
import org.kvsched.core.policy.DecisionBuilder;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.SchedulerView;
import org.kvsched.core.policy.SeqView;

/**
 * {@code fcfs-restart}: the "vLLM-style" baseline of the experiments of Feng, Yang, Zhang (arXiv 2601.22996),
 * in the paper's restart model.
 *
 * <p>Rule: every running job decodes each iteration; waiting jobs are admitted in FCFS order, whole prompt,
 * while their blocks fit now, stopping at the first that does not (head-of-line blocking); when the running
 * jobs' growth does not fit, the most recently admitted running job is killed and restarts from scratch
 * ({@code discardOutput=true}: its generated tokens are lost, the paper's model), repeatedly until it fits;
 * no admission in an iteration that killed.
 *
 * <p>Departure from {@code fcfs-vllm}: no token budget and no sequence cap (the theory model has neither), and
 * restart instead of recompute-with-output-kept.
 */
public final class FcfsRestartPolicy implements Policy {

    @Override
    public String name() {
        return FcfsRestartFactory.NAME;
    }

    @Override
    public Decision decide(final SchedulerView view) {
        final DecisionBuilder batch = new DecisionBuilder(view);
        final List<SeqView> active = new ArrayList<>(view.running());
        int i = 0;
        while (i < active.size()) {
            final SeqView seq = active.get(i);
            if (!batch.addPreemptingFromEnd(seq, seq.pendingTokens(), active, true)) {
                break;
            }
            i++;
        }
        if (batch.nothingPreempted()) {
            for (final SeqView seq : view.waiting()) {
                if (!batch.tryAdd(seq, seq.pendingTokens())) {
                    break;
                }
            }
        }
        // Blocks only get scarcer while the same set decodes, so the head stays blocked until a completion.
        return batch.build(batch.nothingPreempted() ? Integer.MAX_VALUE : 0, Long.MAX_VALUE);
    }
}
