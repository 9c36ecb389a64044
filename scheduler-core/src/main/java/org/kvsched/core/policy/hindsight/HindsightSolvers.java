package org.kvsched.core.policy.hindsight;

import java.util.Iterator;
import java.util.ServiceLoader;

/** Finds the best available {@link HindsightSolver}: a registered service (CP-SAT), else the exhaustive one. */
public final class HindsightSolvers {

    private HindsightSolvers() {
    }

    /** The first solver registered as a service, or {@link ExhaustiveSolver} when none is on the class path. */
    public static HindsightSolver best() {
        final Iterator<HindsightSolver> it = ServiceLoader.load(HindsightSolver.class).iterator();
        return it.hasNext() ? it.next() : new ExhaustiveSolver();
    }
}
