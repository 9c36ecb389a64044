package org.kvsched.core.policy.baseline;

import java.util.List;
import java.util.Set;

import org.kvsched.core.policy.AbstractPolicyFactory;
import org.kvsched.core.policy.ParamSpec;
import org.kvsched.core.policy.ParamSpec.Range;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.policy.PolicyParams;

/** Registers {@link FcfsVllmPolicy} as {@code fcfs-vllm}. */
public final class FcfsVllmFactory extends AbstractPolicyFactory {

    /** The registry name. */
    public static final String NAME = "fcfs-vllm";

    /** The factory {@code PolicyKind} lists. */
    public FcfsVllmFactory() {
        super(NAME, "vLLM V1: running first, chunked prefill in a token budget, FCFS, preempt newest admitted",
                Set.of(),
                List.of(
                    ParamSpec.integer("max-num-batched-tokens", "8192", Range.atLeast(1), "token budget per iteration (8192 offline, 2048 server)"),
                    ParamSpec.integer("max-num-seqs", "256", Range.atLeast(1), "cap on running requests"),
                    Watermark.param("0")));
    }

    @Override
    public Policy create(final PolicyParams p, final PolicyContext ctx) {
        return new FcfsVllmPolicy(p.getInt("max-num-batched-tokens"), p.getInt("max-num-seqs"), p.getDouble(Watermark.KEY));
    }
}
