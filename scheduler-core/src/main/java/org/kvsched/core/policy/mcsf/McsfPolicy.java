package org.kvsched.core.policy.mcsf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.kvsched.core.policy.Decision;
import org.kvsched.core.policy.DecisionBuilder;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.SchedulerView;
import org.kvsched.core.policy.SeqView;

/**
 * {@code mcsf} (Memory-Constrained Shortest First) and {@code mc-benchmark} of Jaillet, Jiang, Mellou,
 * Molinaro, Podimata, Zhou, "Online Scheduling for LLM Inference with KV Cache Constraints", arXiv
 * 2502.07115 (section "MC-SF", and the MC-Benchmark of its experiments; docs/mcsf-fidelity.md).
 *
 * <p>Rule: every running request stays in the batch; waiting requests are considered in ascending order
 * of predicted (remaining) output length for {@code mcsf}, or FCFS for {@code mc-benchmark}, and the
 * longest prefix is admitted for which the projected memory of the whole batch stays within the limit at
 * every future iteration up to the batch's predicted completions (Eq. (5), checked at the predicted
 * completion iterations, where the maxima lie). Whole pending tokens are processed at once, so the
 * policy re-decides only at arrivals and completions; see {@link Planning#continuation} for the exact
 * continuation.
 *
 * <p>Exactness: memory is projected in blocks as the mechanism counts it ({@link FutureMemory}): a
 * request holds {@code blocksFor(prompt + generated)} during the iteration that emits its next token,
 * so its peak is {@code blocksFor(prompt + output - 1)}, one token below the paper's {@code s + o}
 * (the mechanism never stores the KV of the final token). With the {@code unit} model and block size 1
 * this is the paper's model with every prompt one token shorter.
 *
 * <p>Departures and choices [R]:
 * <ul>
 *   <li>Tie-break among equal predictions: FCFS (queue key, then id) [?].</li>
 *   <li>{@code reserve}: a fraction of the capacity held back at admission (the paper's "protection 0.1"
 *       in its prediction-error study, A.11): the check uses {@code floor((1 - reserve) * capacity)}.</li>
 *   <li>Imperfect predictions (the theory assumes none): a request outliving its prediction gets its plan
 *       doubled, and if the running set's next iteration does not fit, the newest admitted are preempted
 *       (recompute); see {@link Planning}. Predictions above what the cache could hold are clipped.</li>
 *   <li>Liveness: if the batch is empty and the first waiting request fails the check (its predicted peak
 *       exceeds the reserved limit), it is admitted anyway: it fits in the real cache, which is empty.</li>
 *   <li>In-progress requests are kept, as in the paper; admission stops at the first misfit (prefix rule).</li>
 * </ul>
 *
 * <p>Cost per decision: O(B log B + P * blockSize) to project the B running requests over their P distinct
 * completion points, then O(P + B) per examined candidate; candidates stop at the first misfit, so the cost
 * does not grow with the waiting queue (O(M^2) blocks in the worst case, as the paper states).
 */
public final class McsfPolicy implements Policy {

    private final String name;
    private final boolean shortestFirst;
    private final double reserve;
    private final int capacityTokens;
    private final Comparator<SeqView> order;

    /**
     * @param name           registry name
     * @param shortestFirst  true for MC-SF (shortest predicted output first), false for MC-Benchmark (FCFS)
     * @param reserve        fraction of KV capacity held back at admission, [0, 1)
     * @param capacityTokens KV capacity of the replica, tokens (clips predictions)
     */
    public McsfPolicy(final String name, final boolean shortestFirst, final double reserve, final int capacityTokens) {
        assert reserve >= 0 && reserve < 1 : "reserve " + reserve + " (McsfFactory checks the range)";
        this.name = name;
        this.shortestFirst = shortestFirst;
        this.reserve = reserve;
        this.capacityTokens = capacityTokens;
        this.order = shortestFirst ? Planning.shortestRemainingFirst(capacityTokens) : SeqView.FCFS;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Comparator<SeqView> waitingOrder() {
        return order;
    }

    /** True for MC-SF, false for MC-Benchmark. */
    public boolean shortestFirst() {
        return shortestFirst;
    }

    @Override
    public Decision decide(final SchedulerView view) {
        final DecisionBuilder batch = new DecisionBuilder(view);
        final List<SeqView> running = new ArrayList<>(view.running());
        if (!Planning.keepRunning(batch, running)) {
            return batch.build(0, Long.MAX_VALUE);
        }
        final FutureMemory memory = new FutureMemory(view.blockSize(), Planning.limitBlocks(view, reserve));
        Planning.loadRunning(memory, running, capacityTokens);

        SeqView head = null;
        for (final SeqView seq : view.waiting()) {
            final long base = Planning.base(seq);
            final int r = Planning.remaining(seq, capacityTokens);
            final boolean fits = memory.fits(base, r) || memory.members() == 0;
            if (!fits || !batch.tryAdd(seq, seq.pendingTokens())) {
                head = seq;
                break;
            }
            memory.add(base, r);
        }
        return batch.build(Planning.continuation(memory, head, capacityTokens), Long.MAX_VALUE);
    }
}
