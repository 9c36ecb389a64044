package org.kvsched.cli.experiment.mcsf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import org.kvsched.cli.experiment.Experiment;
import org.kvsched.cli.experiment.ExperimentContext;
import org.kvsched.cli.experiment.ExperimentResult;
import org.kvsched.core.engine.PlanExecutor;
import org.kvsched.core.engine.Scheduler;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.metrics.MetricsCollector;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.hindsight.HindsightOptPolicy;
import org.kvsched.core.sim.Router;
import org.kvsched.core.sim.SimulationEngine;
import org.kvsched.core.exec.UnitTimeModel;
import org.kvsched.core.metrics.RequestOutcome;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.Request;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.policy.hindsight.AreaLowerBound;
import org.kvsched.core.policy.hindsight.HindsightProblem;
import org.kvsched.core.policy.hindsight.HindsightSolution;
import org.kvsched.core.policy.hindsight.HindsightSolvers;
import org.kvsched.core.sim.ProgressListener;
import org.kvsched.core.sim.Simulation;
import org.kvsched.core.sim.SimulationSetup;
import org.kvsched.core.workload.Workload;

/**
 * {@code mcsf-synthetic}: MC-SF against the hindsight optimum on the synthetic instances of Jaillet et al.
 * (arXiv 2502.07115, research/mcsf-sortedf.md A.8): M uniform in [30, 50], prompts 1-5, outputs 1..M-s,
 * 200 instances per arrival model (all at time 0 with 40-60 requests; Poisson per slot with rate in [0.5, 1.5]
 * over 40-60 slots). MC-SF runs through the mechanism with the {@code unit} model; the optimum is the
 * best schedule the local search of {@link HindsightSolvers#solve} finds for the {@link HindsightProblem} (an upper
 * estimate of the optimum; CP-SAT cannot solve instances of this size in reasonable time).
 */
public final class McsfSyntheticExperiment implements Experiment {

    /** Per-instance figures. */
    private record Instance(long mcsf, long best, long bound, boolean proven, boolean greedyAgrees, boolean replayAgrees) {
        double ratio() {
            return (double) mcsf / best;
        }

        double ratioToBound() {
            return (double) mcsf / bound;
        }
    }

    @Override
    public String name() {
        return "mcsf-synthetic";
    }

    @Override
    public String description() {
        return "MC-SF / hindsight optimum on synthetic unit-time instances (Jaillet et al. 2502.07115): 1.005 at t=0, 1.047 Poisson";
    }

