package org.kvsched.core.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.kvsched.core.kv.KvCache;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.Request;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;
import org.kvsched.core.policy.Decision;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.SchedulerView;
import org.kvsched.core.policy.SeqView;

/**
 * The scheduling mechanism of one replica: holds its requests and KV cache, asks the {@link Policy},
 * applies the decision, and turns it into a {@link BatchPlan}; then applies the worker's
 * {@link StepReport}. Both transports (the in-memory engine and the Kafka stream processor) drive it with
 * the same calls in the same order, which is what makes their results identical.
 *
 * <p>Protocol, per replica: {@link #onArrival} for every request with arrival time &lt;= now, then
 * {@link #schedule(long, long)}; if it returns a plan, nothing else happens until its report arrives
 * through {@link #onStepReport}. Time never goes backwards. Not thread-safe.
 *
 * <p>KV model: a request holds {@code blocksFor(computed tokens)} blocks; a chunk allocates the blocks for
 * its tokens when the plan is made; the continuation's growth is allocated when the report comes back,
 * and the plan's continuation is capped so that growth always fits. A preempted request frees everything.
 */
public final class Scheduler {

    /** How often a decision that only preempts may be followed by another before we call it a policy bug. */
    private static final int MAX_PREEMPT_ONLY_ROUNDS = 64;

    private final int replicaId;
    private final Policy policy;
    private final KvCache kv;
    private final LengthPredictor predictor;
    private final SchedulerListener listener;

    private final Map<Long, Sequence> active = new HashMap<>();
    private final List<Sequence> running = new ArrayList<>();
    private final TreeSet<Sequence> waiting;
    private final View view = new View();

    private long iteration;
    private long nextPlanId;
    private long clockUs;
    private long nextBackKey;
    private long nextFrontKey = -1;
    private long nextAdmission;
    private boolean arrivalsEnded;
    private long finishedRequests;

    private BatchPlan inFlight;
    private int inFlightBlocksAtStart;
    private double gapBlockMicros;
    private long accountedUntilUs;

    /**
     * @param replicaId        id of the replica this scheduler drives
     * @param policy           the policy asked at every decision
     * @param kvCapacityTokens KV capacity, tokens
     * @param blockSize        tokens per block
     * @param predictor        output-length predictor applied at arrival
     * @param listener         receives request events and step summaries
     */
    public Scheduler(final int replicaId, final Policy policy, final int kvCapacityTokens, final int blockSize,
                     final LengthPredictor predictor, final SchedulerListener listener) {
        this.replicaId = replicaId;
        this.policy = policy;
        this.kv = new KvCache(kvCapacityTokens, blockSize);
        this.predictor = predictor;
        this.listener = listener;
        this.waiting = new TreeSet<>(policy.waitingOrder().thenComparingLong(SeqView::id));
    }

    public int replicaId() {
        return replicaId;
    }

    public Policy policy() {
        return policy;
    }

    /** Iterations executed so far. */
    public long iterations() {
        return iteration;
    }

    /** Plans made so far. */
    public long plans() {
        return nextPlanId;
    }

    /** Virtual time of the end of the last plan (or of the last decision), microseconds. */
    public long clockUs() {
        return clockUs;
    }

    public int waitingCount() {
        return waiting.size();
    }

    public int runningCount() {
        return running.size();
    }

    public int usedBlocks() {
        return kv.usedBlocks();
    }

    public int capacityBlocks() {
        return kv.capacityBlocks();
    }

    /** Requests completed or rejected so far. */
    public long finishedRequests() {
        return finishedRequests;
    }

    /** True while a plan is out and its report has not come back. */
    public boolean hasPlanInFlight() {
        return inFlight != null;
    }

    /** True when no request is waiting or running. */
    public boolean isDrained() {
        return active.isEmpty();
    }

    /** Work still owed on this replica, tokens: pending prompt plus remaining true output (for routing). */
    public long outstandingTokens() {
        long sum = 0;
        for (final Sequence s : active.values()) {
            sum += s.pendingTokens() + (s.request.outputTokens() - s.generated);
        }
        return sum;
    }

