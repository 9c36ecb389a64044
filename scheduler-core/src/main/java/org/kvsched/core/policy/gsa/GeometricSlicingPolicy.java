package org.kvsched.core.policy.gsa;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.policy.Decision;
import org.kvsched.core.policy.DecisionBuilder;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.SchedulerView;
import org.kvsched.core.policy.SeqView;

/**
 * {@code gsa}, {@code gba} and {@code gba-d}: the geometric slicing and batching algorithms of Feng, Yang,
 * Zhang, "Competitive Non-Clairvoyant KV-Cache Scheduling for LLM Inference" (arXiv 2601.22996;
 * the staggered pipeline schedule, GSA, GBA and GBA-D; the online form is ours [R], docs/policies.md).
 *
 * <p>Rule (GSA, non-clairvoyant): every job gets slices of geometrically growing length
 * {@code tau_p = ceil(beta alpha^p)} iterations (capped so the job fits alone); jobs of level p start one
 * per slot of a staggered pipeline ({@link StaggeredPipeline}) whose lane count keeps the worst case (every
 * job using its whole slice) within the KV, and a job that has not finished when its slice ends is killed
 * and restarts from scratch at level p + 1 ({@code Decision.Preemption(id, true)}: the paper's model
 * discards all generated tokens). Levels are served lowest first, so short jobs finish in the first
 * phases. GBA (clairvoyant) puts each job directly at the level of its length class
 * {@code min{k : ceil(beta alpha^k) >= o}}, so no job is ever killed (with exact predictions) and classes run
 * shortest first, each as its own pipeline; GBA-D also starts the next job of the class before its slot
 * whenever the exact future footprint of the running jobs, the job and the planned slots stays within the KV
 * (back-filling holes left by jobs that finished early; the planned slots keep their times, so no job is
 * delayed relative to GBA).
 *
 * <p>Departures and choices [R]:
 * <ul>
 *   <li>Online arrivals (per-job attempt levels; docs/gsa-sortedf-online.md section 2): a job's level is its class
 *       (GBA) or 0 (GSA) plus the number of times it was killed. With {@code overlap=true} (default) each start
 *       is from the lowest level that has a waiting job, the pipeline moving to another level as soon as the
 *       current one has none waiting; running jobs never hold back another level's starts (the envelope keeps
 *       the memory safe). With {@code overlap=false} the pipeline serves the lowest level among waiting
 *       <em>and running</em> jobs, so phases run back to back as in the offline paper; under continuous
 *       arrivals a shorter job is nearly always running, and longer jobs waited until the trace ended (Azure
 *       conversation trace, 2 replicas: GBA-D E2E p99 2,745 s; GSA, beta 64, mean 2,207 s). A new arrival at a lower
 *       level opens a new pipeline at once in both modes.</li>
 *   <li>Every start passes an envelope check (future footprint of all running jobs, each to the end of its
 *       slice, or to its predicted end for GBA/GBA-D) so memory can never overflow, whatever the prompts.</li>
 *   <li>When nothing runs, the pipeline restarts its slot grid at the current iteration instead of idling
 *       until its next slot (no deadlock, and no idle GPU in an empty pipeline).</li>
 *   <li>The lane count uses the prompt of the job at the head of the level when the pipeline opens.</li>
 *   <li>Phase boundaries, slice ends and slot starts stop the plan continuation.</li>
 * </ul>
 */
public final class GeometricSlicingPolicy implements Policy {

    /** Which algorithm of the paper. */
    public enum Mode {
        /** Geometric slicing: non-clairvoyant, kill and restart at slice ends. */
        GSA,
        /** Geometric batching: clairvoyant length classes, each a staggered pipeline. */
        GBA,
        /** GBA with early starts into holes of the pipeline. */
        GBA_D;

        boolean clairvoyant() {
            return this != GSA;
        }
    }

    /**
     * The pipeline of one level (immutable; a new one per level change).
     *
     * @param level    the level it serves
     * @param sps      its slot grid
     * @param nextSlot index of the next slot a start may use
     * @param drained  no job was left waiting after the decision that made it: the slots that pass until the next
     *                 decision go unused, which that decision applies (so the answer does not depend on whether the
     *                 policy was asked at the iterations in between)
     */
    private record Pipeline(int level, StaggeredPipeline sps, long nextSlot, boolean drained) {
        Pipeline(final int level, final StaggeredPipeline sps, final long nextSlot) {
            this(level, sps, nextSlot, false);
        }

        Pipeline withNextSlot(final long k) {
            return new Pipeline(level, sps, k, false);
        }

