package org.kvsched.core.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

import org.kvsched.core.policy.baseline.AlphaProtectionPolicy;
import org.kvsched.core.policy.baseline.FcfsVllmPolicy;
import org.kvsched.core.policy.baseline.SarathiPolicy;
import org.kvsched.core.exec.UnitTimeModel;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.policy.baseline.VllmV0Policy;
import org.kvsched.core.policy.hindsight.HindsightOptPolicy;
import org.kvsched.core.policy.hindsight.HindsightProblem;
import org.kvsched.core.policy.hindsight.HindsightSolution;
import org.kvsched.core.policy.hindsight.HindsightSolvers;
import org.kvsched.core.policy.mcsf.McsfPolicy;
import org.kvsched.core.policy.mcsf.SortedFPolicy;
import org.kvsched.core.policy.gsa.FcfsRestartPolicy;
import org.kvsched.core.policy.gsa.GeometricSlicingPolicy;
import org.kvsched.core.policy.gsa.GsaFactory;
import org.kvsched.core.policy.wait.WaitFactory;

/**
 * The registry of policies: one constant per name, each building its policy from checked parameters.
 * Adding a policy means one class, one constant here.
 */
public enum PolicyKind {

    FCFS_VLLM("fcfs-vllm", "vLLM V1: running first, chunked prefill in a token budget, FCFS, preempt newest admitted",
            false,
            List.of(new ParamSpec("max-num-batched-tokens", "8192", "token budget per iteration (8192 offline, 2048 server)"),
                    new ParamSpec("max-num-seqs", "256", "cap on running requests")),
            (p, ctx) -> {
                p.require(p.getInt("max-num-batched-tokens") >= 1, "max-num-batched-tokens", "must be >= 1");
                p.require(p.getInt("max-num-seqs") >= 1, "max-num-seqs", "must be >= 1");
                return new FcfsVllmPolicy(p.getInt("max-num-batched-tokens"), p.getInt("max-num-seqs"));
            }),

    VLLM_V0("vllm-v0", "Vidur's vllm (vLLM V0): prefill-only batches from the queue head, else decode all; restart latest arrival",
            false,
            List.of(new ParamSpec("batch-size-cap", "128", "cap on running requests"),
                    new ParamSpec("max-padded-tokens", "4096", "limit on batch length x longest prompt in a prefill batch, tokens"),
                    new ParamSpec("watermark", "0.01", "fraction of KV blocks kept free at admission")),
            (p, ctx) -> {
                p.require(p.getInt("batch-size-cap") >= 1, "batch-size-cap", "must be >= 1");
                p.require(p.getInt("max-padded-tokens") >= 1, "max-padded-tokens", "must be >= 1");
                p.require(p.getDouble("watermark") >= 0 && p.getDouble("watermark") < 1, "watermark", "must be in [0, 1)");
                return new VllmV0Policy(p.getInt("batch-size-cap"), p.getInt("max-padded-tokens"), p.getDouble("watermark"));
            }),

    SARATHI("sarathi", "Sarathi-Serve: token budget per iteration, decodes then partial prefills then new requests FCFS",
            false,
            List.of(new ParamSpec("chunk-size", "512", "token budget per iteration, decodes included"),
                    new ParamSpec("max-num-seqs", "128", "cap on running requests"),
                    new ParamSpec("watermark", "0.01", "fraction of KV blocks kept free at admission")),
            (p, ctx) -> {
                p.require(p.getInt("chunk-size") >= 1, "chunk-size", "must be >= 1");
                p.require(p.getInt("max-num-seqs") >= 1, "max-num-seqs", "must be >= 1");
                p.require(p.getDouble("watermark") >= 0 && p.getDouble("watermark") < 1, "watermark", "must be in [0, 1)");
                return new SarathiPolicy(p.getInt("chunk-size"), p.getInt("max-num-seqs"), p.getDouble("watermark"));
            }),

    ALPHA_PROTECTION("alpha-protection", "Jaillet et al. benchmark: FCFS admission under (1-alpha) of KV; clear all on overflow",
            false,
            List.of(new ParamSpec("alpha", "0.21", "protected fraction of KV capacity, [0, 1)")),
            (p, ctx) -> {
                p.require(p.getDouble("alpha") >= 0 && p.getDouble("alpha") < 1, "alpha", "must be in [0, 1)");
                return new AlphaProtectionPolicy("alpha-protection", p.getDouble("alpha"), 1.0);
            }),