    /**
     * Receives a request. It is rejected at once (REJECTED event, never queued) if its prompt plus
     * output can never fit in this replica's KV cache.
     */
    public void onArrival(final Request request) {
        if (active.containsKey(request.id())) {
            throw new IllegalArgumentException("request " + request.id() + " arrived twice at replica " + replicaId);
        }
        emit(RequestEventKind.ARRIVED, request, request.arrivalUs(), 0, "");
        final int needed = kv.blocksFor(request.totalTokens());
        if (needed > kv.capacityBlocks()) {
            emit(RequestEventKind.REJECTED, request, request.arrivalUs(), 0,
                    "needs " + request.totalTokens() + " tokens of KV (prompt " + request.promptTokens() + " + output "
                            + request.outputTokens() + "), more than the replica's capacity of " + kv.capacityTokens());
            return;
        }
        final Sequence seq = new Sequence(request, predictor.predict(request), nextBackKey++);
        active.put(request.id(), seq);
        waiting.add(seq);
    }

    /** Declares that no request will arrive any more (end of the trace for this replica). */
    public void markArrivalsEnded() {
        arrivalsEnded = true;
    }

    public boolean arrivalsEnded() {
        return arrivalsEnded;
    }

    /**
     * Asks the policy for the next batch at time {@code nowUs} and returns the plan, or null if the
     * policy runs nothing now (the replica idles until the next arrival).
     *
     * @param nowUs         current virtual time, &gt;= the end of the previous plan
     * @param nextArrivalUs time of the next arrival this replica will receive (Long.MAX_VALUE if none or unknown
     *                      far ahead); the continuation stops once the clock reaches it
     */
    public BatchPlan schedule(final long nowUs, final long nextArrivalUs) {
        if (inFlight != null) {
            throw new IllegalStateException("replica " + replicaId + ": plan " + inFlight.planId() + " is still in flight");
        }
        if (nowUs < clockUs) {
            throw new IllegalStateException("replica " + replicaId + ": time went backwards, " + nowUs + " < " + clockUs);
        }
        accountGap(nowUs);
        clockUs = nowUs;
        for (int round = 0; round < MAX_PREEMPT_ONLY_ROUNDS; round++) {
            if (active.isEmpty()) {
                return null;
            }
            final Decision decision = policy.decide(view);
            applyPreemptions(decision, nowUs);
            if (!decision.chunks().isEmpty()) {
                return makePlan(decision, nowUs, nextArrivalUs);
            }
            if (decision.preemptions().isEmpty()) {
                return null;
            }
        }
        throw new IllegalStateException("policy " + policy.name() + " preempted without running anything "
                + MAX_PREEMPT_ONLY_ROUNDS + " times in a row on replica " + replicaId);
    }

    /**
     * What the policy would decide now, without applying it (no state changes): for benchmarks of the
     * decision cost and for inspection.
     */
    public Decision previewDecision() {
        return policy.decide(view);
    }

    private void applyPreemptions(final Decision decision, final long nowUs) {
        for (final Decision.Preemption p : decision.preemptions()) {
            final Sequence seq = active.get(p.requestId());
            if (seq == null || seq.state != Sequence.State.RUNNING) {
                throw new IllegalStateException("policy " + policy.name() + " preempted request " + p.requestId()
                        + " which is not running on replica " + replicaId);
            }
            running.remove(seq);
            kv.release(seq.blocksHeld);
            seq.blocksHeld = 0;
            seq.computed = 0;
            if (p.discardOutput()) {
                seq.generated = 0;
            }
            seq.preemptions++;
            seq.state = Sequence.State.WAITING;
            seq.queueKey = nextFrontKey--;
            waiting.add(seq);
            emit(RequestEventKind.PREEMPTED, seq.request, nowUs, seq.generated, "");
        }
    }

