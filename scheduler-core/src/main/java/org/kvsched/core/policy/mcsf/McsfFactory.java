package org.kvsched.core.policy.mcsf;

import java.util.List;
import java.util.Set;

import org.kvsched.core.policy.AbstractPolicyFactory;
import org.kvsched.core.policy.ParamSpec;
import org.kvsched.core.policy.ParamSpec.Range;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.policy.PolicyParams;

/**
 * Registers {@link McsfPolicy} under its two names: {@code mcsf} (shortest predicted first) and
 * {@code mc-benchmark} (FCFS order). One class for both: they differ only in the waiting order.
 */
public final class McsfFactory extends AbstractPolicyFactory {

    /** {@code mcsf}: MC-SF, shortest predicted output first. */
    public static final McsfFactory MCSF = new McsfFactory("mcsf",
            "Jaillet et al. MC-SF: keep running; admit shortest predicted first while projected KV fits at every predicted completion",
            true, "fraction of KV capacity held back at admission, [0, 1) (0.1 in the paper's prediction-error study)");

    /** {@code mc-benchmark}: MC-SF's check with FCFS order. */
    public static final McsfFactory MC_BENCHMARK = new McsfFactory("mc-benchmark",
            "Jaillet et al. MC-Benchmark: MC-SF's future-memory check with FCFS order",
            false, "fraction of KV capacity held back at admission, [0, 1)");

    private final boolean shortestFirst;

    private McsfFactory(final String name, final String description, final boolean shortestFirst, final String reserveText) {
        super(name, description, Set.of(Flag.USES_PREDICTIONS),
                List.of(ParamSpec.number("reserve", "0", Range.closedOpen(0, 1), reserveText)));
        this.shortestFirst = shortestFirst;
    }

    @Override
    public Policy create(final PolicyParams p, final PolicyContext ctx) {
        return new McsfPolicy(name(), shortestFirst, p.getDouble("reserve"), ctx.kvCapacityTokens());
    }
}
