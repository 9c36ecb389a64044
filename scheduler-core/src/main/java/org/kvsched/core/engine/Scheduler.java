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
 * <p>What it knows of a request is what a real scheduler knows ({@link Request}: prompt, the
 * {@code max_tokens} cap, a prediction); it learns token progress, first tokens and completions only from
 * the worker's {@link StepReport}s, never from a true output length.
 *
 * <p>KV model: a request holds {@code blocksFor(computed tokens)} blocks; a chunk allocates the blocks for
 * its tokens when the plan is made; the continuation's growth is allocated when the report comes back,
 * and the plan's continuation is capped so that growth always fits (up to the cap: a request that ends
 * earlier only frees sooner). A preempted request frees everything; a finished one frees at the report.
 *
 * <p>Every decision it applies is passed to {@link SchedulerListener#onDecision}, and its whole state can be
 * taken ({@link #snapshot}) and restored ({@link #restore}): with both, a transport rebuilds exactly the state
 * the workers executed without asking the policy again, whichever policy runs next ({@link #replacePolicy}).
 */
public final class Scheduler {

    /** How often a decision that only preempts may be followed by another before we call it a policy bug. */
    private static final int MAX_PREEMPT_ONLY_ROUNDS = 64;

    private final int replicaId;
    private final KvCache kv;
    private final SchedulerListener listener;

    private final Map<Long, Sequence> active = new HashMap<>();
    private final List<Sequence> running = new ArrayList<>();
    private Policy policy;
    private TreeSet<Sequence> waiting;
    private final View view = new View();

    private long iteration;
    private long nextPlanId;
    private long clockUs;
    private long nextBackKey;
    private long nextFrontKey = -1;
    private long nextAdmission;
    private boolean arrivalsEnded;
    private long finishedRequests;
    private long stalledRejected;

    private BatchPlan inFlight;
    private int inFlightBlocksAtStart;
    private double gapBlockMicros;
    private long accountedUntilUs;

    /**
     * @param replicaId        id of the replica this scheduler drives
     * @param policy           the policy asked at every decision
     * @param kvCapacityTokens KV capacity, tokens
     * @param blockSize        tokens per block
     * @param listener         receives request events, step summaries and decisions
     */
    public Scheduler(final int replicaId, final Policy policy, final int kvCapacityTokens, final int blockSize,
                     final SchedulerListener listener) {
        this.replicaId = replicaId;
        this.policy = policy;
        this.kv = new KvCache(kvCapacityTokens, blockSize);
        this.listener = listener;
        this.waiting = new TreeSet<>(policy.waitingOrder().thenComparingLong(SeqView::id));
    }

    /** The whole state of this scheduler as values (policy-private state excluded). */
    public SchedulerState snapshot() {
        final List<SchedulerState.SequenceState> run = new ArrayList<>(running.size());
        for (final Sequence seq : running) {
            run.add(stateOf(seq));
        }
        final List<SchedulerState.SequenceState> wait = new ArrayList<>(waiting.size());
        for (final Sequence seq : waiting) {
            wait.add(stateOf(seq));
        }
        return new SchedulerState(replicaId, iteration, nextPlanId, clockUs, nextBackKey, nextFrontKey, nextAdmission,
                arrivalsEnded, finishedRequests, inFlight, inFlightBlocksAtStart, gapBlockMicros, accountedUntilUs, run, wait);
    }

    private static SchedulerState.SequenceState stateOf(final Sequence seq) {
        return new SchedulerState.SequenceState(seq.request, seq.computed, seq.generated, seq.blocksHeld, seq.preemptions,
                seq.queueKey, seq.admissionOrder, seq.admittedAtIteration, seq.firstTokenSeen);
    }

    /**
     * A scheduler in exactly the state {@code state} describes, driven by {@code policy} from now on.
     *
     * @throws IllegalArgumentException if the state does not fit this KV geometry (a snapshot of another deployment)
     */
    public static Scheduler restore(final SchedulerState state, final Policy policy, final int kvCapacityTokens,
                                    final int blockSize, final SchedulerListener listener) {
        final Scheduler s = new Scheduler(state.replicaId(), policy, kvCapacityTokens, blockSize, listener);
        int blocks = 0;
        for (final SchedulerState.SequenceState st : state.running()) {
            final Sequence seq = s.sequenceOf(st, Sequence.State.RUNNING);
            s.running.add(seq);
            blocks += st.blocksHeld();
        }
        for (final SchedulerState.SequenceState st : state.waiting()) {
            s.waiting.add(s.sequenceOf(st, Sequence.State.WAITING));
            blocks += st.blocksHeld();
        }
        if (blocks > s.kv.capacityBlocks()) {
            throw new IllegalArgumentException("snapshot of replica " + state.replicaId() + " holds " + blocks
                    + " KV blocks, more than this deployment's " + s.kv.capacityBlocks());
        }
        s.kv.allocate(blocks);
        s.iteration = state.iteration();
        s.nextPlanId = state.nextPlanId();
        s.clockUs = state.clockUs();
        s.nextBackKey = state.nextBackKey();
        s.nextFrontKey = state.nextFrontKey();
        s.nextAdmission = state.nextAdmission();
        s.arrivalsEnded = state.arrivalsEnded();
        s.finishedRequests = state.finishedRequests();
        s.inFlight = state.inFlight();
        s.inFlightBlocksAtStart = state.inFlightBlocksAtStart();
        s.gapBlockMicros = state.gapBlockMicros();
        s.accountedUntilUs = state.accountedUntilUs();
        return s;
    }

    private Sequence sequenceOf(final SchedulerState.SequenceState st, final Sequence.State state) {
        final Sequence seq = new Sequence(st.request(), st.queueKey());
        seq.state = state;
        seq.computed = st.computed();
        seq.generated = st.generated();
        seq.blocksHeld = st.blocksHeld();
        seq.preemptions = st.preemptions();
        seq.admissionOrder = st.admissionOrder();
        seq.admittedAtIteration = st.admittedAtIteration();
        seq.firstTokenSeen = st.firstTokenSeen();
        if (active.put(seq.id(), seq) != null) {
            throw new IllegalArgumentException("snapshot of replica " + replicaId + " holds request " + seq.id() + " twice");
        }
        return seq;
    }

    /**
     * Hands the replica to another policy (a redeploy with another policy, or the end of a restore that
     * re-applied recorded decisions). Running requests keep their KV and progress; only the waiting
     * queue's order changes, to the new policy's.
     */
    public void replacePolicy(final Policy next) {
        final TreeSet<Sequence> reordered = new TreeSet<>(next.waitingOrder().thenComparingLong(SeqView::id));
        reordered.addAll(waiting);
        this.waiting = reordered;
        this.policy = next;
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

    /** Requests rejected by {@link #rejectWaiting} so far (a policy's liveness failures). */
    public long stalledRejected() {
        return stalledRejected;
    }

    /** The plan whose report is awaited, or null. */
    public BatchPlan planInFlight() {
        return inFlight;
    }

    /** True while a plan is out and its report has not come back. */
    public boolean hasPlanInFlight() {
        return inFlight != null;
    }

    /** True when no request is waiting or running. */
    public boolean isDrained() {
        return active.isEmpty();
    }

    /**
     * Work still owed on this replica as far as the scheduler can tell, tokens: pending prompt plus the
     * predicted rest of the output (the cap when there is no prediction). For routing.
     */
    public long outstandingTokens() {
        long sum = 0;
        for (final Sequence s : active.values()) {
            final int expected = s.predictedOutputTokens() == org.kvsched.core.model.LengthPredictor.UNKNOWN
                    ? s.request.maxTokens() : Math.min(s.predictedOutputTokens(), s.request.maxTokens());
            sum += s.pendingTokens() + Math.max(0, expected - s.generated);
        }
        return sum;
    }

    /** True if a request with this id is waiting or running here. */
    public boolean holds(final long requestId) {
        return active.containsKey(requestId);
    }

    /**
     * Receives a request. It is rejected at once (REJECTED event, never queued) if it could outgrow this
     * replica's KV cache: at its cap it holds prompt + max_tokens − 1 tokens (the last token's KV is never written).
     */
    public void onArrival(final Request request) {
        if (active.containsKey(request.id())) {
            throw new IllegalArgumentException("request " + request.id() + " arrived twice at replica " + replicaId);
        }
        emit(RequestEventKind.ARRIVED, request, request.arrivalUs(), 0, "");
        if (kv.blocksFor(request.maxKvTokens()) > kv.capacityBlocks()) {
            emit(RequestEventKind.REJECTED, request, request.arrivalUs(), 0,
                    "may need " + request.maxKvTokens() + " tokens of KV (prompt " + request.promptTokens() + " + max_tokens "
                            + request.maxTokens() + " - 1), more than the replica's capacity of " + kv.capacityTokens());
            return;
        }
        final Sequence seq = new Sequence(request, nextBackKey++);
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
        // Preemptions of every round go out with the plan, for workers that hold requests (a server's streams).
        // A round that preempts and then runs nothing sends none: such a worker learns of it at the re-admission.
        final List<Long> preempted = new ArrayList<>();
        for (int round = 0; round < MAX_PREEMPT_ONLY_ROUNDS; round++) {
            if (active.isEmpty()) {
                return null;
            }
            final Decision decision = policy.decide(view);
            listener.onDecision(nowUs, decision);
            applyPreemptions(decision, nowUs);
            decision.preemptions().forEach(p -> preempted.add(p.requestId()));
            if (!decision.chunks().isEmpty()) {
                return makePlan(decision, nowUs, nextArrivalUs, preempted);
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

    private BatchPlan makePlan(final Decision decision, final long nowUs, final long nextArrivalUs, final List<Long> preempted) {
        final List<PlanEntry> entries = new ArrayList<>(decision.chunks().size());
        final Set<Long> seen = new HashSet<>();
        final Set<Long> preemptedNow = new HashSet<>();
        decision.preemptions().forEach(p -> preemptedNow.add(p.requestId()));
        boolean midPrefillAfter = false;
        for (final Decision.Chunk chunk : decision.chunks()) {
            final Sequence seq = active.get(chunk.requestId());
            if (seq == null || !seen.add(chunk.requestId()) || preemptedNow.contains(chunk.requestId())) {
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
                    seq.generated, seq.request.maxTokens());
            midPrefillAfter |= !entry.emitsToken();
            entries.add(entry);
        }
        final int continuation = midPrefillAfter ? 0 : memoryCappedContinuation(entries, decision.maxDecodeContinuation());
        final long stopAt = Math.min(decision.continueUntilUs(), nextArrivalUs);
        inFlight = new BatchPlan(replicaId, nextPlanId++, nowUs, entries, continuation, stopAt, preempted);
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
     * Applies the worker's report of the plan in flight: each request's new output tokens, first-token
     * times and finishes (FIRST_TOKEN and COMPLETED events come from here only). A report for another plan
     * (stale or duplicate) is ignored and false is returned.
     *
     * @throws IllegalArgumentException if the report contradicts its plan (a request that is not in it, more
     *                                  tokens than the plan or the cap allow); the state is then unchanged
     */
    public boolean onStepReport(final StepReport report) {
        if (!awaits(report)) {
            return false;
        }
        final BatchPlan plan = inFlight;
        final Map<Long, TokenProgress> byId = checkedProgress(plan, report);
        final long explicitEnd = report.iterationEndUs(0);
        final int iterations = report.iterations();
        double integral = (double) inFlightBlocksAtStart * (explicitEnd - plan.startUs());
        long prefillTokens = 0;
        long decodeTokens = 0;
        final int bs = kv.blockSize();
        // Growth of the continuation: blocks newly needed at each later iteration, for the time integral.
        final int[] growthAt = new int[iterations];
        final List<Sequence> done = new ArrayList<>();
        final List<FinishReason> reasons = new ArrayList<>();
        final List<String> messages = new ArrayList<>();
        for (final PlanEntry e : plan.entries()) {
            final Sequence seq = active.get(e.requestId());
            final TokenProgress p = byId.get(e.requestId());
            final int tokens = p == null ? 0 : p.outputTokens();
            // An entry that should have sampled a token but got none did not run yet: a server that batches by
            // itself (the vLLM adapter) can report before a request's next token, and its chunk stays pending.
            // A simulated worker always gives an emitting entry its token.
            if (!e.emitsToken() || tokens > 0) {
                seq.computed += e.tokens();
                if (e.isDecode()) {
                    decodeTokens += 1;
                } else {
                    prefillTokens += e.tokens();
                }
            }
            if (tokens > 0) {
                seq.generated += tokens;
                if (!seq.firstTokenSeen) {
                    seq.firstTokenSeen = true;
                    final long at = p.firstTokenUs() == TokenProgress.NONE ? explicitEnd : p.firstTokenUs();
                    emit(RequestEventKind.FIRST_TOKEN, seq.request, at, seq.generated - tokens + 1, "");
                }
                // Decoding tokens 2..n of this plan writes the KV of tokens 1..n-1: iteration j holds blocksFor(computed + j).
                final int slack = seq.blocksHeld * bs - seq.computed;
                for (int j = slack + 1; j < tokens; j += bs) {
                    growthAt[Math.min(j, iterations - 1)]++;
                }
                seq.computed += tokens - 1;
                decodeTokens += tokens - 1;
                final int need = kv.blocksFor(seq.computed) - seq.blocksHeld;
                // A request that finishes in this report may bring more tokens than its plan reserved KV for (a server
                // ran ahead of the plan). Its blocks are freed below, so it takes no growth beyond the reservation,
                // which would eat blocks reserved for the others.
                final boolean beyondPlan = !e.emitsToken() || tokens > 1 + plan.maxDecodeContinuation();
                if (need > 0 && !(p.finished() && beyondPlan)) {
                    kv.allocate(need);
                    seq.blocksHeld += need;
                }
            }
            if (p != null && p.finished()) {
                done.add(seq);
                reasons.add(p.finish());
                messages.add(p.message());
            } else if (seq.generated >= seq.request.maxTokens()) {
                // The cap ends a request whatever the worker says.
                done.add(seq);
                reasons.add(FinishReason.LENGTH);
                messages.add("");
            }
        }
        int used = inFlightBlocksAtStart;
        int extra = 0;
        long previousEnd = explicitEnd;
        for (int j = 1; j < iterations; j++) {
            extra += growthAt[j];
            final long end = report.iterationEndUs(j);
            integral += (double) (used + extra) * (end - previousEnd);
            previousEnd = end;
        }
        final int peak = kv.usedBlocks();
        final long end = report.endUs();
        for (int i = 0; i < done.size(); i++) {
            final Sequence seq = done.get(i);
            running.remove(seq);
            active.remove(seq.id());
            kv.release(seq.blocksHeld);
            seq.blocksHeld = 0;
            seq.state = Sequence.State.FINISHED;
            final FinishReason why = reasons.get(i);
            emit(RequestEventKind.COMPLETED, seq.request, end, seq.generated,
                    messages.get(i).isEmpty() ? why.wireName() : why.wireName() + ": " + messages.get(i));
        }
        iteration += iterations;
        clockUs = Math.max(clockUs, end);
        accountedUntilUs = end;
        listener.onStep(new StepSummary(replicaId, plan.planId(), plan.startUs(), end, iterations,
                gapBlockMicros + integral, peak, kv.usedBlocks(), kv.capacityBlocks(), kv.blockSize(),
                prefillTokens, decodeTokens, plan.entries().size()));
        gapBlockMicros = 0;
        inFlight = null;
        return true;
    }

    /** True if {@code report} answers the plan in flight (else it is stale or a duplicate). */
    public boolean awaits(final StepReport report) {
        return inFlight != null && report.planId() == inFlight.planId() && report.replicaId() == replicaId;
    }

    /**
     * Checks a report of the plan in flight against the plan without applying it.
     *
     * @throws IllegalArgumentException naming what contradicts the plan
     */
    public void checkReport(final StepReport report) {
        if (awaits(report)) {
            checkedProgress(inFlight, report);
        }
    }

    /** The report's progress by request, after checking it against the plan; nothing is changed. */
    private Map<Long, TokenProgress> checkedProgress(final BatchPlan plan, final StepReport report) {
        if (report.iterations() - 1 > plan.maxDecodeContinuation()) {
            throw new IllegalArgumentException("report of plan " + plan.planId() + " ran " + (report.iterations() - 1)
                    + " continuation iterations, more than the " + plan.maxDecodeContinuation() + " allowed");
        }
        final Map<Long, PlanEntry> entries = new HashMap<>();
        for (final PlanEntry e : plan.entries()) {
            entries.put(e.requestId(), e);
        }
        final Map<Long, TokenProgress> byId = new HashMap<>();
        for (final TokenProgress p : report.progress()) {
            final PlanEntry e = entries.get(p.requestId());
            if (e == null || byId.put(p.requestId(), p) != null) {
                throw new IllegalArgumentException("report of plan " + plan.planId() + " on replica " + replicaId
                        + " names request " + p.requestId() + " which is not in the plan, or names it twice");
            }
            // A running request may bring what the plan reserved KV for; one that finishes, everything up to its cap.
            final int allowed = p.finished() ? e.maxTokens() - e.generatedBefore()
                    : e.emitsToken() ? Math.min(1 + plan.maxDecodeContinuation(), e.maxTokens() - e.generatedBefore()) : 0;
            if (p.outputTokens() > allowed) {
                throw new IllegalArgumentException("report of plan " + plan.planId() + " gives request " + p.requestId() + " "
                        + p.outputTokens() + " output tokens, more than the " + allowed + " its plan and cap allow");
            }
        }
        return byId;
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
        stalledRejected += stuck.size();
        return stuck.size();
    }

    /**
     * Ends a waiting request (queued, or preempted and queued again) without running it, because its client
     * went away: a COMPLETED event with reason {@code abort} and the tokens generated so far. A waiting request
     * holds no KV blocks. A running request cannot end this way: it ends through its plan's report
     * ({@link FinishReason#ABORT} in its progress). A transport that records its inputs for replay must record
     * this call as one.
     *
     * @param requestId the request
     * @param nowUs     time of the abort, microseconds
     * @return false if the request is not waiting here (running, finished, or unknown)
     */
    public boolean abortWaiting(final long requestId, final long nowUs) {
        final Sequence seq = active.get(requestId);
        if (seq == null || seq.state != Sequence.State.WAITING) {
            return false;
        }
        waiting.remove(seq);
        active.remove(requestId);
        seq.state = Sequence.State.FINISHED;
        emit(RequestEventKind.COMPLETED, seq.request, Math.max(nowUs, seq.request.arrivalUs()), seq.generated,
                FinishReason.ABORT.wireName());
        return true;
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
                request.maxTokens(), generated, reason));
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
