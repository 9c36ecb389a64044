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
 * {@code sarathi}: Sarathi-Serve's stall-free batching as Vidur implements it
 * (Agrawal et al., Sarathi-Serve, arXiv 2403.02310; Vidur's {@code sarathi_replica_scheduler.py}; docs/policies.md).
 *
 * <p>Rule: a token budget (the chunk size, 512) caps each iteration. Running decodes go first (one token
 * each; a decode short of a block restarts the latest-arrived running request), then ongoing partial
 * prefills get what budget is left, then new requests in FCFS order while the sequence cap holds and
 * blocks for their whole prompt fit above a 1% watermark; each gets min(prompt, budget left).
 *
 * <p>Departure: Sarathi allocates the whole prompt's blocks at admission; here blocks are allocated chunk
 * by chunk, and the blocks a partial prefill will still need are kept out of reach of decodes and
 * admissions instead, which is the same feasibility with lazy accounting.
 */
public final class SarathiPolicy implements Policy {

    private static final Comparator<SeqView> BY_ARRIVAL =
            Comparator.comparingLong(SeqView::arrivalUs).thenComparingLong(SeqView::id);

    private final int chunkSize;
    private final int maxNumSeqs;
    private final double watermarkFraction;

    /**
     * @param chunkSize         token budget per iteration, decodes included (512)
     * @param maxNumSeqs        cap on running requests (128)
     * @param watermarkFraction fraction of all blocks kept free at admission (0.01)
     */
    public SarathiPolicy(final int chunkSize, final int maxNumSeqs, final double watermarkFraction) {
        this.chunkSize = chunkSize;
        this.maxNumSeqs = maxNumSeqs;
        this.watermarkFraction = watermarkFraction;
    }

    @Override
    public String name() {
        return SarathiFactory.NAME;
    }

    @Override
    public Decision decide(final SchedulerView view) {
        final DecisionBuilder batch = new DecisionBuilder(view);
        final int watermark = Watermark.blocks(watermarkFraction, view);
        int budget = chunkSize;

        final List<SeqView> active = new ArrayList<>(view.running());
        active.sort(BY_ARRIVAL);
        final List<SeqView> prefilling = new ArrayList<>();
        int reserved = 0;
        for (final SeqView seq : active) {
            if (!seq.isDecoding()) {
                prefilling.add(seq);
                reserved += view.blocksFor((long) seq.computedTokens() + seq.pendingTokens()) - seq.blocksHeld();
            }
        }

        // 1. Decodes, with the blocks promised to partial prefills out of reach.
        boolean allScheduled = true;
        int i = 0;
        while (i < active.size()) {
            final SeqView seq = active.get(i);
            if (!seq.isDecoding()) {
                i++;
                continue;
            }
            if (budget <= 0) {
                allScheduled = false;
                break;
            }
            if (batch.tryAdd(seq, 1, reserved)) {
                budget -= 1;
                i++;
                continue;
            }
            final SeqView victim = active.remove(active.size() - 1);
            if (!victim.isDecoding()) {
                prefilling.remove(victim);
                reserved -= view.blocksFor((long) victim.computedTokens() + victim.pendingTokens()) - victim.blocksHeld();
            }
            batch.preempt(victim, false);
            if (victim == seq) {
                break;
            }
        }

        // 2. Partial prefills (their blocks are reserved).
        boolean partial = false;
        for (final SeqView seq : prefilling) {
            if (budget <= 0) {
                allScheduled = false;
                partial = true;
                break;
            }
            final int tokens = Math.min(seq.pendingTokens(), budget);
            final int need = batch.blocksNeeded(seq, tokens);
            reserved -= need;
            if (!batch.tryAdd(seq, tokens, reserved)) {
                throw new IllegalStateException("sarathi: reserved blocks of request " + seq.id() + " are missing");
            }
            budget -= tokens;
            partial |= tokens < seq.pendingTokens();
        }

        // 3. New requests, FCFS, whole-prompt blocks above the watermark.
        boolean stoppedByBudget = false;
        if (batch.nothingPreempted()) {
            int running = active.size();
            for (final SeqView seq : view.waiting()) {
                if (running >= maxNumSeqs) {
                    break;
                }
                if (budget <= 0) {
                    stoppedByBudget = true;
                    break;
                }
                final int wholeBlocks = batch.blocksNeeded(seq, seq.pendingTokens());
                if (wholeBlocks > batch.freeBlocks() - reserved - watermark) {
                    break;
                }
                final int tokens = Math.min(seq.pendingTokens(), budget);
                final int rest = wholeBlocks - batch.blocksNeeded(seq, tokens);
                batch.tryAdd(seq, tokens, 0);
                reserved += rest;
                budget -= tokens;
                partial |= tokens < seq.pendingTokens();
                running++;
            }
        }
        final boolean steady = batch.nothingPreempted() && allScheduled && !partial && !stoppedByBudget;
        return batch.build(steady ? Integer.MAX_VALUE : 0, Long.MAX_VALUE);
    }
}