    ALPHA_BETA_CLEARING("alpha-beta-clearing", "Jaillet et al. benchmark: FCFS admission under (1-alpha) of KV; clear a beta fraction on overflow",
            false,
            List.of(new ParamSpec("alpha", "0.2", "protected fraction of KV capacity, [0, 1)"),
                    new ParamSpec("beta", "0.1", "fraction of running requests evicted per clearing step, (0, 1]")),
            (p, ctx) -> {
                p.require(p.getDouble("alpha") >= 0 && p.getDouble("alpha") < 1, "alpha", "must be in [0, 1)");
                p.require(p.getDouble("beta") > 0 && p.getDouble("beta") <= 1, "beta", "must be in (0, 1]");
                return new AlphaProtectionPolicy("alpha-beta-clearing", p.getDouble("alpha"), p.getDouble("beta"));
            }),

    MCSF("mcsf", "Jaillet et al. MC-SF: keep running; admit shortest predicted first while projected KV fits at every predicted completion",
            true,
            List.of(new ParamSpec("reserve", "0", "fraction of KV capacity held back at admission, [0, 1) (0.1 in the paper's prediction-error study)")),
            (p, ctx) -> {
                p.require(p.getDouble("reserve") >= 0 && p.getDouble("reserve") < 1, "reserve", "must be in [0, 1)");
                return new McsfPolicy("mcsf", true, p.getDouble("reserve"), ctx.kvCapacityTokens());
            }),

    MC_BENCHMARK("mc-benchmark", "Jaillet et al. MC-Benchmark: MC-SF's future-memory check with FCFS order",
            true,
            List.of(new ParamSpec("reserve", "0", "fraction of KV capacity held back at admission, [0, 1)")),
            (p, ctx) -> {
                p.require(p.getDouble("reserve") >= 0 && p.getDouble("reserve") < 1, "reserve", "must be in [0, 1)");
                return new McsfPolicy("mc-benchmark", false, p.getDouble("reserve"), ctx.kvCapacityTokens());
            }),

    SORTED_F("sorted-f", "Wang, Ye, Zhou Sorted-F: the backlog in memory-feasible batches of smallest sum(o)/|X|^2 first, members start as soon as KV allows",
            true,
            List.of(new ParamSpec("reserve", "0", "fraction of KV capacity held back at admission, [0, 1)"),
                    new ParamSpec("max-skips", "64", "misfits the batch search skips before it stops, >= 0")),
            (p, ctx) -> {
                p.require(p.getDouble("reserve") >= 0 && p.getDouble("reserve") < 1, "reserve", "must be in [0, 1)");
                p.require(p.getInt("max-skips") >= 0, "max-skips", "must be >= 0");
                return new SortedFPolicy(p.getDouble("reserve"), p.getInt("max-skips"), ctx.kvCapacityTokens());
            }),

    WAIT("wait", "Ao et al. WAIT: per-type thresholds from the fluid equilibrium; a type starts only when n_j of it wait",
            true, WaitFactory.WAIT_PARAMS, WaitFactory::wait),

    NESTED_WAIT("nested-wait", "Ao et al. Nested WAIT: decode segments entered in threshold groups, safety buffer, unknown lengths",
            false, WaitFactory.NESTED_PARAMS, WaitFactory::nested),

    GSA("gsa", "Feng et al. GSA: geometric slices in a staggered pipeline; a job restarts from scratch once per slice shorter "
            + "than its output (inherent: Azure conv, 19,366 requests: 7,093 restarts at beta 256, 33,458 at beta 64)",
            false, GsaFactory.GSA_PARAMS, (p, ctx) -> GsaFactory.create(GeometricSlicingPolicy.Mode.GSA, p, ctx)),

    GBA("gba", "Feng et al. GBA: geometric length classes, shortest class first, each a staggered pipeline",
            true, GsaFactory.GBA_PARAMS, (p, ctx) -> GsaFactory.create(GeometricSlicingPolicy.Mode.GBA, p, ctx)),

    GBA_D("gba-d", "Feng et al. GBA-D: GBA that starts jobs early into memory freed by early finishers; online, the shortest "
            + "class with a waiting job starts first",
            true, GsaFactory.GBA_PARAMS, (p, ctx) -> GsaFactory.create(GeometricSlicingPolicy.Mode.GBA_D, p, ctx)),

    FCFS_RESTART("fcfs-restart", "GSA paper's vLLM-style baseline: FCFS admission, on overflow restart the newest from scratch",
            false, List.of(), (p, ctx) -> new FcfsRestartPolicy()),

