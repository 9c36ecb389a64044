package org.kvsched.core.policy.gsa;

import java.util.List;
import java.util.Set;

import org.kvsched.core.policy.AbstractPolicyFactory;
import org.kvsched.core.policy.ParamSpec;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.policy.PolicyParams;

/** Registers {@link FcfsRestartPolicy} as {@code fcfs-restart}. */
public final class FcfsRestartFactory extends AbstractPolicyFactory {

    /** The registry name. */
    public static final String NAME = "fcfs-restart";

    /** The factory {@code PolicyKind} lists. */
    public FcfsRestartFactory() {
        super(NAME, "GSA paper's vLLM-style baseline: FCFS admission, on overflow restart the newest from scratch",
                Set.of(),
                List.of());
    }

    @Override
    public Policy create(final PolicyParams p, final PolicyContext ctx) {
        return new FcfsRestartPolicy();
    }
}
