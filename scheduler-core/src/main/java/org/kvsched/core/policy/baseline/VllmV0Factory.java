package org.kvsched.core.policy.baseline;

import java.util.List;
import java.util.Set;

import org.kvsched.core.policy.AbstractPolicyFactory;
import org.kvsched.core.policy.ParamSpec;
import org.kvsched.core.policy.ParamSpec.Range;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.policy.PolicyParams;

/** Registers {@link VllmV0Policy} as {@code vllm-v0}. */
public final class VllmV0Factory extends AbstractPolicyFactory {

    /** The registry name. */
    public static final String NAME = "vllm-v0";

    /** The factory {@code PolicyKind} lists. */
    public VllmV0Factory() {
        super(NAME, "Vidur's vllm (vLLM V0): prefill-only batches from the queue head, else decode all; restart latest arrival",
                Set.of(),
                List.of(
                    ParamSpec.integer("batch-size-cap", "128", Range.atLeast(1), "cap on running requests"),
                    ParamSpec.integer("max-padded-tokens", "4096", Range.atLeast(1), "limit on batch length x longest prompt in a prefill batch, tokens"),
                    Watermark.param("0.01")));
    }

    @Override
    public Policy create(final PolicyParams p, final PolicyContext ctx) {
        return new VllmV0Policy(p.getInt("batch-size-cap"), p.getInt("max-padded-tokens"), p.getDouble(Watermark.KEY));
    }
}
