package org.kvsched.core.policy.gsa;

import java.util.List;
import java.util.Set;

import org.kvsched.core.policy.AbstractPolicyFactory;
import org.kvsched.core.policy.ParamSpec;
import org.kvsched.core.policy.ParamSpec.Range;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.policy.PolicyParams;

/**
 * Registers the policies of the GSA paper (Feng, Yang, Zhang, arXiv 2601.22996), the three modes of
 * {@link GeometricSlicingPolicy}: {@code gsa}, {@code gba} and {@code gba-d}. One class for the three: they share
 * the parameters and the constructor.
 *
 * <p>Defaults for online traces (docs/gsa-sortedf-online.md section 2): {@code overlap=true}, the online rule
 * (each start is from the lowest level that has a waiting job; running jobs of a lower level block nothing, the
 * envelope keeps memory safe); {@code overlap=false} is the offline paper's back-to-back phases, which under
 * continuous arrivals hold every longer job back while any shorter one runs. GSA's first slice is 256
 * iterations, the paper's setting for raw (unrounded) lengths; 64 is its setting for lengths rounded to powers
 * of two, and 1 the theory's.
 */
public final class GsaFactory extends AbstractPolicyFactory {

    private static final List<ParamSpec> GSA_PARAMS = List.of(
            ParamSpec.number("alpha", "2", Range.above(1), "growth factor of the slices, > 1"),
            ParamSpec.number("beta", "256", Range.atLeast(1), "first slice, iterations (the paper's experiments: 256 on raw lengths, 64 on lengths rounded "
                    + "to powers of 2; theory: 1); a job is restarted once per slice shorter than its output"),
            ParamSpec.bool("overlap", "true", "true: start from the lowest level with a waiting job (online rule); false: the offline "
                    + "paper's back-to-back phases, a level starts only when no lower-level job runs (starves long jobs under arrivals)"));

    private static final List<ParamSpec> GBA_PARAMS = List.of(
            ParamSpec.number("alpha", "2", Range.above(1), "growth factor of the length classes, > 1"),
            ParamSpec.number("beta", "1", Range.atLeast(1), "bound of the first length class, tokens (jobs up to beta form class 0)"),
            ParamSpec.bool("overlap", "true", "true: start from the shortest class with a waiting job (online rule); false: the offline "
                    + "paper's back-to-back classes, a class starts only when no shorter-class job runs (starves long jobs under arrivals)"));

    /** {@code gsa}: geometric slicing, non-clairvoyant. */
    public static final GsaFactory GSA = new GsaFactory("gsa", GeometricSlicingPolicy.Mode.GSA,
            "Feng et al. GSA: geometric slices in a staggered pipeline; a job restarts from scratch once per slice shorter "
                    + "than its output (inherent: Azure conv, 19,366 requests: 7,093 restarts at beta 256, 33,458 at beta 64)",
            GSA_PARAMS);

    /** {@code gba}: geometric batching by predicted length class. */
    public static final GsaFactory GBA = new GsaFactory("gba", GeometricSlicingPolicy.Mode.GBA,
            "Feng et al. GBA: geometric length classes, shortest class first, each a staggered pipeline", GBA_PARAMS);

    /** {@code gba-d}: GBA with early starts into freed memory. */
    public static final GsaFactory GBA_D = new GsaFactory("gba-d", GeometricSlicingPolicy.Mode.GBA_D,
            "Feng et al. GBA-D: GBA that starts jobs early into memory freed by early finishers; online, the shortest "
                    + "class with a waiting job starts first", GBA_PARAMS);

    private final GeometricSlicingPolicy.Mode mode;

    private GsaFactory(final String name, final GeometricSlicingPolicy.Mode mode, final String description,
                       final List<ParamSpec> parameters) {
        super(name, description, mode.clairvoyant() ? Set.of(Flag.USES_PREDICTIONS) : Set.of(), parameters);
        this.mode = mode;
    }

    /** The factory of a mode (the policy reports its name from it). */
    public static GsaFactory of(final GeometricSlicingPolicy.Mode mode) {
        return switch (mode) {
            case GSA -> GSA;
            case GBA -> GBA;
            case GBA_D -> GBA_D;
        };
    }

    @Override
    public Policy create(final PolicyParams p, final PolicyContext ctx) {
        return new GeometricSlicingPolicy(mode, p.getDouble("alpha"), p.getDouble("beta"), p.getBoolean("overlap"));
    }
}
