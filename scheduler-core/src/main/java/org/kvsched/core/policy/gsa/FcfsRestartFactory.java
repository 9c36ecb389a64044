package org.kvsched.core.policy.gsa;

import java.util.List;
import java.util.Set;

import org.kvsched.core.policy.ParamSpec;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.policy.PolicyFactory;
import org.kvsched.core.policy.PolicyParams;

/** Registers {@link FcfsRestartPolicy} as {@code fcfs-restart}. */
public final class FcfsRestartFactory implements PolicyFactory {

    /** The registry name. */
    public static final String NAME = "fcfs-restart";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "GSA paper's vLLM-style baseline: FCFS admission, on overflow restart the newest from scratch";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of();
    }

    @Override
    public Set<Flag> flags() {
        return Set.of();
    }

    @Override
    public Policy create(final PolicyParams p, final PolicyContext ctx) {
        return new FcfsRestartPolicy();
    }
}
