package org.kvsched.core.policy.baseline;

import java.util.ArrayList;
import java.util.List;

import org.kvsched.core.policy.Decision;
import org.kvsched.core.policy.DecisionBuilder;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.SchedulerView;
import org.kvsched.core.policy.SeqView;

/**
 * {@code alpha-protection} and {@code alpha-beta-clearing}: the practice benchmarks of Jaillet et al.
 * (arXiv 2502.07115 v5, experiments: "alpha-protection greedy" and "alpha-protection beta-clearing"), our
 * reading of their names and descriptions [R] (docs/policies.md).
 *
 * <p>Rule: every running request decodes each round; waiting requests are admitted in FCFS order, whole
 * prompt at once, while the memory after this round stays within {@code (1 - alpha)} of capacity
 * (the protection reserve for growth), stopping at the first that does not fit. When the running
 * requests' growth no longer fits, the policy clears: {@code alpha-protection} evicts every running
 * request, {@code alpha-beta-clearing} evicts the most recently admitted {@code ceil(beta * running)},
 * repeatedly until the rest fits; evicted requests lose their KV and are recomputed later.
 *
 * <p>Departure: the paper detects an overflow after a round has run; a real KV cache cannot exceed its
 * capacity, so here the clearing happens just before the round that would overflow. The victim rule
 * (most recently admitted) is our choice where the paper is silent [?].
 */
public final class AlphaProtectionPolicy implements Policy {

    private final String name;
    private final double alpha;
    private final double beta;

    /**
     * @param name  registry name
     * @param alpha protected fraction of KV capacity, in [0, 1)
     * @param beta  fraction of running requests cleared per overflow step, in (0, 1]; 1 clears all
     */
    public AlphaProtectionPolicy(final String name, final double alpha, final double beta) {
        this.name = name;
        this.alpha = alpha;
        this.beta = beta;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Decision decide(final SchedulerView view) {
        final DecisionBuilder batch = new DecisionBuilder(view);
        final List<SeqView> active = new ArrayList<>(view.running());

        // Growth of the running set this round; clear from the newest end until it fits.
        int growth = 0;
        for (final SeqView seq : active) {
            growth += batch.blocksNeeded(seq, seq.pendingTokens());
        }
        while (growth > batch.freeBlocks() && !active.isEmpty()) {
            final int victims = Math.max(1, (int) Math.ceil(beta * active.size()));
            for (int v = 0; v < victims && !active.isEmpty(); v++) {
                final SeqView victim = active.remove(active.size() - 1);
                growth -= batch.blocksNeeded(victim, victim.pendingTokens());
                batch.preempt(victim, false);
            }
        }
        for (final SeqView seq : active) {
            if (!batch.tryAdd(seq, seq.pendingTokens())) {
                throw new IllegalStateException(name + ": running growth does not fit after clearing");
            }
        }
        if (!batch.nothingPreempted()) {
            return batch.build(0, Long.MAX_VALUE);
        }

        // Admission under the protection threshold.
        final int limitBlocks = (int) Math.floor((1.0 - alpha) * view.capacityBlocks());
        for (final SeqView seq : view.waiting()) {
            final int used = view.capacityBlocks() - batch.freeBlocks();
            if (used + batch.blocksNeeded(seq, seq.pendingTokens()) > limitBlocks) {
                break;
            }
            batch.tryAdd(seq, seq.pendingTokens());
        }
        // Whole prompts are prefilled at once and the threshold only gets harder to meet while the
        // running set grows, so the same set decodes until a completion or an arrival.
        return batch.build(Integer.MAX_VALUE, Long.MAX_VALUE);
    }
}
