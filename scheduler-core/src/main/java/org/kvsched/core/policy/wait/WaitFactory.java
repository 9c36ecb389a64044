package org.kvsched.core.policy.wait;

import java.util.ArrayList;
import java.util.List;

import org.kvsched.core.policy.ParamSpec;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.policy.PolicyParams;

/** Builds {@link WaitPolicy} and {@link NestedWaitPolicy} from their registry parameters. */
public final class WaitFactory {

    /** Parameters of {@code wait}. */
    public static final List<ParamSpec> WAIT_PARAMS = List.of(
            new ParamSpec("types", "auto", "request types PROMPTxOUTPUT@RATE+... (rate req/s); auto: from the served workload"),
            new ParamSpec("max-types", "8", "auto types: distinct (prompt, output) pairs if at most this many, else this many output buckets"),
            new ParamSpec("thresholds", "auto", "n_j per type (requests per stage, may be < 1), N+N+... in type order (sorted by output); auto: from the fluid model"),
            new ParamSpec("slack", "0.05", "auto thresholds: c = (1 + slack) Delta-T*"),
            new ParamSpec("d0-ms", "auto", "fluid model: fixed iteration cost, ms; auto: from the execution-time model"),
            new ParamSpec("d1-ms", "auto", "fluid model: cost per KV token, ms; auto: from the execution-time model"),
            new ParamSpec("gate-decodes", "false", "true: Algorithm 1 literally, a type below its threshold pauses entirely"),
            new ParamSpec("scan-limit", "1024", "most waiting requests read per decision"));

    /** Parameters of {@code nested-wait}. */
    public static final List<ParamSpec> NESTED_PARAMS = List.of(
            new ParamSpec("segments", "auto", "segment boundaries in output tokens B+B+...; auto: from the served workload"),
            new ParamSpec("max-segments", "4", "auto segments: distinct output lengths if at most this many, else output quantiles"),
            new ParamSpec("thresholds", "auto", "n_k per segment N+N+...; auto: from the fluid model and the safety buffer"),
            new ParamSpec("slack", "0.05", "auto thresholds: n_1 = ceil((1 + slack) Lambda Delta-T*)"),
            new ParamSpec("margin", "0.05", "auto thresholds: q_k = min(p_k + margin, 0.99)"),
            new ParamSpec("delta", "0.01", "safety buffer: failure probability over the trace"),
            new ParamSpec("max-types", "8", "types of the fluid model (as for wait)"),
            new ParamSpec("d0-ms", "auto", "fluid model: fixed iteration cost, ms; auto: from the execution-time model"),
            new ParamSpec("d1-ms", "auto", "fluid model: cost per KV token, ms; auto: from the execution-time model"),
            new ParamSpec("gate-decodes", "false", "true: Algorithm 2's prefix rule, later segments pause"),
            new ParamSpec("scan-limit", "1024", "most waiting requests read per decision"));

    private WaitFactory() {
    }

    /** The {@code wait} policy. */
    public static WaitPolicy wait(final PolicyParams p, final PolicyContext ctx) {
        final int maxTypes = p.getInt("max-types");
        p.require(maxTypes >= 1, "max-types", "must be >= 1");
        p.require(p.getDouble("slack") >= 0, "slack", "must be >= 0");
        p.require(p.getInt("scan-limit") >= 1, "scan-limit", "must be >= 1");
        final String typesSpec = p.getString("types");
        final TypeMix mix;
        if (!typesSpec.equals("auto")) {
            mix = TypeMix.parse(typesSpec, "policy.wait.types");
        } else {
            p.require(ctx.workload() != null && !ctx.workload().isEmpty(), "types",
                    "is needed when the workload is unknown (give PROMPTxOUTPUT@RATE+...)");
            mix = TypeMix.fromWorkload(ctx.workload(), maxTypes);
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

    /** The {@code nested-wait} policy. */
    public static NestedWaitPolicy nested(final PolicyParams p, final PolicyContext ctx) {
        final int maxSegments = p.getInt("max-segments");
        p.require(maxSegments >= 1, "max-segments", "must be >= 1");
        p.require(p.getInt("max-types") >= 1, "max-types", "must be >= 1");
        p.require(p.getDouble("slack") >= 0, "slack", "must be >= 0");
        p.require(p.getDouble("margin") >= 0, "margin", "must be >= 0");
        p.require(p.getDouble("delta") > 0 && p.getDouble("delta") < 1, "delta", "must be in (0, 1)");
        p.require(p.getInt("scan-limit") >= 1, "scan-limit", "must be >= 1");
        final boolean known = ctx.workload() != null && !ctx.workload().isEmpty();
        final List<Integer> boundaries;
        if (p.getString("segments").equals("auto")) {
            p.require(known, "segments", "is needed when the workload is unknown (give B+B+..., output tokens)");
            boundaries = NestedThresholds.boundariesOf(ctx.workload(), maxSegments);
        } else {
            boundaries = integers(p, "segments");
            for (int k = 0; k < boundaries.size(); k++) {
                p.require(boundaries.get(k) >= 1 && (k == 0 || boundaries.get(k) > boundaries.get(k - 1)), "segments",
                        "must increase from >= 1");
            }
        }
        final List<Integer> n;
        if (p.getString("thresholds").equals("auto")) {
            p.require(known, "thresholds", "is needed when the workload is unknown (give N+N+..., one per segment)");
            final TypeMix mix = TypeMix.fromWorkload(ctx.workload(), p.getInt("max-types"));
            n = NestedThresholds.compute(ctx.workload(), boundaries, linearTime(p, ctx, mix), ctx.kvCapacityTokens(),
                    p.getDouble("slack"), p.getDouble("margin"), p.getDouble("delta"), p.getInt("max-types")).perStage();
        } else {
            n = integers(p, "thresholds");
            p.require(n.size() == boundaries.size(), "thresholds", "needs one value per segment (" + boundaries.size() + ")");
            for (final int v : n) {
                p.require(v >= 1, "thresholds", "must all be >= 1");
            }
        }
        return new NestedWaitPolicy(boundaries, n, p.getBoolean("gate-decodes"), p.getInt("scan-limit"));
    }

    /** d0 and d1: explicit, or from the context's execution-time model. */
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

    private static List<Integer> integers(final PolicyParams p, final String key) {
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