        Pipeline withDrained(final boolean d) {
            return new Pipeline(level, sps, nextSlot, d);
        }
    }

    /**
     * GBA-D checks each early start against up to a slice's worth of planned slots (O(lanes log lanes)); at most
     * this many early starts per decision keep a decision cheap, and GBA-D decides at every iteration anyway.
     */
    static final int MAX_EARLY_STARTS = 4;

    private final Mode mode;
    private final double alpha;
    private final double beta;
    private final boolean overlap;
    private final Map<Long, Integer> laneCache = new HashMap<>();

    /** State after the decisions of earlier iterations; recomputed from when asked twice at one iteration. */
    private Pipeline committed;
    private Pipeline latest;
    private long latestIteration = -1;

    /**
     * @param mode    GSA, GBA or GBA-D
     * @param alpha   growth factor of the slices, &gt; 1
     * @param beta    first slice (GSA) or first class bound (GBA), iterations, &gt;= 1
     * @param overlap true: start from the lowest level with a waiting job (online); false: back-to-back phases (offline paper)
     */
    public GeometricSlicingPolicy(final Mode mode, final double alpha, final double beta, final boolean overlap) {
        assert alpha > 1 && beta >= 1 : "alpha " + alpha + ", beta " + beta + " (GsaFactory checks the ranges)";
        this.mode = mode;
        this.alpha = alpha;
        this.beta = beta;
        this.overlap = overlap;
    }

    @Override
    public String name() {
        return GsaFactory.of(mode).name();
    }

    /** committed, latest (each: present, level, tau, lanes, t0, next slot) and the iteration of the latest decision. */
    @Override
    public long[] saveState() {
        final long[] out = new long[13];
        put(out, 0, committed);
        put(out, 6, latest);
        out[12] = latestIteration;
        return out;
    }

    @Override
    public void restoreState(final long[] state) {
        if (state.length != 13) {
            throw new IllegalArgumentException("policy " + name() + " saves 13 values, got " + state.length);
        }
        committed = take(state, 0);
        latest = take(state, 6);
        latestIteration = state[12];
    }

    private static void put(final long[] out, final int at, final Pipeline p) {
        if (p != null) {
            out[at] = 1;
            out[at + 1] = p.level();
            out[at + 2] = p.sps().tau();
            out[at + 3] = p.sps().lanes();
            out[at + 4] = p.sps().t0();
            out[at + 5] = p.nextSlot();
        }
    }

    private static Pipeline take(final long[] in, final int at) {
        return in[at] == 0 ? null
                : new Pipeline((int) in[at + 1], new StaggeredPipeline((int) in[at + 2], (int) in[at + 3], in[at + 4]), in[at + 5]);
    }

    /** Waiting jobs by level, then (GBA) predicted length, then arrival: the head is the next to start. */
    @Override
    public Comparator<SeqView> waitingOrder() {
        final Comparator<SeqView> byLevel = Comparator.comparingInt(this::level);
        final Comparator<SeqView> inLevel = mode.clairvoyant()
                ? Comparator.comparingInt(GeometricSlicingPolicy::predictedOrMax).thenComparingLong(SeqView::arrivalUs)
                : Comparator.comparingLong(SeqView::arrivalUs);
        return byLevel.thenComparing(inLevel).thenComparingLong(SeqView::id);
    }

    private static int predictedOrMax(final SeqView seq) {
        final int p = seq.predictedOutputTokens();
        return p == LengthPredictor.UNKNOWN ? Integer.MAX_VALUE : p;
    }

    /** Length class of a predicted output: the smallest k with ceil(beta alpha^k) &gt;= o. */
    int lengthClass(final int predicted) {
        if (predicted == LengthPredictor.UNKNOWN) {
            return 0;
        }
        int k = 0;
        while (Math.ceil(beta * Math.pow(alpha, k)) < predicted) {
            k++;
        }
        return k;
    }

    /** Level of a job: its class (GBA) or 0 (GSA), plus one per kill. */
    int level(final SeqView seq) {
        return (mode.clairvoyant() ? lengthClass(seq.predictedOutputTokens()) : 0) + seq.preemptions();
    }

    /** Slice of a job at a level, iterations: ceil(beta alpha^level), capped so the job fits alone. */
    static int slice(final double alpha, final double beta, final int level, final int prompt, final int capacityBlocks,
                     final int blockSize) {
        final long alone = (long) capacityBlocks * blockSize - prompt + 1;
        final double raw = Math.ceil(beta * Math.pow(alpha, level));
        return (int) Math.max(1, Math.min(alone, Math.min(raw, Integer.MAX_VALUE)));
    }

