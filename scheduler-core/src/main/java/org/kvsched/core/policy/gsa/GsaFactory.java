package org.kvsched.core.policy.gsa;

import java.util.List;

import org.kvsched.core.policy.ParamSpec;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.policy.PolicyParams;

/** Builds the policies of the GSA paper from their registry parameters. */
public final class GsaFactory {

    /** Parameters of {@code gsa}. */
    public static final List<ParamSpec> GSA_PARAMS = List.of(
            new ParamSpec("alpha", "2", "growth factor of the slices, > 1"),
            new ParamSpec("beta", "64", "first slice, iterations (the paper's experiments: 64 or 256; theory: 1)"),
            new ParamSpec("overlap", "false", "start the next level's pipeline while the current one drains"));

    /** Parameters of {@code gba} and {@code gba-d}. */
    public static final List<ParamSpec> GBA_PARAMS = List.of(
            new ParamSpec("alpha", "2", "growth factor of the length classes, > 1"),
            new ParamSpec("beta", "1", "bound of the first length class, tokens (jobs up to beta form class 0)"),
            new ParamSpec("overlap", "false", "start the next class's pipeline while the current one drains"));

    private GsaFactory() {
    }

    /** The policy of the given mode. */
    public static GeometricSlicingPolicy create(final GeometricSlicingPolicy.Mode mode, final PolicyParams p,
                                               final PolicyContext ctx) {
        p.require(p.getDouble("alpha") > 1, "alpha", "must be > 1");
        p.require(p.getDouble("beta") >= 1, "beta", "must be >= 1");
        return new GeometricSlicingPolicy(mode, p.getDouble("alpha"), p.getDouble("beta"), p.getBoolean("overlap"));
    }
}
