package org.kvsched.core.policy.gsa;

import java.util.List;

import org.kvsched.core.policy.ParamSpec;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.policy.PolicyParams;

/**
 * Builds the policies of the GSA paper (Feng, Yang, Zhang, arXiv 2601.22996) from their registry parameters.
 *
 * <p>Defaults for online traces (docs/gsa-sortedf-online.md section 2): {@code overlap=true}, the online rule
 * (each start is from the lowest level that has a waiting job; running jobs of a lower level block nothing, the
 * envelope keeps memory safe); {@code overlap=false} is the offline paper's back-to-back phases, which under
 * continuous arrivals hold every longer job back while any shorter one runs. GSA's first slice is 256
 * iterations, the paper's setting for raw (unrounded) lengths; 64 is its setting for lengths rounded to powers
 * of two, and 1 the theory's.
 */
public final class GsaFactory {

    /** Parameters of {@code gsa}. */
    public static final List<ParamSpec> GSA_PARAMS = List.of(
            new ParamSpec("alpha", "2", "growth factor of the slices, > 1"),
            new ParamSpec("beta", "256", "first slice, iterations (the paper's experiments: 256 on raw lengths, 64 on lengths rounded "
                    + "to powers of 2; theory: 1); a job is restarted once per slice shorter than its output"),
            new ParamSpec("overlap", "true", "true: start from the lowest level with a waiting job (online rule); false: the offline "
                    + "paper's back-to-back phases, a level starts only when no lower-level job runs (starves long jobs under arrivals)"));

    /** Parameters of {@code gba} and {@code gba-d}. */
    public static final List<ParamSpec> GBA_PARAMS = List.of(
            new ParamSpec("alpha", "2", "growth factor of the length classes, > 1"),
            new ParamSpec("beta", "1", "bound of the first length class, tokens (jobs up to beta form class 0)"),
            new ParamSpec("overlap", "true", "true: start from the shortest class with a waiting job (online rule); false: the offline "
                    + "paper's back-to-back classes, a class starts only when no shorter-class job runs (starves long jobs under arrivals)"));

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
