package org.kvsched.core.policy.mcsf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.kvsched.core.policy.Decision;
import org.kvsched.core.policy.DecisionBuilder;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.SchedulerView;
import org.kvsched.core.policy.SeqView;

/**
 * {@code sorted-f}: Wang, Ye, Zhou, "LLM Serving Optimization with Variable Prefill and Decode Lengths",
 * arXiv 2508.06133 (Sorted-F; the paper's setting is offline: a backlog arriving together, total latency).
 *
 * <p>Rule: the waiting requests are partitioned into memory-feasible batches, each chosen to minimise
 * F(X) = (sum of predicted outputs of X) / |X|^2 (Smith's rule for a batch seen as one job of length
 * mean(o) and weight |X|), and the batches are executed in ascending F; running requests are never
 * interrupted. Online, the plan is made over the current backlog at every decision (the paper's
 * receding-horizon use) and executed as memory allows: the members of the first batch start, in scan
 * order, as soon as the future-memory check ({@link FutureMemory}, Eq. (5) of Jaillet et al., arXiv
 * 2502.07115) admits them next to the running requests, and the next batch is formed once one is fully
 * admitted. Requests arriving while a batch runs join as soon as they fit: the paper's batches mix prefills
 * with decodes, so nothing waits for the cache to drain (docs/gsa-sortedf-online.md section 1).
 *
 * <p>Reconstruction choices [R] (the paper's batch search was not read):
 * <ul>
 *   <li>Batch search (the exact argmin is itself hard): scan the waiting requests in ascending predicted
 *       remaining output, keep each that leaves the batch feasible when started together on an empty
 *       cache (first fit: a misfit is skipped, not a stop), giving X_1 ⊂ X_2 ⊂ ...; the batch is the X_k
 *       with the smallest F (ties: the larger k). The scan stops when the batch fills the cache at its
 *       first iteration or after {@code max-skips} misfits, so its cost does not grow with the queue.</li>
 *   <li>Consequence, measured on the Azure conversation trace: when the batch search skips nothing (an empty
 *       cache takes every candidate, the usual case on real traces), the batches concatenate into the
 *       ascending-output order and the policy decides exactly as MC-SF. The F metric matters only when the
 *       cache cannot hold a batch's candidates together.</li>
 *   <li>No sequential variant (a batch starting only on an empty cache): the public text of the paper does
 *       not define one, and its "mixed prefill and decode batches" rule it out; online it made every arrival
 *       wait for the longest request of the running batch (TTFT p50 5.55 s against MC-SF's 0.09 s).</li>
 *   <li>Predicted lengths, the reserve, requests outliving their predictions, and the liveness rule
 *       (an empty cache always admits the first waiting request) are as in {@link McsfPolicy}.</li>
 * </ul>
 *
 * <p>Cost per decision: O((k + skips) * (P + k)) to form a batch of k with P completion points, plus the
 * MC-SF-like admission next to the running set; independent of the waiting-queue length.
 */
public final class SortedFPolicy implements Policy {

    private final double reserve;
    private final int maxSkips;
    private final int capacityTokens;
    private final Comparator<SeqView> order;

    /**
     * @param reserve        fraction of KV capacity held back at admission, [0, 1)
     * @param maxSkips       misfits the batch search may skip before it stops, &gt;= 0
     * @param capacityTokens KV capacity of the replica, tokens
     */
    public SortedFPolicy(final double reserve, final int maxSkips, final int capacityTokens) {
        assert reserve >= 0 && reserve < 1 && maxSkips >= 0 : "reserve " + reserve + ", max-skips " + maxSkips
                + " (SortedFFactory checks the ranges)";
        this.reserve = reserve;
        this.maxSkips = maxSkips;
        this.capacityTokens = capacityTokens;
        this.order = Planning.shortestRemainingFirst(capacityTokens);
    }

    @Override
    public String name() {
        return SortedFFactory.NAME;
    }

    @Override
    public Comparator<SeqView> waitingOrder() {
        return order;
    }