    HINDSIGHT_OPT("hindsight-opt", "offline optimum (Jaillet et al. IP, CP-SAT) replayed; needs the whole workload, the unit model, "
            + "one replica; not for the Kafka pipeline (--verify)",
            true,
            List.of(new ParamSpec("time-limit-s", "0.2", "CP-SAT limit in deterministic seconds (0: local search only); wall time "
                            + "is larger (tens of s for 50 requests); the best schedule found is replayed"),
                    new ParamSpec("evaluations", "20000", "schedules the local search decodes before CP-SAT, >= 0"),
                    new ParamSpec("max-requests", "400", "refuse larger workloads (the IP grows with requests x outputs)")),
            (p, ctx) -> {
                p.require(p.getDouble("time-limit-s") > 0, "time-limit-s", "must be > 0");
                p.require(p.getInt("max-requests") >= 1, "max-requests", "must be >= 1");
                if (ctx.workload() == null) {
                    throw new IllegalArgumentException("policy.hindsight-opt: needs the whole workload in advance (an offline "
                            + "policy); run it in the in-memory simulator, not the Kafka pipeline");
                }
                if (!(ctx.timeModel() instanceof UnitTimeModel)) {
                    throw new IllegalArgumentException("policy.hindsight-opt: needs the unit time model (model 'unit'): "
                            + "the integer program counts time in iterations");
                }
                final List<WorkloadRequest> reqs = ctx.workload().requests();
                if (reqs.size() > p.getInt("max-requests")) {
                    throw new IllegalArgumentException("policy.hindsight-opt.max-requests: the workload has " + reqs.size()
                            + " requests, more than " + p.getInt("max-requests"));
                }
                final HindsightProblem problem = HindsightProblem.of(reqs, ctx.kvCapacityTokens(), ctx.blockSize(),
                        UnitTimeModel.UNIT_MICROS);
                p.require(p.getInt("evaluations") >= 0, "evaluations", "must be >= 0");
                final HindsightSolution solution = HindsightSolvers.solve(problem, p.getDouble("time-limit-s"),
                        p.getInt("evaluations"));
                return new HindsightOptPolicy(reqs, solution, UnitTimeModel.UNIT_MICROS);
            }, true);

    private final String policyName;
    private final String description;
    private final boolean needsLengths;
    private final List<ParamSpec> params;
    private final BiFunction<PolicyParams, PolicyContext, Policy> factory;
    private final boolean offline;

    PolicyKind(final String policyName, final String description, final boolean needsLengths,
               final List<ParamSpec> params, final BiFunction<PolicyParams, PolicyContext, Policy> factory) {
        this(policyName, description, needsLengths, params, factory, false);
    }

    PolicyKind(final String policyName, final String description, final boolean needsLengths,
               final List<ParamSpec> params, final BiFunction<PolicyParams, PolicyContext, Policy> factory,
               final boolean offline) {
        this.policyName = policyName;
        this.description = description;
        this.needsLengths = needsLengths;
        this.params = params;
        this.factory = factory;
        this.offline = offline;
    }

    /**
     * True for an offline policy: it is built from the whole workload in advance (PolicyContext.workload),
     * runs only in the in-memory simulator, is excluded from the Kafka pipeline's {@code --verify}, and the
     * contract suite skips it (its own tests cover it on instances it can solve).
     */
    public boolean offline() {
        return offline;
    }

    /** The registry name (the value of {@code policy=}). */
    public String policyName() {
        return policyName;
    }

    public String description() {
        return description;
    }

    /** True if the policy uses predicted output lengths (so {@code --predictor none} makes no sense for it). */
    public boolean needsLengths() {
        return needsLengths;
    }

    public List<ParamSpec> params() {
        return params;
    }

    /** Builds the policy; fails with one line naming the bad key. */
    public Policy create(final Map<String, String> values, final PolicyContext context) {
        return factory.apply(new PolicyParams(policyName, params, values), context);
    }

    /** Looks a kind up by name; fails with one line listing the valid names. */
    public static PolicyKind byName(final String name) {
        for (final PolicyKind kind : values()) {
            if (kind.policyName.equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("policy: unknown '" + name + "'; valid: " + names());
    }

    /** Comma-separated list of every name. */
    public static String names() {
        return Arrays.stream(values()).map(PolicyKind::policyName).collect(Collectors.joining(", "));
    }

    /** Builds a policy from its configuration. */
    public static Policy create(final PolicyConfig config, final PolicyContext context) {
        return byName(config.kind()).create(config.params(), context);
    }
}