    private BatchPlan makePlan(final Decision decision, final long nowUs, final long nextArrivalUs) {
        final List<PlanEntry> entries = new ArrayList<>(decision.chunks().size());
        final Set<Long> seen = new HashSet<>();
        final Set<Long> preempted = new HashSet<>();
        decision.preemptions().forEach(p -> preempted.add(p.requestId()));
        boolean midPrefillAfter = false;
        for (final Decision.Chunk chunk : decision.chunks()) {
            final Sequence seq = active.get(chunk.requestId());
            if (seq == null || !seen.add(chunk.requestId()) || preempted.contains(chunk.requestId())) {
                throw new IllegalStateException("policy " + policy.name() + " scheduled request " + chunk.requestId()
                        + " which is unknown, finished, preempted in the same decision, or listed twice");
            }
            if (chunk.tokens() > seq.pendingTokens()) {
                throw new IllegalStateException("policy " + policy.name() + " gave request " + seq.id() + " "
                        + chunk.tokens() + " tokens with only " + seq.pendingTokens() + " pending");
            }
            final int need = kv.blocksFor((long) seq.computed + chunk.tokens()) - seq.blocksHeld;
            if (need > kv.freeBlocks()) {
                throw new IllegalStateException("policy " + policy.name() + " overfilled the KV cache of replica "
                        + replicaId + ": request " + seq.id() + " needs " + need + " blocks, " + kv.freeBlocks() + " free");
            }
            if (seq.state == Sequence.State.WAITING) {
                waiting.remove(seq);
                seq.state = Sequence.State.RUNNING;
                seq.admissionOrder = nextAdmission++;
                seq.admittedAtIteration = iteration;
                running.add(seq);
                emit(RequestEventKind.ADMITTED, seq.request, nowUs, seq.generated, "");
            }
            kv.allocate(need);
            seq.blocksHeld += need;
            final PlanEntry entry = new PlanEntry(seq.id(), chunk.tokens(), seq.computed, seq.promptTokens(),
                    seq.generated, seq.request.outputTokens());
            midPrefillAfter |= !entry.emitsToken();
            entries.add(entry);
        }
        final int continuation = midPrefillAfter ? 0 : memoryCappedContinuation(entries, decision.maxDecodeContinuation());
        final long stopAt = Math.min(decision.continueUntilUs(), nextArrivalUs);
        inFlight = new BatchPlan(replicaId, nextPlanId++, nowUs, entries, continuation, stopAt);
        inFlightBlocksAtStart = kv.usedBlocks();
        return inFlight;
    }

