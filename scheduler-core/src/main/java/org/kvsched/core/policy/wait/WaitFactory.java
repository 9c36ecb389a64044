package org.kvsched.core.policy.wait;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.kvsched.core.policy.AbstractPolicyFactory;
import org.kvsched.core.policy.ParamSpec;
import org.kvsched.core.policy.ParamSpec.Range;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.policy.PolicyParams;

/**
 * Registers {@link WaitPolicy} as {@code wait}: the request types and thresholds are given, or derived from the
 * served workload and the execution-time model (the fluid model of {@link WaitThresholds}).
 */
public final class WaitFactory extends AbstractPolicyFactory {

    /** The registry name. */
    public static final String NAME = "wait";

    /** Fluid model's fixed iteration cost, read by {@link #linearTime}: a parameter of both WAIT policies. */
    static final ParamSpec D0_MS = ParamSpec.text("d0-ms", "auto", "fluid model: fixed iteration cost, ms; auto: from the execution-time model");

    /** Fluid model's cost per KV token, read by {@link #linearTime}: a parameter of both WAIT policies. */
    static final ParamSpec D1_MS = ParamSpec.text("d1-ms", "auto", "fluid model: cost per KV token, ms; auto: from the execution-time model");

    /** Most waiting requests read per decision: a parameter of both WAIT policies. */
    static final ParamSpec SCAN_LIMIT = ParamSpec.integer("scan-limit", "1024", Range.atLeast(1), "most waiting requests read per decision");

    /** The factory {@code PolicyKind} lists. */
    public WaitFactory() {
        super(NAME, "Ao et al. WAIT: per-type thresholds from the fluid equilibrium; a type starts only when n_j of it wait",
                Set.of(Flag.USES_PREDICTIONS),
                List.of(
                    ParamSpec.text("types", "auto", "request types PROMPTxOUTPUT@RATE+... (rate req/s); auto: from the served workload"),
                    ParamSpec.integer("max-types", "8", Range.atLeast(1), "auto types: distinct (prompt, output) pairs if at most this many, else this many output buckets"),
                    ParamSpec.text("thresholds", "auto", "n_j per type (requests per stage, may be < 1), N+N+... in type order (sorted by output); auto: from the fluid model"),
                    ParamSpec.number("slack", "0.05", Range.atLeast(0), "auto thresholds: c = (1 + slack) Delta-T*"),
                    D0_MS,
                    D1_MS,
                    ParamSpec.bool("gate-decodes", "false", "true: Algorithm 1 literally, a type below its threshold pauses entirely"),
                    SCAN_LIMIT));
    }

    @Override
    public Policy create(final PolicyParams p, final PolicyContext ctx) {
        final String typesSpec = p.getString("types");
        final TypeMix mix;
        if (!typesSpec.equals("auto")) {
            mix = TypeMix.parse(typesSpec, "policy." + NAME + ".types");
        } else {
            p.require(ctx.workload() != null && !ctx.workload().isEmpty(), "types",
                    "is needed when the workload is unknown (give PROMPTxOUTPUT@RATE+...)");
            mix = TypeMix.fromWorkload(ctx.workload(), p.getInt("max-types"));
        }
        final String given = p.getString("thresholds");
        final WaitThresholds t;
        final LinearTime time = linearTime(p, ctx, mix);
        if (given.equals("auto")) {
            t = WaitThresholds.compute(mix, time, ctx.kvCapacityTokens(), p.getDouble("slack"));
        } else {
            final List<Double> n = new ArrayList<>();
            for (final String part : given.split("\\+")) {
                try {
                    n.add(Double.parseDouble(part.trim()));
                } catch (final NumberFormatException e) {
                    p.require(false, "thresholds", "must be numbers joined by '+'");
                }
            }
            p.require(n.size() == mix.size(), "thresholds", "needs one value per type (" + mix.size() + ": " + mix.describe() + ")");
            p.require(n.stream().allMatch(x -> x > 0), "thresholds", "must all be > 0");
            t = WaitThresholds.explicit(mix, n, time);
        }
        return new WaitPolicy(mix, t, p.getBoolean("gate-decodes"), p.getInt("scan-limit"));
    }

    /** d0 and d1 (parameters {@code d0-ms}, {@code d1-ms}): explicit, or from the context's execution-time model. */
    static LinearTime linearTime(final PolicyParams p, final PolicyContext ctx, final TypeMix mix) {
        final String d0 = p.getString("d0-ms");
        final String d1 = p.getString("d1-ms");
        final LinearTime auto = d0.equals("auto") || d1.equals("auto")
                ? LinearTime.of(ctx.timeModel(), mix.types(), ctx.kvCapacityTokens()) : null;
        final double d0s = d0.equals("auto") ? auto.d0Seconds() : p.getDouble("d0-ms") / 1000.0;
        final double d1s = d1.equals("auto") ? auto.d1SecondsPerToken() : p.getDouble("d1-ms") / 1000.0;
        p.require(d0s >= 0, "d0-ms", "must be >= 0");
        p.require(d1s >= 0, "d1-ms", "must be >= 0");
        return new LinearTime(d0s, d1s, auto == null ? "explicit" : auto.how());
    }

    /** The integers of a parameter written {@code N+N+...}. */
    static List<Integer> integers(final PolicyParams p, final String key) {
        final List<Integer> list = new ArrayList<>();
        for (final String part : p.getString(key).split("\\+")) {
            try {
                list.add(Integer.parseInt(part.trim()));
            } catch (final NumberFormatException e) {
                p.require(false, key, "must be integers joined by '+'");
            }
        }
        return list;
    }
}
