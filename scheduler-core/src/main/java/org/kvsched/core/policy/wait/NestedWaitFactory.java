package org.kvsched.core.policy.wait;

import java.util.List;
import java.util.Set;

import org.kvsched.core.policy.AbstractPolicyFactory;
import org.kvsched.core.policy.ParamSpec;
import org.kvsched.core.policy.ParamSpec.Range;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.policy.PolicyParams;

/**
 * Registers {@link NestedWaitPolicy} as {@code nested-wait}: segment boundaries and thresholds are given, or
 * derived from the served workload, the fluid model and the safety buffer ({@link NestedThresholds}).
 */
public final class NestedWaitFactory extends AbstractPolicyFactory {

    /** The registry name. */
    public static final String NAME = "nested-wait";

    /** The factory {@code PolicyKind} lists. */
    public NestedWaitFactory() {
        super(NAME, "Ao et al. Nested WAIT: decode segments entered in threshold groups, safety buffer, unknown lengths",
                Set.of(),
                List.of(
                    ParamSpec.text("segments", "auto", "segment boundaries in output tokens B+B+...; auto: from the served workload"),
                    ParamSpec.integer("max-segments", "4", Range.atLeast(1), "auto segments: distinct output lengths if at most this many, else output quantiles"),
                    ParamSpec.text("thresholds", "auto", "n_k per segment N+N+...; auto: from the fluid model and the safety buffer"),
                    ParamSpec.number("slack", "0.05", Range.atLeast(0), "auto thresholds: n_1 = ceil((1 + slack) Lambda Delta-T*)"),
                    ParamSpec.number("margin", "0.05", Range.atLeast(0), "auto thresholds: q_k = min(p_k + margin, 0.99)"),
                    ParamSpec.number("delta", "0.01", Range.open(0, 1), "safety buffer: failure probability over the trace"),
                    ParamSpec.integer("max-types", "8", Range.atLeast(1), "types of the fluid model (as for wait)"),
                    WaitFactory.D0_MS,
                    WaitFactory.D1_MS,
                    ParamSpec.bool("gate-decodes", "false", "true: Algorithm 2's prefix rule, later segments pause"),
                    WaitFactory.SCAN_LIMIT));
    }

    @Override
    public Policy create(final PolicyParams p, final PolicyContext ctx) {
        final boolean known = ctx.workload() != null && !ctx.workload().isEmpty();
        final List<Integer> boundaries;
        if (p.getString("segments").equals("auto")) {
            p.require(known, "segments", "is needed when the workload is unknown (give B+B+..., output tokens)");
            boundaries = NestedThresholds.boundariesOf(ctx.workload(), p.getInt("max-segments"));
        } else {
            boundaries = WaitFactory.integers(p, "segments");
            for (int k = 0; k < boundaries.size(); k++) {
                p.require(boundaries.get(k) >= 1 && (k == 0 || boundaries.get(k) > boundaries.get(k - 1)), "segments",
                        "must increase from >= 1");
            }
        }
        final List<Integer> n;
        if (p.getString("thresholds").equals("auto")) {
            p.require(known, "thresholds", "is needed when the workload is unknown (give N+N+..., one per segment)");
            final TypeMix mix = TypeMix.fromWorkload(ctx.workload(), p.getInt("max-types"));
            n = NestedThresholds.compute(ctx.workload(), boundaries, WaitFactory.linearTime(p, ctx, mix), ctx.kvCapacityTokens(),
                    p.getDouble("slack"), p.getDouble("margin"), p.getDouble("delta"), p.getInt("max-types")).perStage();
        } else {
            n = WaitFactory.integers(p, "thresholds");
            p.require(n.size() == boundaries.size(), "thresholds", "needs one value per segment (" + boundaries.size() + ")");
            for (final int v : n) {
                p.require(v >= 1, "thresholds", "must all be >= 1");
            }
        }
        return new NestedWaitPolicy(boundaries, n, p.getBoolean("gate-decodes"), p.getInt("scan-limit"));
    }
}
