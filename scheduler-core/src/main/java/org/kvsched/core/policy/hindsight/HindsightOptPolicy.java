package org.kvsched.core.policy.hindsight;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.policy.Decision;
import org.kvsched.core.policy.DecisionBuilder;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.SchedulerView;
import org.kvsched.core.policy.SeqView;
import org.kvsched.core.policy.mcsf.FutureMemory;

/**
 * {@code hindsight-opt}: the offline optimum of Jaillet et al. (arXiv 2502.07115, the hindsight integer
 * program; docs/mcsf-fidelity.md) replayed through the mechanism. At construction it solves the
 * {@link HindsightProblem} of the whole workload (true lengths, known arrivals) with the best available
 * {@link HindsightSolver}; at each decision
 * it keeps every running request and starts the waiting ones whose planned start slot has come.
 *
 * <p>Offline by nature: it needs {@code PolicyContext.workload()}, one replica, and the {@code unit} time
 * model (one slot = one iteration = {@code slotUs}); it is not meant for the Kafka pipeline.
 *
 * <p>Replay rules [R]: requests due now are started in planned order while the exact future-memory check with
 * their true lengths passes (it always does when the replay is aligned with the plan, since the plan is
 * feasible for the mechanism's memory model); requests missing from the plan are planned at +infinity. If
 * the cache is empty, nothing is due and requests wait, the plan idles on purpose; the engine wakes an idle
 * replica only at an arrival, so the policy idles if another arrival will come, and otherwise starts the
 * first planned request early (an optimal plan never leaves the cache empty while every remaining request has
 * arrived: shifting the later starts left would be feasible and better, so this happens only off-plan). Off
 * plan, KV still cannot overflow: the check, and failing that the recompute preemption of the newest running
 * request, keep it within capacity. The plan continues until the next planned start ({@code continueUntilUs}).
 */
public final class HindsightOptPolicy implements Policy {

    private final long[] arrivalsUs;
    private final Map<Long, Long> plannedSlot;
    private final Map<Long, Integer> trueOutput;
    private final long slotUs;
    private final HindsightSolution solution;
    private final Comparator<SeqView> order;

    /**
     * @param requests the whole workload (true output lengths are read here: the policy is clairvoyant)
     * @param solution the solved schedule, start slots in {@code requests} order
     * @param slotUs   length of one slot, microseconds (1,000,000 with the unit model)
     */
    public HindsightOptPolicy(final List<WorkloadRequest> requests, final HindsightSolution solution, final long slotUs) {
        this.plannedSlot = new HashMap<>();
        this.trueOutput = new HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            plannedSlot.put(requests.get(i).id(), solution.starts()[i]);
            trueOutput.put(requests.get(i).id(), requests.get(i).outputTokens());
        }
        this.arrivalsUs = requests.stream().mapToLong(WorkloadRequest::arrivalUs).sorted().toArray();
        this.slotUs = slotUs;
        this.solution = solution;
        this.order = Comparator.<SeqView>comparingLong(this::planned).thenComparing(SeqView.FCFS);
    }

    /** The solver's result this policy replays. */
    public HindsightSolution solution() {
        return solution;
    }

    private long planned(final SeqView s) {
        return plannedSlot.getOrDefault(s.id(), Long.MAX_VALUE);
    }

    private int remainingTrue(final SeqView s) {
        return Math.max(1, trueOutput.getOrDefault(s.id(), s.generatedTokens() + 1) - s.generatedTokens());
    }

    private boolean arrivalAfter(final long nowUs) {
        int lo = 0;
        int hi = arrivalsUs.length;
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            if (arrivalsUs[mid] <= nowUs) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo < arrivalsUs.length;
    }

    @Override
    public String name() {
        return HindsightOptFactory.NAME;
    }

    @Override
    public Comparator<SeqView> waitingOrder() {
        return order;
    }

    @Override
    public Decision decide(final SchedulerView view) {
        final DecisionBuilder batch = new DecisionBuilder(view);
        final List<SeqView> running = new ArrayList<>(view.running());
        batch.addAllPreemptingFromEnd(running, false);
        if (!batch.nothingPreempted()) {
            return batch.build(0, Long.MAX_VALUE);
        }
        final FutureMemory memory = new FutureMemory(view.blockSize(), view.capacityBlocks());
        final long[] base = new long[running.size()];
        final int[] rem = new int[running.size()];
        for (int k = 0; k < running.size(); k++) {
            base[k] = (long) running.get(k).promptTokens() + running.get(k).generatedTokens();
            rem[k] = remainingTrue(running.get(k));
        }
        memory.load(base, rem, running.size());

        final long slot = view.nowUs() / slotUs;
        SeqView head = null;
        for (final SeqView seq : view.waiting()) {
            final boolean due = planned(seq) <= slot;
            final long b = (long) seq.promptTokens() + seq.generatedTokens();
            final int r = remainingTrue(seq);
            // An empty cache with nothing due: wait for the next arrival if there is one (the engine wakes the
            // replica then); otherwise start early, since nothing else could wake it.
            final boolean early = memory.members() == 0 && !due && !arrivalAfter(view.nowUs());
            final boolean forced = early || (due && memory.members() == 0);
            if (!(due || early) || !(memory.fits(b, r) || forced) || !batch.tryAdd(seq, seq.pendingTokens())) {
                head = seq;
                break;
            }
            memory.add(b, r);
        }
        if (head == null) {
            return batch.build(Integer.MAX_VALUE, Long.MAX_VALUE);
        }
        final long next = planned(head);
        if (next <= slot) {
            // Due but blocked (only off-plan): ask again after every iteration.
            return batch.build(0, Long.MAX_VALUE);
        }
        return batch.build(Integer.MAX_VALUE, next == Long.MAX_VALUE ? Long.MAX_VALUE : next * slotUs);
    }
}