    @Override
    public ExperimentResult run(final ExperimentContext ctx) {
        final int instances = ctx.quick() ? 8 : 200;
        // CP-SAT is not used here: on a 50-job instance it neither improved the local search's schedule nor raised
        // its bound within 6.5 s (0.1 deterministic s); see the notes.
        final double limit = 0;
        final int evaluations = ctx.quick() ? 2_000 : 30_000;
        final String solverName = "local search (" + evaluations + " schedules, serial schedule generation)";
        final List<Instance> t0 = new ArrayList<>();
        final List<Instance> poisson = new ArrayList<>();
        final SplittableRandom root = new SplittableRandom(ctx.seed());
        for (int k = 0; k < instances; k++) {
            t0.add(instance(root.split(), true, limit, evaluations));
            poisson.add(instance(root.split(), false, limit, evaluations));
            if ((k + 1) % 20 == 0 || k + 1 == instances) {
                ctx.progress().printf("mcsf-synthetic: %d/%d instances per arrival model%n", k + 1, instances);
            }
        }
        final Map<String, Object> json = new LinkedHashMap<>();
        final List<List<String>> rows = new ArrayList<>();
        add(rows, json, "t0", "all at time 0", t0, 1.005, 1.074);
        add(rows, json, "poisson", "Poisson arrivals", poisson, 1.047, 1.227);
        json.put("instances_per_model", instances);
        json.put("solver", solverName);
        json.put("evaluations", evaluations);
        final long disagree = t0.stream().filter(i -> !i.greedyAgrees()).count()
                + poisson.stream().filter(i -> !i.greedyAgrees()).count();
        json.put("mechanism_vs_offline_mcsf_mismatches", disagree);
        final long replayBad = t0.stream().filter(i -> !i.replayAgrees()).count()
                + poisson.stream().filter(i -> !i.replayAgrees()).count();
        json.put("best_schedule_replay_failures", replayBad);
        final List<String> notes = new ArrayList<>();
        notes.add("ratio = total latency of MC-SF (run through the scheduler, unit model, oracle lengths) / total latency of "
                + "the best schedule found by " + solverName + ", started from MC-SF's schedule. Where the "
                + "optimum is not proven (see 'proven'), the best schedule is only an upper estimate of OPT, so our ratio is a "
                + "LOWER estimate of the paper's; 'ratio to bound' (lower bound: CP-SAT's bound or the memory-time area bound) "
                + "is an upper estimate. The paper solved the IP with Gurobi to optimality.");
        notes.add("Reading a ratio above the paper's: it cannot come from a weak optimum, because every best schedule is "
                + "feasible (replayed through the scheduler, see below), so the true MC-SF/OPT ratio is at least ours. "
                + "Candidate causes, none confirmed: the paper's Gurobi runs stopping short of optimality (its solve times "
                + "and gaps are not in the sources read), or generator details we reconstructed (instance counts, Poisson "
                + "discretisation, tie-breaks) [?].");
        notes.add("Memory model: the paper charges s + j while token j is generated (peak s + o); the mechanism charges the "
                + "KV of computed tokens, prompt + j - 1. To reproduce the paper's model exactly every prompt is given s + 1 "
                + "tokens. One prompt size per instance and outputs 1..M-s, as the paper's generator. The mechanism still "
                + "rejects a request whose prompt + output exceeds its capacity, so it gets M + 1 tokens and MC-SF a reserve "
                + "that plans against exactly M.");
        notes.add("Poisson model: per-slot Poisson counts with rate uniform in [0.5, 1.5] over 40-60 slots (the paper's "
                + "discretisation is a reconstruction [R]). MC-SF mismatches between the mechanism and the offline MC-SF of "
                + "the solver's hint: " + disagree + " (0 means the mechanism's memory and the IP's are the same); best "
                + "schedules that did not replay through the scheduler (hindsight-opt policy) to their value: " + replayBad + ".");
        return new ExperimentResult("MC-SF vs hindsight optimum, synthetic instances (Jaillet et al., arXiv 2502.07115)",
                List.of("arrivals", "metric", "ours", "paper", "ours/paper"), rows, json, notes);
    }

    private static void add(final List<List<String>> rows, final Map<String, Object> json, final String key,
                            final String label, final List<Instance> list, final double paperMean, final double paperWorst) {
        final double mean = list.stream().mapToDouble(Instance::ratio).average().orElse(Double.NaN);
        final double worst = list.stream().mapToDouble(Instance::ratio).max().orElse(Double.NaN);
        final double meanBound = list.stream().mapToDouble(Instance::ratioToBound).average().orElse(Double.NaN);
        final double worstBound = list.stream().mapToDouble(Instance::ratioToBound).max().orElse(Double.NaN);
        final long equal = list.stream().filter(i -> i.mcsf() == i.best()).count();
        final long proven = list.stream().filter(Instance::proven).count();
        rows.add(List.of(label, "mean ratio", f(mean), f(paperMean), f(mean / paperMean)));
        rows.add(List.of(label, "worst ratio", f(worst), f(paperWorst), f(worst / paperWorst)));
        rows.add(List.of(label, "MC-SF = best found", equal + "/" + list.size(), key.equals("t0") ? "114/200 (optimal)" : "-", "-"));
        rows.add(List.of(label, "optimum proven", proven + "/" + list.size(), "200/200", "-"));
        rows.add(List.of(label, "mean ratio to lower bound", f(meanBound), "-", "-"));
        json.put("mean_ratio_" + key, mean);
        json.put("worst_ratio_" + key, worst);
        json.put("mean_ratio_to_bound_" + key, meanBound);
        json.put("worst_ratio_to_bound_" + key, worstBound);
        json.put("mcsf_equals_best_" + key, equal);
        json.put("proven_optimal_" + key, proven);
    }

