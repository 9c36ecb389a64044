package org.kvsched.benchmarks;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.PlanEntry;
import org.kvsched.core.engine.PlanExecutor;
import org.kvsched.core.engine.Scheduler;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.policy.Decision;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.policy.PolicyKind;

/**
 * One {@code llama2-7b-a100} replica (118,784 KV tokens, blocks of 16) brought into the state the decision
 * benchmark measures: memory-bound. Requests arrive one at a time and the replica is stepped through the real
 * mechanism (decisions, {@link PlanExecutor} iterations, reports) until every running request decodes and the
 * policy refuses the next waiting request; then the queue is topped up to the wanted length. The running set is
 * then as large as the policy's KV rule allows (about a hundred requests for the vLLM-style policies at ~99%
 * of the KV, fewer under alpha-protection's threshold), and the free KV holds not even the queue head.
 *
 * <p>Lengths: prompts uniform in [{@value #MIN_PROMPT}, {@value #MAX_PROMPT}] tokens, outputs uniform in
 * [{@value #MIN_OUTPUT}, {@value #MAX_OUTPUT}] tokens, from seeded {@link SplittableRandom}s. The queue has its
 * own seed, so every policy sees the same queued requests whatever its fill phase needed. Predictions are the
 * true lengths (oracle), so a length-aware policy gets the inputs it expects. Not thread-safe; setup only.
 */
final class LoadedReplica {

    static final String MODEL = "llama2-7b-a100";
    static final int MIN_PROMPT = 200;
    static final int MAX_PROMPT = 2000;
    static final int MIN_OUTPUT = 50;
    static final int MAX_OUTPUT = 500;

    private static final long FILL_SEED = 0x6B7673636865644CL;
    private static final long QUEUE_SEED = 0x6B76736368656451L;
    private static final long POLICY_SEED = 1L;
    /** Far more than any baseline needs (100 to 300 steps); a policy that never settles fails loudly. */
    private static final int MAX_FILL_STEPS = 100_000;

    private final Scheduler scheduler;
    /** Ids of the running requests, kept from the scheduler's events (the scheduler exposes only counts). */
    private final Set<Long> runningIds;
    private final int fillSteps;
    private final int queued;

    private LoadedReplica(final Scheduler scheduler, final Set<Long> runningIds, final int fillSteps, final int queued) {
        this.scheduler = scheduler;
        this.runningIds = runningIds;
        this.fillSteps = fillSteps;
        this.queued = queued;
    }

    /**
     * Builds the state for a registered policy with its default parameters.
     *
     * @param policyName a {@link PolicyKind} name
     * @param waiting    number of waiting requests to leave in the queue, &gt;= 1
     */
    static LoadedReplica build(final String policyName, final int waiting) {
        final ModelProfile model = ModelCatalog.byName(MODEL);
        // No workload in the context: a future policy that derives its parameters from workload statistics
        // will fail here with its own message, and then needs a Workload passed in.
        final PolicyContext context = new PolicyContext(model.timeModel(), model.kvCapacityTokens(),
                model.blockSize(), POLICY_SEED);
        return build(PolicyKind.byName(policyName).create(Map.of(), context), waiting);
    }

    /**
     * Builds the state for any policy instance (for experiments with policies outside the registry).
     *
     * @param policy  a fresh policy; it is asked during the fill, so its internal state, if any, is that of the fill
     * @param waiting number of waiting requests to leave in the queue, &gt;= 1
     */
    /** The scheduler's view of a request with a perfect prediction (its true length is its cap here). */
    private static org.kvsched.core.model.Request oracle(final WorkloadRequest r) {
        return r.toRequest(r.outputTokens());
    }