    private int slice(final SeqView seq, final SchedulerView view) {
        return slice(alpha, beta, level(seq), seq.promptTokens(), view.capacityBlocks(), view.blockSize());
    }

    /** Iterations the job still runs at most (to its slice end, or its predicted end when clairvoyant). */
    private int remaining(final SeqView seq, final SchedulerView view) {
        int end = slice(seq, view);
        if (mode.clairvoyant() && seq.predictedOutputTokens() != LengthPredictor.UNKNOWN) {
            end = Math.min(end, seq.predictedOutputTokens());
        }
        return Math.max(0, end - seq.generatedTokens());
    }

    private int lanes(final int prompt, final int tau, final SchedulerView view) {
        final long key = ((long) prompt << 32) | tau;
        return laneCache.computeIfAbsent(key, k -> StaggeredPipeline.lanes(prompt, tau, view.capacityBlocks(), view.blockSize()));
    }

    @Override
    public Decision decide(final SchedulerView view) {
        final long t = view.iteration();
        if (t != latestIteration) {
            committed = latest;
            latestIteration = t;
        }
        Pipeline pipe = committed;
        if (pipe != null && pipe.drained()) {
            // Asked at every iteration since, the policy would have let every slot before now pass unused.
            pipe = pipe.withNextSlot(Math.max(pipe.nextSlot(), pipe.sps().firstSlotAtOrAfter(t)));
        }
        final DecisionBuilder batch = new DecisionBuilder(view);
        final Envelope envelope = new Envelope(view.blockSize());
        int continuation = Integer.MAX_VALUE;

        // 1. Slice ends: a job that used its whole slice without finishing restarts at the next level.
        final List<SeqView> active = new ArrayList<>();
        for (final SeqView seq : view.running()) {
            if (seq.generatedTokens() >= slice(seq, view)) {
                batch.preempt(seq, true);
                // The killed job waits at the next level from the next decision on, which may start it at once.
                continuation = 0;
            } else {
                active.add(seq);
            }
        }
        // 2. Every other running job decodes (the envelope kept their growth within the KV).
        int lowestRunning = Integer.MAX_VALUE;
        int i = 0;
        while (i < active.size()) {
            final SeqView seq = active.get(i);
            // Eviction is unreachable while every start passed the envelope; kept so a bug cannot overfill the KV.
            final int before = active.size();
            final boolean kept = batch.addPreemptingFromEnd(seq, seq.pendingTokens(), active, true);
            if (active.size() < before) {
                continuation = 0;
            }
            if (!kept) {
                break;
            }
            lowestRunning = Math.min(lowestRunning, level(seq));
            envelope.add(1, remaining(seq, view), seq.computedTokens());
            continuation = Math.min(continuation, slice(seq, view) - seq.generatedTokens() - 1);
            i++;
        }

        // 3. The level served now and its pipeline.
        SeqView head = null;
        for (final SeqView seq : view.waiting()) {
            head = seq;
            break;
        }
        if (head != null) {
            final int lowestWaiting = level(head);
            final int serve = overlap ? lowestWaiting : Math.min(lowestWaiting, lowestRunning);
            if (pipe == null || pipe.level() != serve) {
                final int tau = slice(alpha, beta, serve, head.promptTokens(), view.capacityBlocks(), view.blockSize());
                pipe = new Pipeline(serve, new StaggeredPipeline(tau, lanes(head.promptTokens(), tau, view), t), 0);
            }
            if (batch.batchSize() == 0 && pipe.sps().slotStart(pipe.nextSlot()) > t) {
                // Nothing runs: restart the slot grid now rather than idle until the next slot.
                pipe = new Pipeline(pipe.level(), new StaggeredPipeline(pipe.sps().tau(), pipe.sps().lanes(), t), 0);
            }
            if (lowestWaiting == pipe.level()) {
                final int[] shortestStarted = {Integer.MAX_VALUE};
                pipe = startAtSlots(view, batch, envelope, pipe, shortestStarted);
                // A job started now reaches its slice end after slice - 1 more iterations.
                continuation = Math.min(continuation, shortestStarted[0] - 1);
                if (overlap && shortestStarted[0] != Integer.MAX_VALUE && nextHeadLevel(view, batch) != pipe.level()) {
                    // The level ran dry: the next decision opens the next level's pipeline.
                    continuation = 0;
                }
                final long next = pipe.sps().slotStart(pipe.nextSlot());
                continuation = Math.min(continuation, (int) Math.max(0, Math.min(Integer.MAX_VALUE, next - t - 1)));
                if (mode == Mode.GBA_D) {
                    pipe = backfill(view, batch, envelope, pipe);
                    // Whether a hole opens depends on the clock (planned slots come closer): ask every iteration.
                    continuation = 0;
                }
            }
        } else if (pipe != null) {
            // No one waits: slots pass unused.
            pipe = pipe.withNextSlot(pipe.sps().firstSlotAtOrAfter(t + 1));
        }
        latest = pipe == null ? null : pipe.withDrained(head == null || nextHeadLevel(view, batch) == -1);
        return batch.build(Math.max(0, continuation), Long.MAX_VALUE);
    }

