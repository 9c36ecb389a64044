package org.kvsched.core.policy.wait;

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
 * {@code nested-wait}: Nested WAIT (Ao, Luo, Simchi-Levi, Wang, arXiv 2504.11320, Algorithm 2;
 * docs/policies.md), for unknown output lengths.
 *
 * <p>Rule: decode progress is cut into segments at boundaries {@code b_1 < ... < b_L}
 * ({@link NestedThresholds}); segment k is entered in groups of {@code n_k}: new requests once
 * {@code n_1} wait, survivors of boundary {@code b_{k-1}} (requests that generated {@code b_{k-1}} tokens
 * without finishing, their KV resident) once {@code n_k} of them wait there. Output lengths are never read:
 * a request reveals its class only by finishing inside a segment or by surviving its boundary. The memory
 * these queues may hold is provisioned by the paper's safety buffer (its memory condition for Nested WAIT); if a batch's growth still does
 * not fit, residents waiting at a boundary are evicted newest first (the v4 "memory repair", LIFO), then
 * other residents newest first, and restart from scratch ({@code discardOutput=true}). At the end of the
 * trace every threshold drops to 1.
 *
 * <p>Departures and choices:
 * <ul>
 *   <li>[R, default {@code gate-decodes=false}] requests inside a segment decode at every iteration, as in
 *       the v4 simulator; only segment entries wait for their threshold. {@code gate-decodes=true} follows
 *       Algorithm 2's prefix rule: only segments 1..k run, k the largest with every entry queue at or above
 *       its threshold; later segments pause with their KV.</li>
 *   <li>The order of a boundary queue is the residents' admission order (a proxy for arrival at the
 *       boundary).</li>
 *   <li>A request outliving the last boundary (a trace unlike the calibration workload) stays in the last
 *       segment and is never gated.</li>
 *   <li>Per-decision cost: the waiting queue is read only up to {@code n_1} (or {@code scanLimit}) entries.</li>
 * </ul>
 */
public final class NestedWaitPolicy implements Policy {

    private final int[] boundaries;
    private final int[] thresholds;
    private final boolean gateDecodes;
    private final int scanLimit;

    /**
     * @param boundaries  b_1..b_L, output tokens, increasing, &gt;= 1
     * @param thresholds  n_1..n_L, each &gt;= 1
     * @param gateDecodes true: Algorithm 2's prefix rule (later segments pause)
     * @param scanLimit   most waiting requests read per decision, &gt;= 1
     */
    public NestedWaitPolicy(final List<Integer> boundaries, final List<Integer> thresholds, final boolean gateDecodes,
                            final int scanLimit) {
        if (boundaries.isEmpty() || boundaries.size() != thresholds.size()) {
            throw new IllegalArgumentException(name() + ": " + thresholds.size() + " thresholds for " + boundaries.size() + " segments");
        }
        this.boundaries = boundaries.stream().mapToInt(Integer::intValue).toArray();
        this.thresholds = thresholds.stream().mapToInt(Integer::intValue).toArray();
        for (int k = 0; k < this.boundaries.length; k++) {
            if (this.thresholds[k] < 1 || this.boundaries[k] < 1 || (k > 0 && this.boundaries[k] <= this.boundaries[k - 1])) {
                throw new IllegalArgumentException(name() + ": boundaries must increase from 1 and thresholds be >= 1, got "
                        + boundaries + " / " + thresholds);
            }
        }
        this.gateDecodes = gateDecodes;
        this.scanLimit = scanLimit;
    }

    @Override
    public String name() {
        return NestedWaitFactory.NAME;
    }

    /**
     * Position of a running request with {@code g} generated tokens: {@code -(k+1)} when it waits at the
     * boundary queue of segment k (0-based, k &gt;= 1), else the segment k it is inside.
     */
    private int position(final int g) {
        for (int k = 0; k < boundaries.length; k++) {
            if (g < boundaries[k]) {
                return k;
            }
            if (g == boundaries[k] && k + 1 < boundaries.length) {
                return -(k + 2);
            }
        }
        return boundaries.length - 1;
    }

    /** Iterations a request that has generated {@code g} tokens may decode before it reaches a boundary. */
    private int untilBoundary(final int g) {
        for (int k = 0; k + 1 < boundaries.length; k++) {
            if (boundaries[k] >= g) {
                return boundaries[k] - g;
            }
        }
        return Integer.MAX_VALUE;
    }