    /**
     * The largest k &lt;= wanted such that k continuation decodes of the emitting entries fit in the free
     * blocks (never past the first completion, where the plan stops anyway).
     */
    private int memoryCappedContinuation(final List<PlanEntry> entries, final int wanted) {
        int hi = wanted;
        for (final PlanEntry e : entries) {
            if (e.emitsToken()) {
                hi = Math.min(hi, e.remainingAfterExplicit());
            }
        }
        if (hi <= 0) {
            return 0;
        }
        final int free = kv.freeBlocks();
        if (growthBlocks(entries, hi) <= free) {
            return hi;
        }
        int lo = 0;
        while (lo < hi) {
            final int mid = (int) (((long) lo + hi + 1) >>> 1);
            if (growthBlocks(entries, mid) <= free) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private int growthBlocks(final List<PlanEntry> entries, final int k) {
        int blocks = 0;
        for (final PlanEntry e : entries) {
            if (e.emitsToken()) {
                final long after = (long) e.computedBefore() + e.tokens();
                blocks += kv.blocksFor(after + k) - kv.blocksFor(after);
            }
        }
        return blocks;
    }

    /**
     * Applies the worker's report of the plan in flight. A report for another plan (stale or duplicate)
     * is ignored and false is returned.
     */
    public boolean onStepReport(final StepReport report) {
        if (inFlight == null || report.planId() != inFlight.planId() || report.replicaId() != replicaId) {
            return false;
        }
        final BatchPlan plan = inFlight;
        final int continuation = report.iterations() - 1;
        if (continuation > plan.maxDecodeContinuation()) {
            throw new IllegalStateException("report of plan " + plan.planId() + " ran " + continuation
                    + " continuation iterations, more than the " + plan.maxDecodeContinuation() + " allowed");
        }
        final long explicitEnd = report.iterationEndUs(0);
        final double explicitIntegral = (double) inFlightBlocksAtStart * (explicitEnd - plan.startUs());
        long prefillTokens = 0;
        long decodeTokens = 0;
        final List<Sequence> continuing = new ArrayList<>();
        final List<Sequence> done = new ArrayList<>();
        for (final PlanEntry e : plan.entries()) {
            final Sequence seq = active.get(e.requestId());
            seq.computed += e.tokens();
            if (e.isDecode()) {
                decodeTokens += 1;
            } else {
                prefillTokens += e.tokens();
            }
            if (e.emitsToken()) {
                seq.generated++;
                if (!seq.firstTokenSeen) {
                    seq.firstTokenSeen = true;
                    emit(RequestEventKind.FIRST_TOKEN, seq.request, explicitEnd, seq.generated, "");
                }
                if (seq.generated == seq.request.outputTokens()) {
                    done.add(seq);
                } else {
                    continuing.add(seq);
                }
            }
        }
        // Continuation: every emitting request decoded once per iteration; integrate the block growth.
        double integral = explicitIntegral;
        int used = kv.usedBlocks();
        if (continuation > 0) {
            final int[] growthAt = new int[continuation + 1];
            final int bs = kv.blockSize();
            for (final Sequence seq : continuing) {
                // Iteration j (1-based) holds blocksFor(computed + j) blocks for this request.
                final int slack = seq.blocksHeld * bs - seq.computed;
                for (int j = slack + 1; j <= continuation; j += bs) {
                    growthAt[j]++;
                }
            }
            int extra = 0;
            long previousEnd = explicitEnd;
            for (int j = 1; j <= continuation; j++) {
                extra += growthAt[j];
                final long end = report.iterationEndUs(j);
                integral += (double) (used + extra) * (end - previousEnd);
                previousEnd = end;
            }
            for (final Sequence seq : continuing) {
                seq.computed += continuation;
                seq.generated += continuation;
                final int need = kv.blocksFor(seq.computed) - seq.blocksHeld;
                kv.allocate(need);
                seq.blocksHeld += need;
                decodeTokens += continuation;
                if (seq.generated > seq.request.outputTokens()) {
                    throw new IllegalStateException("report of plan " + plan.planId() + " decoded request " + seq.id()
                            + " past its " + seq.request.outputTokens() + " output tokens");
                }
                if (seq.generated == seq.request.outputTokens()) {
                    done.add(seq);
                }
            }
        }
        final int peak = kv.usedBlocks();
        final long end = report.endUs();
        for (final Sequence seq : done) {
            running.remove(seq);
            active.remove(seq.id());
            kv.release(seq.blocksHeld);
            seq.blocksHeld = 0;
            seq.state = Sequence.State.FINISHED;
            emit(RequestEventKind.COMPLETED, seq.request, end, seq.generated, "");
        }
        iteration += report.iterations();
        clockUs = end;
        accountedUntilUs = end;
        listener.onStep(new StepSummary(replicaId, plan.planId(), plan.startUs(), end, report.iterations(),
                gapBlockMicros + integral, peak, kv.usedBlocks(), kv.capacityBlocks(), kv.blockSize(),
                prefillTokens, decodeTokens, plan.entries().size()));
        gapBlockMicros = 0;
        inFlight = null;
        return true;
    }

    /**
     * Rejects every request still waiting, with the reason given: used by a transport when the workload
     * has ended and the policy leaves requests waiting on an idle replica (a liveness failure of the
     * policy, reported rather than hidden).
     */
    public int rejectWaiting(final long nowUs, final String reason) {
        final List<Sequence> stuck = new ArrayList<>(waiting);
        for (final Sequence seq : stuck) {
            waiting.remove(seq);
            active.remove(seq.id());
            seq.state = Sequence.State.FINISHED;
            emit(RequestEventKind.REJECTED, seq.request, nowUs, seq.generated, reason);
        }
        return stuck.size();
    }

    private void accountGap(final long nowUs) {
        if (nowUs > accountedUntilUs) {
            gapBlockMicros += (double) kv.usedBlocks() * (nowUs - accountedUntilUs);
            accountedUntilUs = nowUs;
        }
    }

    private void emit(final RequestEventKind kind, final Request request, final long timeUs, final int generated,
                      final String reason) {
        if (kind.isTerminal()) {
            finishedRequests++;
        }
        listener.onRequestEvent(new RequestEvent(kind, request.id(), replicaId, timeUs, request.promptTokens(),
                request.outputTokens(), generated, reason));
    }

    /** The live, read-only view a policy gets (valid during one decide call). */
    private final class View implements SchedulerView {
        @Override
        public long nowUs() {
            return clockUs;
        }

        @Override
        public long iteration() {
            return iteration;
        }

        @Override
        public int blockSize() {
            return kv.blockSize();
        }

        @Override
        public int capacityBlocks() {
            return kv.capacityBlocks();
        }

        @Override
        public int usedBlocks() {
            return kv.usedBlocks();
        }

        @Override
        public List<? extends SeqView> running() {
            return Collections.unmodifiableList(running);
        }

        @Override
        public Iterable<? extends SeqView> waiting() {
            return Collections.unmodifiableSet(waiting);
        }

        @Override
        public int waitingCount() {
            return waiting.size();
        }

        @Override
        public boolean arrivalsEnded() {
            return arrivalsEnded;
        }
    }
}
