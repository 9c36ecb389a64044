package org.kvsched.core.policy.baseline;

import java.util.List;
import java.util.Set;

import org.kvsched.core.policy.AbstractPolicyFactory;
import org.kvsched.core.policy.ParamSpec;
import org.kvsched.core.policy.ParamSpec.Range;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.policy.PolicyParams;

/** Registers {@link SarathiPolicy} as {@code sarathi}. */
public final class SarathiFactory extends AbstractPolicyFactory {

    /** The registry name. */
    public static final String NAME = "sarathi";

    /** The factory {@code PolicyKind} lists. */
    public SarathiFactory() {
        super(NAME, "Sarathi-Serve: token budget per iteration, decodes then partial prefills then new requests FCFS",
                Set.of(),
                List.of(
                    ParamSpec.integer("chunk-size", "512", Range.atLeast(1), "token budget per iteration, decodes included"),
                    ParamSpec.integer("max-num-seqs", "128", Range.atLeast(1), "cap on running requests"),
                    Watermark.param("0.01")));
    }

    @Override
    public Policy create(final PolicyParams p, final PolicyContext ctx) {
        return new SarathiPolicy(p.getInt("chunk-size"), p.getInt("max-num-seqs"), p.getDouble(Watermark.KEY));
    }
}
