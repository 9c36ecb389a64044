package org.kvsched.core.policy.mcsf;

import java.util.List;
import java.util.Set;

import org.kvsched.core.policy.AbstractPolicyFactory;
import org.kvsched.core.policy.ParamSpec;
import org.kvsched.core.policy.ParamSpec.Range;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.policy.PolicyParams;

/** Registers {@link SortedFPolicy} as {@code sorted-f}. */
public final class SortedFFactory extends AbstractPolicyFactory {

    /** The registry name. */
    public static final String NAME = "sorted-f";

    /** The factory {@code PolicyKind} lists. */
    public SortedFFactory() {
        super(NAME, "Wang, Ye, Zhou Sorted-F: the backlog in memory-feasible batches of smallest sum(o)/|X|^2 first, members start as soon as KV allows",
                Set.of(Flag.USES_PREDICTIONS),
                List.of(
                    ParamSpec.number("reserve", "0", Range.closedOpen(0, 1), "fraction of KV capacity held back at admission, [0, 1)"),
                    ParamSpec.integer("max-skips", "64", Range.atLeast(0), "misfits the batch search skips before it stops, >= 0")));
    }

    @Override
    public Policy create(final PolicyParams p, final PolicyContext ctx) {
        return new SortedFPolicy(p.getDouble("reserve"), p.getInt("max-skips"), ctx.kvCapacityTokens());
    }
}
