package org.kvsched.core.policy;

import java.util.List;
import java.util.stream.Collectors;

import org.kvsched.core.policy.baseline.AlphaProtectionFactory;
import org.kvsched.core.policy.baseline.FcfsVllmFactory;
import org.kvsched.core.policy.baseline.SarathiFactory;
import org.kvsched.core.policy.baseline.VllmV0Factory;
import org.kvsched.core.policy.gsa.FcfsRestartFactory;
import org.kvsched.core.policy.gsa.GsaFactory;
import org.kvsched.core.policy.hindsight.HindsightOptFactory;
import org.kvsched.core.policy.mcsf.McsfFactory;
import org.kvsched.core.policy.mcsf.SortedFFactory;
import org.kvsched.core.policy.wait.NestedWaitFactory;
import org.kvsched.core.policy.wait.WaitFactory;

/**
 * The registry of policies: the list of their factories, one line each, in the order {@code ./kvsched policies}
 * shows them. Adding a policy means one package (the policy and its {@link PolicyFactory}) and one line here
 * (docs/policies.md, "Adding a policy").
 */
public final class PolicyKind {

    private static final List<PolicyFactory> FACTORIES = List.of(
            new FcfsVllmFactory(),
            new VllmV0Factory(),
            new SarathiFactory(),
            AlphaProtectionFactory.ALPHA_PROTECTION,
            AlphaProtectionFactory.ALPHA_BETA_CLEARING,
            McsfFactory.MCSF,
            McsfFactory.MC_BENCHMARK,
            new SortedFFactory(),
            new WaitFactory(),
            new NestedWaitFactory(),
            GsaFactory.GSA,
            GsaFactory.GBA,
            GsaFactory.GBA_D,
            new FcfsRestartFactory(),
            new HindsightOptFactory());

    private PolicyKind() {
    }

    /** Every registered factory, in listing order. */
    public static List<PolicyFactory> all() {
        return FACTORIES;
    }

    /** Looks a factory up by name; fails with one line listing the valid names. */
    public static PolicyFactory byName(final String name) {
        for (final PolicyFactory f : FACTORIES) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("policy: unknown '" + name + "'; valid: " + names());
    }

    /** Comma-separated list of every name. */
    public static String names() {
        return FACTORIES.stream().map(PolicyFactory::name).collect(Collectors.joining(", "));
    }

    /** Builds a policy from its configuration: checks the parameters ({@link PolicyParams}), then the factory builds it. */
    public static Policy create(final PolicyConfig config, final PolicyContext context) {
        return byName(config.kind()).create(config.params(), context);
    }
}