    static LoadedReplica build(final Policy policy, final int waiting) {
        if (waiting < 1) {
            throw new IllegalArgumentException("waiting must be >= 1, got " + waiting);
        }
        final String policyName = policy.name();
        final ModelProfile model = ModelCatalog.byName(MODEL);
        final Set<Long> runningIds = new HashSet<>();
        final Scheduler scheduler = new Scheduler(0, policy, model.kvCapacityTokens(), model.blockSize(),
                event -> track(runningIds, event));
        final PlanExecutor executor = new PlanExecutor(model.timeModel());
        final SplittableRandom fillRng = new SplittableRandom(FILL_SEED);

        long nextId = 0;
        int steps = 0;
        // Feed one arrival whenever the queue is empty and step the replica one iteration at a time, until the
        // policy, with every running request decoding, leaves the queue head waiting: the KV cache is then as
        // full as this policy lets it get, which is the state of an overloaded replica.
        while (true) {
            if (++steps > MAX_FILL_STEPS) {
                throw new IllegalStateException("policy " + policyName + " did not reach a memory-bound decoding state in "
                        + MAX_FILL_STEPS + " steps");
            }
            final long now = scheduler.clockUs();
            // One arrival at a time: the running set grows as fast as the policy admits, and the only request
            // left waiting at the end is one the policy refused.
            if (scheduler.waitingCount() == 0) {
                scheduler.onArrival(oracle(request(nextId++, now, fillRng)));
            }
            // A next arrival just after now stops every plan after its explicit iteration, so contexts grow by at
            // most one token per step and we stop at the first saturated step rather than decoding past it.
            final BatchPlan plan = scheduler.schedule(now, now + 1);
            if (plan == null) {
                throw new IllegalStateException("policy " + policyName + " idled with " + scheduler.runningCount()
                        + " running and " + scheduler.waitingCount() + " waiting during the fill");
            }
            if (!scheduler.onStepReport(executor.execute(plan, id -> -1))) {
                throw new IllegalStateException("report of plan " + plan.planId() + " was not accepted");
            }
            if (scheduler.waitingCount() > 0 && onlyDecodes(scheduler.previewDecision(), runningIds, scheduler.runningCount())) {
                break;
            }
        }

        final SplittableRandom queueRng = new SplittableRandom(QUEUE_SEED);
        final long now = scheduler.clockUs();
        int queued = 0;
        while (scheduler.waitingCount() < waiting) {
            scheduler.onArrival(oracle(request(nextId++, now, queueRng)));
            queued++;
        }
        return new LoadedReplica(scheduler, runningIds, steps, queued);
    }

    Scheduler scheduler() {
        return scheduler;
    }

    /** One line describing the state and what the policy decides in it, for the benchmark log. */
    String describe() {
        final Decision decision = scheduler.previewDecision();
        final long admitted = decision.chunks().stream().filter(c -> !runningIds.contains(c.requestId())).count();
        return String.format("state: policy=%s running=%d waiting=%d (queued %d after %d fill steps) kv=%.1f%% used;"
                        + " decision: %d chunks, %d admitted from the queue, %d preemptions",
                scheduler.policy().name(), scheduler.runningCount(), scheduler.waitingCount(), queued, fillSteps,
                100.0 * scheduler.usedBlocks() / scheduler.capacityBlocks(), decision.chunks().size(), admitted,
                decision.preemptions().size());
    }

    /**
     * True when the decision decodes every running request (one token each), preempts nothing and admits
     * nothing: the policy holds the queue back although the running set needs no more than its next token.
     */
    private static boolean onlyDecodes(final Decision decision, final Set<Long> runningIds, final int running) {
        return decision.preemptions().isEmpty() && decision.chunks().size() == running
                && decision.chunks().stream().allMatch(c -> c.tokens() == 1 && runningIds.contains(c.requestId()));
    }

    private static WorkloadRequest request(final long id, final long arrivalUs, final SplittableRandom rng) {
        final int prompt = rng.nextInt(MIN_PROMPT, MAX_PROMPT + 1);
        final int output = rng.nextInt(MIN_OUTPUT, MAX_OUTPUT + 1);
        return new WorkloadRequest(id, arrivalUs, prompt, output);
    }

    private static void track(final Set<Long> runningIds, final RequestEvent event) {
        switch (event.kind()) {
            case ADMITTED:
                runningIds.add(event.requestId());
                break;
            case PREEMPTED:
            case COMPLETED:
                runningIds.remove(event.requestId());
                break;
            default:
                break;
        }
    }
}
