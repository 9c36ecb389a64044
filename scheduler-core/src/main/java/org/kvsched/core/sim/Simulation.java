package org.kvsched.core.sim;

import org.kvsched.core.engine.PlanExecutor;
import org.kvsched.core.engine.ReplicaSpec;
import org.kvsched.core.metrics.MetricsCollector;
import org.kvsched.core.metrics.RunResult;
import org.kvsched.core.metrics.Summary;

/** Runs a {@link SimulationSetup} through the in-memory engine and collects its metrics. */
public final class Simulation {

    /**
     * What a run produced.
     *
     * @param result the metrics (wall time 0: the caller measures it)
     * @param stats  engine work counters
     */
    public record Outcome(RunResult result, EngineStats stats) {
    }

    private Simulation() {
    }

    /** Runs the setup to the end. Fails fast (before any work) on a bad policy configuration. */
    public static Outcome run(final SimulationSetup setup, final ProgressListener progress) {
        return run(setup, progress, null);
    }

    /**
     * Runs the setup to the end, swapping the policy as {@code swap} says (null: no swap). Round-robin
     * routing only when swapping, as a replay routes.
     */
    public static Outcome run(final SimulationSetup setup, final ProgressListener progress, final PolicySwap swap) {
        final MetricsCollector metrics = new MetricsCollector();
        // Building the spec validates the policy, so a configuration error surfaces before the run starts.
        final ReplicaSpec spec = setup.replicaSpec();
        final SimulationEngine engine = new SimulationEngine(setup.replicas(), i -> spec.newScheduler(i, metrics),
                new PlanExecutor(setup.model().timeModel()), Router.byName(setup.routing()), progress);
        if (swap != null) {
            final ReplicaSpec next = spec.withPolicy(swap.next());
            engine.swapPolicyAt(swap.swapTimes(setup.workload().requests(), setup.replicas()), i -> next.newPolicy());
        }
        final EngineStats stats = engine.run(setup.workload().requests(), setup.predictor());
        final Summary summary = metrics.summary(setup.replicas(), setup.model().kvCapacityTokens());
        return new Outcome(new RunResult(setup.policy().toSpec(), setup.model().name(), 1.0, summary, metrics.outcomes(),
                metrics.kvSamples(), 0), stats);
    }
}