    private static String f(final double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** One instance: generate, run MC-SF through the mechanism, solve the hindsight problem. */
    private static Instance instance(final SplittableRandom rng, final boolean atZero, final double limit,
                                     final int evaluations) {
        final SyntheticInstance inst = SyntheticInstance.draw(rng,
                atZero ? SyntheticInstance.Arrivals.AT_ZERO : SyntheticInstance.Arrivals.POISSON);
        final int m = inst.capacity();
        final List<Request> reqs = inst.requests();
        final Workload w = new Workload("mcsf-synthetic", reqs);
        final SimulationSetup setup = new SimulationSetup(w, PolicyConfig.parse("mcsf:reserve=" + spareReserve(m)),
                ModelCatalog.byName("unit:kv=" + (m + SPARE_TOKENS)),
                LengthPredictor.oracle(), 1, "round-robin", 1);
        long mcsf = 0;
        for (final RequestOutcome o : Simulation.run(setup, ProgressListener.NONE).result().outcomes()) {
            if (!o.completed()) {
                throw new IllegalStateException("MC-SF left request " + o.requestId() + " unserved: " + o.rejectReason());
            }
            mcsf += o.e2eUs();
        }
        mcsf /= UnitTimeModel.UNIT_MICROS;
        final HindsightProblem p = HindsightProblem.of(reqs, m, 1, UnitTimeModel.UNIT_MICROS);
        final long[] hint = p.greedyStarts(true);
        final long greedy = p.totalLatency(hint);
        final HindsightSolution sol = HindsightSolvers.solve(p, limit, evaluations);
        final long best = Math.min(sol.totalLatency(), mcsf);
        final long bound = Math.max(sol.lowerBound(), AreaLowerBound.totalLatency(p));
        // The best schedule must be real for the mechanism: replay it (exact when all arrive at 0, see
        // HindsightOptPolicy; with arrivals the replay can only be later, so it is checked as <=).
        final long replayed = replay(new HindsightOptPolicy(reqs, sol, UnitTimeModel.UNIT_MICROS), reqs, m + SPARE_TOKENS);
        final boolean replayOk = atZero ? replayed == sol.totalLatency() : replayed >= sol.totalLatency();
        return new Instance(mcsf, best, bound, sol.optimal(), greedy == mcsf, replayOk);
    }

    /**
     * Tokens the mechanism's cache gets beyond M. The Scheduler rejects a request whose prompt + output exceeds
     * its capacity, although a request never holds more than prompt + output - 1 (the KV of the last sampled
     * token is never written); with prompts of s + 1 an output of M - s would be turned away. Until that check
     * counts prompt + output - 1, the mechanism gets one spare token that MC-SF's reserve holds back (see
     * {@link #spareReserve}); the mismatch count against the offline MC-SF (exactly M) checks it is never used.
     */
    static final int SPARE_TOKENS = 1;

    /** The reserve fraction that makes MC-SF plan against exactly M on a cache of M + {@link #SPARE_TOKENS}. */
    static double spareReserve(final int m) {
        return (double) SPARE_TOKENS / (m + SPARE_TOKENS);
    }

    /** Total latency (slots) of a policy instance run through the scheduler with the unit model. */
    private static long replay(final Policy policy, final List<Request> reqs, final int kv) {
        final MetricsCollector metrics = new MetricsCollector();
        new SimulationEngine(1, i -> new Scheduler(0, policy, kv, 1, LengthPredictor.oracle(), metrics),
                new PlanExecutor(UnitTimeModel.INSTANCE), Router.byName("round-robin"), ProgressListener.NONE).run(reqs);
        long total = 0;
        for (final RequestOutcome o : metrics.outcomes()) {
            if (!o.completed()) {
                return -1;
            }
            total += o.e2eUs();
        }
        return total / UnitTimeModel.UNIT_MICROS;
    }
}
