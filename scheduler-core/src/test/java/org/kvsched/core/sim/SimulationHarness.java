package org.kvsched.core.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import org.kvsched.core.engine.PlanExecutor;
import org.kvsched.core.engine.Scheduler;
import org.kvsched.core.engine.SchedulerListener;
import org.kvsched.core.engine.StepSummary;
import org.kvsched.core.exec.ExecutionTimeModel;
import org.kvsched.core.metrics.MetricsCollector;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.policy.Decision;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.policy.SchedulerView;
import org.kvsched.core.policy.SeqView;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.policy.PolicyKind;
import org.kvsched.core.workload.Workload;

/**
 * Test fixture: runs a workload through the in-memory engine and checks the {@link LifecycleInvariants}
 * after every event and step, and at the end that no request was lost.
 */
public final class SimulationHarness {

    /** What a harness run produced. */
    public record Run(MetricsCollector metrics, EngineStats stats, List<RequestEvent> events, int maxUsedBlocks,
                      int capacityBlocks, long blocksLeft) {
    }

    private SimulationHarness() {
    }

    /** Wraps a policy so that it never allows a plan continuation. */
    private record OneIterationPerPlan(Policy inner) implements Policy {
        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public Decision decide(final SchedulerView view) {
            final Decision d = inner.decide(view);
            return new Decision(d.chunks(), d.preemptions(), 0, d.continueUntilUs());
        }

        @Override
        public Comparator<SeqView> waitingOrder() {
            return inner.waitingOrder();
        }
    }

    /** Poisson-ish random requests: exponential gaps with the given mean, uniform lengths. */
    public static List<WorkloadRequest> randomRequests(final long seed, final int n, final double meanGapUs,
                                               final int maxPrompt, final int maxOutput) {
        final SplittableRandom rng = new SplittableRandom(seed);
        final List<WorkloadRequest> list = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < n; i++) {
            t += (long) (-Math.log(1 - rng.nextDouble()) * meanGapUs);
            list.add(new WorkloadRequest(i, t, 1 + rng.nextInt(maxPrompt), 1 + rng.nextInt(maxOutput)));
        }
        return list;
    }

    public static Run run(final String policySpec, final ExecutionTimeModel model, final int kvTokens, final int blockSize,
                          final int replicas, final String routing, final LengthPredictor predictor, final List<WorkloadRequest> requests) {
        final MetricsCollector metrics = new MetricsCollector();
        final List<RequestEvent> events = new ArrayList<>();
        final int[] maxUsed = {0};
        final int[] capacity = {0};
        final LifecycleInvariants invariants = new LifecycleInvariants(requests);
        // "name!" forces one iteration per plan, the reference the plan continuation must match.
        final boolean single = policySpec.endsWith("!");
        final PolicyConfig config = PolicyConfig.parse(single ? policySpec.substring(0, policySpec.length() - 1) : policySpec);
        final SimulationEngine engine = new SimulationEngine(replicas, i -> {
            final SchedulerListener listener = new SchedulerListener() {
                @Override
                public void onRequestEvent(final RequestEvent event) {
                    invariants.onEvent(event);
                    events.add(event);
                    metrics.onRequestEvent(event);
                }

                @Override
                public void onStep(final StepSummary s) {
                    invariants.onStep(s);
                    maxUsed[0] = Math.max(maxUsed[0], s.peakBlocks());
                    capacity[0] = s.capacityBlocks();
                    metrics.onStep(s);
                }
            };
            // The served workload is in the context, as Simulation.run gives it (WAIT derives its thresholds from it).
            final Policy policy = PolicyKind.create(config, new PolicyContext(model, kvTokens, blockSize, 7,
                    new Workload("harness", requests)));
            return new Scheduler(i, single ? new OneIterationPerPlan(policy) : policy, kvTokens, blockSize, listener);
        }, new PlanExecutor(model), Router.byName(routing), ProgressListener.NONE);
        final EngineStats stats = engine.run(requests, predictor);
        invariants.assertAllFinished();
        long left = 0;
        for (final Scheduler s : engine.replicas()) {
            left += s.usedBlocks();
        }
        return new Run(metrics, stats, events, maxUsed[0], capacity[0], left);
    }
}
