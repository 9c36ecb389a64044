package org.kvsched.core.policy.mcsf;

import java.util.Comparator;
import java.util.List;

import org.kvsched.core.policy.DecisionBuilder;
import org.kvsched.core.policy.SchedulerView;
import org.kvsched.core.policy.SeqView;

/**
 * What the future-memory policies ({@code mcsf}, {@code mc-benchmark}, {@code sorted-f}) share: the
 * planning length of a request, the "keep every running request, evict only when the next iteration
 * does not fit" rule, and the honest continuation bound.
 *
 * <p><b>Planning length</b> (tokens). A request's planned total output is its prediction clipped to
 * {@code capacityTokens - prompt + 1}: a request never holds more than {@code prompt + output - 1} tokens
 * (the KV of its last sampled token is never written), so that is the longest output that fits, filling the
 * cache exactly at its last iteration; with no prediction ({@code -1}) it is that clip. A request that has generated
 * as many tokens as planned without finishing has <em>outlived its prediction</em>: its plan is doubled
 * ({@code p, 2p, 4p, ...}, clipped as above) until it exceeds the tokens generated so far. The rule is
 * a pure function of (prediction, generated, prompt), so the view alone determines it.
 *
 * <p><b>Overflow</b>. With exact predictions admission keeps the projected memory within the limit, so
 * no running request is ever interrupted. When extensions (or an admission forced for liveness) make the
 * running set outgrow the cache, the next iteration is checked against the blocks actually free: if the
 * running requests' next tokens do not fit, the most recently admitted running requests are preempted
 * (recompute: their output is kept and re-prefilled later, vLLM style) until the rest fits, and nothing
 * is admitted in that decision. KV therefore never overflows, whatever the predictions.
 */
final class Planning {

    /** Upper bound on the iterations the continuation search looks ahead. */
    static final int MAX_LOOKAHEAD = 4096;
    /** Upper bound on the work (candidate-point evaluations) of the continuation search per decision. */
    static final long LOOKAHEAD_WORK = 1L << 17;

    private Planning() {
    }

    /** Known tokens: prompt plus the output so far (what the request's KV will cover after its next chunk). */
    static long base(final SeqView s) {
        return (long) s.promptTokens() + s.generatedTokens();
    }

    /** Planned total output tokens under the clip-and-double rule above; always &gt; generated. */
    static int plannedOutput(final SeqView s, final int capacityTokens) {
        // The longest output whose peak, prompt + output - 1 tokens, stays within the capacity.
        final int cap = Math.max(1, capacityTokens - s.promptTokens() + 1);
        long p = s.predictedOutputTokens() >= 1 ? Math.min(s.predictedOutputTokens(), cap) : cap;
        final int generated = s.generatedTokens();
        while (p <= generated && p < cap) {
            p = Math.min(cap, p * 2);
        }
        // cap > generated holds for any request the mechanism accepted; keep >= generated + 1 regardless.
        return (int) Math.max(p, generated + 1L);
    }

    /** Planned remaining output tokens, &gt;= 1. */
    static int remaining(final SeqView s, final int capacityTokens) {
        return plannedOutput(s, capacityTokens) - s.generatedTokens();
    }

    /** Waiting order by planned remaining output (shortest first), then FCFS. Keys are fixed while waiting. */
    static Comparator<SeqView> shortestRemainingFirst(final int capacityTokens) {
        return Comparator.<SeqView>comparingInt(s -> remaining(s, capacityTokens)).thenComparing(SeqView.FCFS);
    }

    /** The admission limit in blocks for a reserve fraction of the capacity. */
    static long limitBlocks(final SchedulerView view, final double reserve) {
        return (long) Math.floor((1.0 - reserve) * view.capacityBlocks() + 1e-9);
    }

    /**
     * Gives every running request its pending tokens; if the blocks run out, preempts the most recently
     * admitted (recompute) until the rest fits.
     *
     * @param running the running requests, oldest admission first (a copy the method may shrink)
     * @return true if nothing was preempted
     */
    static boolean keepRunning(final DecisionBuilder batch, final List<SeqView> running) {
        batch.addAllPreemptingFromEnd(running, false);
        return batch.nothingPreempted();
    }

    /** Loads the running requests into a projection. */
    static void loadRunning(final FutureMemory memory, final List<SeqView> running, final int capacityTokens) {
        final int n = running.size();
        final long[] base = new long[n];
        final int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            base[i] = base(running.get(i));
            r[i] = remaining(running.get(i), capacityTokens);
        }
        memory.load(base, r, n);
    }

    /**
     * The continuation the decision may allow when, asked again after each further iteration (no arrival,
     * no completion), the policy would try {@code head} first and admit nothing unless it fits.
     *
     * <p>After m more iterations every member has decoded m more tokens, so its footprint is fixed in
     * absolute iterations and the next decision's test equals {@code fitsShifted(head, m)}. The answer is
     * the number of consecutive m = 1, 2, ... for which the head still does not fit, bounded by the first
     * predicted completion (beyond it a member may have outlived its prediction, which changes its plan)
     * and by a work budget; stopping early is always correct, only slower.
     *
     * @param head the first waiting request the next decision would try; null if none
     * @return iterations of continuation, &gt;= 0
     */
    static int continuation(final FutureMemory memory, final SeqView head, final int capacityTokens) {
        if (head == null) {
            // Nothing left to admit: until an arrival or a completion, every decision decodes the same set.
            return Integer.MAX_VALUE;
        }
        if (memory.members() == 0) {
            return 0;
        }
        final long base = base(head);
        final int r = remaining(head, capacityTokens);
        final int bound = Math.min(memory.firstCompletion(), MAX_LOOKAHEAD);
        final long costPerStep = 2L + 2L * memory.members();
        long work = 0;
        for (int m = 1; m <= bound; m++) {
            if (memory.fitsShifted(base, r, m)) {
                return m - 1;
            }
            work += costPerStep;
            if (work > LOOKAHEAD_WORK) {
                return m;
            }
        }
        return bound;
    }
}