    @Override
    public Decision decide(final SchedulerView view) {
        final DecisionBuilder batch = new DecisionBuilder(view);
        final List<SeqView> running = new ArrayList<>(view.running());
        if (!Planning.keepRunning(batch, running)) {
            return batch.build(0, Long.MAX_VALUE);
        }
        final long limit = Planning.limitBlocks(view, reserve);
        final FutureMemory memory = new FutureMemory(view.blockSize(), limit);
        Planning.loadRunning(memory, running, capacityTokens);

        final Set<Long> taken = new HashSet<>();
        boolean more = true;
        while (more) {
            final List<SeqView> next = nextBatch(view, taken, limit);
            if (next.isEmpty()) {
                // Nothing fits even on an empty cache (predicted peaks above the reserved limit).
                if (memory.members() == 0) {
                    final SeqView first = firstWaiting(view, taken);
                    if (first != null && batch.tryAdd(first, first.pendingTokens())) {
                        memory.add(Planning.base(first), Planning.remaining(first, capacityTokens));
                        taken.add(first.id());
                        continue;
                    }
                }
                break;
            }
            for (final SeqView seq : next) {
                final long base = Planning.base(seq);
                final int r = Planning.remaining(seq, capacityTokens);
                final boolean fits = memory.fits(base, r) || memory.members() == 0;
                if (!fits || !batch.tryAdd(seq, seq.pendingTokens())) {
                    more = false;
                    break;
                }
                memory.add(base, r);
                taken.add(seq.id());
            }
        }
        // Asked again after m more iterations (same waiting set), the policy would form the next batch from
        // the requests still waiting and try its first member first: that request decides the continuation.
        final SeqView head = firstOfNextBatch(view, taken, limit);
        return batch.build(Planning.continuation(memory, head, capacityTokens), Long.MAX_VALUE);
    }

    /** The first member {@link #nextBatch} would return (null if it would be empty), at a fraction of the cost. */
    private SeqView firstOfNextBatch(final SchedulerView view, final Set<Long> taken, final long limit) {
        int skips = 0;
        for (final SeqView seq : view.waiting()) {
            if (taken.contains(seq.id())) {
                continue;
            }
            final FutureMemory alone = new FutureMemory(view.blockSize(), limit);
            if (alone.fits(Planning.base(seq), Planning.remaining(seq, capacityTokens))) {
                return seq;
            }
            if (++skips > maxSkips) {
                return null;
            }
        }
        return null;
    }

    /**
     * The next batch from the waiting requests not yet taken: the F-minimal prefix of the first-fit scan
     * on an empty cache, in scan order. Empty if no waiting request fits alone.
     */
    private List<SeqView> nextBatch(final SchedulerView view, final Set<Long> taken, final long limit) {
        final FutureMemory alone = new FutureMemory(view.blockSize(), limit);
        final List<SeqView> scan = new ArrayList<>();
        long sum = 0;
        int bestK = 0;
        double bestF = Double.POSITIVE_INFINITY;
        int skips = 0;
        for (final SeqView seq : view.waiting()) {
            if (taken.contains(seq.id())) {
                continue;
            }
            final long base = Planning.base(seq);
            final int r = Planning.remaining(seq, capacityTokens);
            if (!alone.fits(base, r)) {
                if (++skips > maxSkips) {
                    break;
                }
                continue;
            }
            alone.add(base, r);
            scan.add(seq);
            sum += r;
            final int k = scan.size();
            final double f = (double) sum / ((double) k * k);
            if (f <= bestF) {
                bestF = f;
                bestK = k;
            }
            if (alone.memoryAt(0) >= limit) {
                break;
            }
        }
        return scan.subList(0, bestK);
    }

    private static SeqView firstWaiting(final SchedulerView view, final Set<Long> taken) {
        for (final SeqView seq : view.waiting()) {
            if (!taken.contains(seq.id())) {
                return seq;
            }
        }
        return null;
    }
}
