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
 * (Agrawal et al., Vidur, arXiv 2405.05465; the baseline "vLLM" of Ao et al., arXiv 2504.11320, section 5;
 * rule-by-rule comparison with Vidur's code in docs/wait-fidelity.md section 3).
 *
 * <p>Rule: if requests wait, build a prefill-only batch from the head of the queue while the whole
 * pending prompt of each fits above a watermark of free blocks, the padded token count (batch length
 * times the longest prompt) stays within a limit, and the number of running requests stays under a cap.
 * Otherwise decode every running request, oldest arrival first; each decode needs at least one free block
 * before it is scheduled (vLLM V0's {@code can_append_slots}, Vidur's "vllm requires at least one block to
 * be available"), whether or not it crosses a block boundary, and takes a new block when it does; a decode
 * that finds none restarts (recompute) the latest-arrived running request, or itself when it is the last.
 *
 * <p>Departure from Vidur: a single prompt longer than the padded limit is admitted alone rather than
 * blocking the queue for ever (vLLM would reject it at the API instead).
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
        return VllmV0Factory.NAME;
    }

    @Override
    public Decision decide(final SchedulerView view) {
        final DecisionBuilder batch = new DecisionBuilder(view);
        final int watermark = Watermark.blocks(watermarkFraction, view);

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

        // Decode path: every running request, oldest arrival first; victims from the newest end. Each decode
        // needs a free block before it is scheduled, even when it does not take one.
        final List<SeqView> active = new ArrayList<>(view.running());
        active.sort(BY_ARRIVAL);
        for (int i = 0; i < active.size(); i++) {
            final SeqView seq = active.get(i);
            boolean kept = true;
            while (batch.freeBlocks() < 1 || !batch.tryAdd(seq, seq.pendingTokens())) {
                final SeqView victim = active.remove(active.size() - 1);
                batch.preempt(victim, false);
                if (victim == seq) {
                    kept = false;
                    break;
                }
            }
            if (!kept) {
                break;
            }
        }
        // A preemption puts a request at the head that the next step may admit: ask again. Otherwise the same
        // decode set repeats until an arrival or a completion (both end the continuation), or until an iteration
        // would start with fewer free blocks than the rule above needs.
        if (!batch.nothingPreempted()) {
            return batch.build(0, Long.MAX_VALUE);
        }
        if (active.isEmpty()) {
            return batch.build(Integer.MAX_VALUE, Long.MAX_VALUE);
        }
        return batch.build(decodeIterationsWithAFreeBlock(active, batch.freeBlocks(), view.blockSize()), Long.MAX_VALUE);
    }

    /** Upper bound on the iterations {@link #decodeIterationsWithAFreeBlock} looks ahead (stopping early is safe). */
    static final int MAX_LOOKAHEAD = 4096;

    /**
     * Pure-decode iterations after the explicit one in which every decode still finds a free block: iteration
     * m (1-based) is allowed when the blocks free before it, minus the blocks its decodes take, leave at least
     * one (a sufficient condition for the per-decode rule in any order). A request holding c tokens after the
     * explicit iteration takes a block at iteration m when token c + m starts a block, i.e. (c + m - 1) is a
     * multiple of the block size.
     *
     * @param decoding   the requests decoding in the explicit iteration (each holds computed + 1 tokens after it)
     * @param freeBlocks blocks free after the explicit iteration
     * @param blockSize  tokens per block
     * @return iterations, 0 .. {@link #MAX_LOOKAHEAD}
     */
    static int decodeIterationsWithAFreeBlock(final List<SeqView> decoding, final int freeBlocks, final int blockSize) {
        if (freeBlocks > (long) decoding.size() * (MAX_LOOKAHEAD / blockSize + 1)) {
            return MAX_LOOKAHEAD; // not even every decode taking a block every blockSize iterations runs out
        }
        final int[] byResidue = new int[blockSize];
        for (final SeqView seq : decoding) {
            byResidue[(int) (((long) seq.computedTokens() + seq.pendingTokens()) % blockSize)]++;
        }
        long free = freeBlocks;
        for (int m = 1; m <= MAX_LOOKAHEAD; m++) {
            // Requests whose residue r satisfies (r + m - 1) % blockSize == 0 take a block at iteration m.
            final int r = Math.floorMod(1 - m, blockSize);
            free -= byResidue[r];
            if (free < 1) {
                return m - 1;
            }
        }
        return MAX_LOOKAHEAD;
    }
}
