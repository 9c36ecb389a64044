package org.kvsched.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.kvsched.core.engine.Scheduler;
import org.kvsched.core.policy.PolicyFactory;
import org.kvsched.core.policy.PolicyKind;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost of ONE scheduling decision: the time {@link Scheduler#previewDecision()} takes to ask a policy for the
 * next batch of a loaded replica, in microseconds per decision (JMH average time). Nothing in the scheduler
 * changes between calls, so every invocation measures the same decision.
 *
 * <p>State (see {@link LoadedReplica}): {@code llama2-7b-a100} filled through the mechanism until every running
 * request decodes and the policy refuses the queue head for lack of KV (memory-bound: ~100 running at ~99% of
 * the KV for the vLLM-style policies, ~85 at the 80% threshold of the alpha policies), then topped up to
 * {@link #waiting} queued requests, none of which the decision admits. An FCFS policy should stop at the first
 * request it cannot take, so its cost should not depend on {@link #waiting}; a cost that grows with it means
 * the policy walks the queue (a policy that skips misfits would read all of it here).
 *
 * <p>Adding a policy: append its {@link PolicyKind} name to the {@code @Param} list of {@link #policy} (JMH
 * needs compile-time constants there), or run it without recompiling with {@code -p policy=NAME}. The setup
 * prints a warning naming every registered policy missing from the list.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class DecisionBenchmark {

    /** A {@link PolicyKind} name, built with its default parameters. Keep in step with PolicyKind.all(). */
    @Param({"fcfs-vllm", "vllm-v0", "sarathi", "alpha-protection", "alpha-beta-clearing", "mcsf", "mc-benchmark", "sorted-f"})
    public String policy;

    /** Requests in the waiting queue when the decision is taken. */
    @Param({"10", "1000", "10000"})
    public int waiting;

    private Scheduler scheduler;

    /** Builds the loaded replica once per parameter combination (the decision does not change it). */
    @Setup(Level.Trial)
    public void setUp() {
        warnAboutUnlistedPolicies();
        final LoadedReplica replica = LoadedReplica.build(policy, waiting);
        scheduler = replica.scheduler();
        // Printed so a reader of the log can check that the state is the intended one (memory-bound queue,
        // nothing preempted) and see how much of the queue the decision takes.
        System.out.println();
        System.out.println("# " + replica.describe());
    }

    /** One decision; the Blackhole keeps the JIT from discarding it. */
    @Benchmark
    public void decide(final Blackhole blackhole) {
        blackhole.consume(scheduler.previewDecision());
    }

    private static void warnAboutUnlistedPolicies() {
        final List<String> listed;
        try {
            listed = Arrays.asList(DecisionBenchmark.class.getField("policy").getAnnotation(Param.class).value());
        } catch (final NoSuchFieldException e) {
            throw new IllegalStateException("the policy parameter field was renamed", e);
        }
        final List<String> missing = new ArrayList<>();
        for (final PolicyFactory kind : PolicyKind.all()) {
            // Offline policies are built from a whole workload and cannot be benchmarked on a loaded replica.
            if (!kind.offline() && !listed.contains(kind.name())) {
                missing.add(kind.name());
            }
        }
        if (!missing.isEmpty()) {
            System.out.println("# WARNING: registered policies not in DecisionBenchmark's @Param list: "
                    + String.join(", ", missing) + " (add them there, or run with -p policy=" + String.join(",", missing) + ")");
        }
    }
}
