package org.kvsched.core.policy.baseline;

import java.util.List;
import java.util.Set;

import org.kvsched.core.policy.AbstractPolicyFactory;
import org.kvsched.core.policy.ParamSpec;
import org.kvsched.core.policy.ParamSpec.Range;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.policy.PolicyParams;

/**
 * Registers {@link AlphaProtectionPolicy} under its two names: {@code alpha-protection} (clear every running
 * request on overflow) and {@code alpha-beta-clearing} (clear a beta fraction). One class for both: they are one
 * rule with one parameter fixed or free.
 */
public final class AlphaProtectionFactory extends AbstractPolicyFactory {

    /** {@code alpha-protection}: beta fixed at 1. */
    public static final AlphaProtectionFactory ALPHA_PROTECTION = new AlphaProtectionFactory("alpha-protection",
            "Jaillet et al. benchmark: FCFS admission under (1-alpha) of KV; clear all on overflow",
            List.of(ParamSpec.number("alpha", "0.21", Range.closedOpen(0, 1), "protected fraction of KV capacity, [0, 1)")));

    /** {@code alpha-beta-clearing}: beta a parameter. */
    public static final AlphaProtectionFactory ALPHA_BETA_CLEARING = new AlphaProtectionFactory("alpha-beta-clearing",
            "Jaillet et al. benchmark: FCFS admission under (1-alpha) of KV; clear a beta fraction on overflow",
            List.of(ParamSpec.number("alpha", "0.2", Range.closedOpen(0, 1), "protected fraction of KV capacity, [0, 1)"),
                    ParamSpec.number("beta", "0.1", Range.openClosed(0, 1), "fraction of running requests evicted per clearing step, (0, 1]")));

    private AlphaProtectionFactory(final String name, final String description, final List<ParamSpec> parameters) {
        super(name, description, Set.of(), parameters);
    }

    @Override
    public Policy create(final PolicyParams p, final PolicyContext ctx) {
        final double beta = this == ALPHA_PROTECTION ? 1.0 : p.getDouble("beta");
        return new AlphaProtectionPolicy(name(), p.getDouble("alpha"), beta);
    }
}