    /** Starts the waiting jobs of the pipeline's level whose slots have come, while the envelope allows. */
    private Pipeline startAtSlots(final SchedulerView view, final DecisionBuilder batch, final Envelope envelope,
                                  final Pipeline pipeline, final int[] shortestStarted) {
        final long t = view.iteration();
        long k = pipeline.nextSlot();
        for (final SeqView seq : view.waiting()) {
            if (level(seq) != pipeline.level() || pipeline.sps().slotStart(k) > t) {
                return pipeline.withNextSlot(k);
            }
            final int run = remaining(seq, view);
            envelope.add(1, run, seq.promptTokens() - 1L);
            if (envelope.peakBlocks() > view.capacityBlocks() || !batch.tryAdd(seq, seq.pendingTokens())) {
                // Blocked: the slot stays pending until memory frees (a completion or a kill).
                return withoutLast(envelope, pipeline.withNextSlot(k));
            }
            shortestStarted[0] = Math.min(shortestStarted[0], slice(seq, view));
            k++;
        }
        // The level ran out of waiting jobs: skip the slots already past.
        return pipeline.withNextSlot(Math.max(k, pipeline.sps().firstSlotAtOrAfter(t + 1)));
    }

    /** Level of the first waiting job this decision does not start (-1 when none is left). */
    private int nextHeadLevel(final SchedulerView view, final DecisionBuilder batch) {
        for (final SeqView seq : view.waiting()) {
            if (!batch.contains(seq)) {
                return level(seq);
            }
        }
        return -1;
    }

    private static Pipeline withoutLast(final Envelope envelope, final Pipeline pipeline) {
        envelope.removeLast();
        return pipeline;
    }

    /**
     * GBA-D: starts the next jobs of the level before their slots while the exact future footprint of the
     * running jobs, the job and the jobs of the following planned slots stays within the KV (at most
     * {@link #MAX_EARLY_STARTS} per decision [R]).
     */
    private Pipeline backfill(final SchedulerView view, final DecisionBuilder batch, final Envelope envelope,
                              final Pipeline pipeline) {
        final long t = view.iteration();
        long k = pipeline.nextSlot();
        // Only jobs whose planned slots fall within the horizon (at most one slice: about two lanes' worth after
        // the candidates) can matter, so the queue is read only that far: the cost does not grow with it.
        final int lookahead = 4 * pipeline.sps().lanes() + 8;
        final List<SeqView> queue = new ArrayList<>();
        for (final SeqView seq : view.waiting()) {
            if (level(seq) != pipeline.level() || queue.size() == lookahead) {
                break;
            }
            if (!batch.contains(seq)) {
                queue.add(seq);
            }
        }
        int started = 0;
        while (started < queue.size() && started < MAX_EARLY_STARTS) {
            final SeqView candidate = queue.get(started);
            final Envelope trial = envelope.copy();
            final int run = remaining(candidate, view);
            trial.add(1, run, candidate.promptTokens() - 1L);
            // The jobs behind it keep their planned slots k+1, k+2, ... (checked up to the current horizon).
            final long horizon = Math.max(trial.horizon(), 1);
            for (int q = started + 1; q < queue.size(); q++) {
                final long from = pipeline.sps().slotStart(k + (q - started)) - t + 1;
                if (from > horizon) {
                    break;
                }
                final SeqView later = queue.get(q);
                trial.add(Math.max(1, from), Math.max(1, from) + remaining(later, view) - 1, later.promptTokens() - 1L);
            }
            if (trial.peakBlocks() > view.capacityBlocks() || !batch.tryAdd(candidate, candidate.pendingTokens())) {
                break;
            }
            envelope.add(1, run, candidate.promptTokens() - 1L);
            started++;
            k++;
        }
        return pipeline.withNextSlot(k);
    }
}