    @Override
    public Decision decide(final SchedulerView view) {
        final int segs = boundaries.length;
        final boolean flush = view.arrivalsEnded();

        // Entry queues: waiting requests (segment 0) and residents at each boundary (segments 1..L-1).
        final List<List<SeqView>> queues = new ArrayList<>();
        for (int k = 0; k < segs; k++) {
            queues.add(new ArrayList<>());
        }
        final List<SeqView> interior = new ArrayList<>();
        final int[] interiorSegment = new int[view.running().size()];
        for (final SeqView seq : view.running()) {
            final int pos = position(seq.generatedTokens());
            if (pos < 0) {
                queues.get(-pos - 1).add(seq);
            } else {
                interiorSegment[interior.size()] = pos;
                interior.add(seq);
            }
        }
        final List<SeqView> newcomers = queues.get(0);
        boolean waitingExact = true;
        int waitingSeen = 0;
        for (final SeqView seq : view.waiting()) {
            if (waitingSeen == 2 * thresholds[0] || waitingSeen == scanLimit) {
                waitingExact = false;
                break;
            }
            waitingSeen++;
            newcomers.add(seq);
        }
        final boolean[] open = new boolean[segs];
        for (int k = 0; k < segs; k++) {
            open[k] = queues.get(k).size() >= thresholds[k] || (flush && !queues.get(k).isEmpty());
        }
        // Algorithm 2: only the longest prefix of segments whose entries all pass runs.
        int prefix = segs;
        if (gateDecodes && !flush) {
            prefix = 0;
            while (prefix < segs && open[prefix]) {
                prefix++;
            }
        }

        final DecisionBuilder batch = new DecisionBuilder(view);
        final Set<Long> gone = new HashSet<>();
        // Eviction order: residents at a boundary newest first, then every resident newest first.
        final List<SeqView> victims = new ArrayList<>();
        final List<SeqView> boundaryResidents = new ArrayList<>();
        for (int k = 1; k < segs; k++) {
            boundaryResidents.addAll(queues.get(k));
        }
        boundaryResidents.sort(Comparator.comparingLong(SeqView::admissionOrder).reversed());
        victims.addAll(boundaryResidents);
        final List<SeqView> newestFirst = new ArrayList<>(view.running());
        newestFirst.sort(Comparator.comparingLong(SeqView::admissionOrder).reversed());
        victims.addAll(newestFirst);
        final int[] victimCursor = {0};

        boolean allInteriorAdvanced = true;
        int minUntilBoundary = Integer.MAX_VALUE;
        for (int i = 0; i < interior.size(); i++) {
            final SeqView seq = interior.get(i);
            if (gone.contains(seq.id())) {
                continue;
            }
            if (interiorSegment[i] >= prefix) {
                allInteriorAdvanced = false;
                continue;
            }
            if (!addOrEvict(batch, seq, victims, victimCursor, gone)) {
                continue;
            }
            minUntilBoundary = Math.min(minUntilBoundary, untilBoundary(seq.generatedTokens() + 1));
        }
        final int[] admitted = new int[segs];
        boolean allFitted = true;
        for (int k = segs - 1; k >= 0; k--) {
            if (k >= prefix || !open[k]) {
                continue;
            }
            final List<SeqView> queue = queues.get(k);
            if (k > 0) {
                queue.sort(Comparator.comparingLong(SeqView::admissionOrder));
            }
            for (final SeqView seq : queue) {
                if (admitted[k] == thresholds[k]) {
                    break;
                }
                if (gone.contains(seq.id())) {
                    continue;
                }
                final boolean ok;
                if (k == 0) {
                    // New requests never evict anyone: they wait for memory instead.
                    ok = batch.nothingPreempted() && batch.tryAdd(seq, seq.pendingTokens());
                } else {
                    ok = addOrEvict(batch, seq, victims, victimCursor, gone);
                }
                if (ok) {
                    admitted[k]++;
                    minUntilBoundary = Math.min(minUntilBoundary, untilBoundary(seq.generatedTokens() + 1));
                } else {
                    allFitted = false;
                }
            }
        }

        // Asked again after a pure decode iteration we would decode the same set until a request reaches a
        // boundary, provided nothing was evicted or paused and no entry queue could open.
        boolean steady = batch.nothingPreempted() && allInteriorAdvanced && allFitted && (!gateDecodes || flush);
        for (int k = 0; k < segs && steady; k++) {
            final int left = queues.get(k).size() - admitted[k];
            if (k == 0 && !waitingExact) {
                steady = false;
            } else {
                steady = flush ? left == 0 : left < thresholds[k];
            }
        }
        return batch.build(steady ? minUntilBoundary : 0, Long.MAX_VALUE);
    }

    /** Adds a one-iteration chunk for {@code seq}, evicting in victim order until it fits; false if {@code seq} itself went. */
    private static boolean addOrEvict(final DecisionBuilder batch, final SeqView seq, final List<SeqView> victims,
                                      final int[] cursor, final Set<Long> gone) {
        while (!batch.tryAdd(seq, seq.pendingTokens())) {
            SeqView victim = null;
            while (cursor[0] < victims.size()) {
                final SeqView v = victims.get(cursor[0]++);
                if (gone.add(v.id())) {
                    victim = v;
                    break;
                }
            }
            if (victim == null) {
                return false;
            }
            batch.preempt(victim, true);
            if (victim == seq) {
                return false;
            }
        }
        return true;
    }
}
