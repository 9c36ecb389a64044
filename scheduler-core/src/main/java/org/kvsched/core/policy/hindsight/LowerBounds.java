package org.kvsched.core.policy.hindsight;

/**
 * The best certified lower bound on the optimal total latency of a {@link HindsightProblem} that we can compute fast
 * at any size: the largest of
 * <ul>
 *   <li>the memory-time area bound ({@link AreaLowerBound});</li>
 *   <li>the tail bound: the slots in which a job holds more than half the capacity cannot be shared with another such
 *       slot, so they form one machine, and preemptive shortest-remaining-first on it bounds the completions;</li>
 *   <li>the gap bound: two heavy jobs (peak above a share of the capacity) started in some order are at least their
 *       smallest joint-fit offset apart, so heavy jobs occupy disjoint intervals [start, start + q) of one machine;
 *       tried for several shares, each a valid bound.</li>
 * </ul>
 * Each argument is stated in full on the corresponding method of the branch-and-bound search that also uses them.
 * Units: slots. Cost: O(n^2 * output^2) for the pairwise offsets, per share tried.
 */
public final class LowerBounds {

    /** The heavy shares the gap bound tries. */
    private static final double[] SHARES = {0.3, 0.4, 0.5, 0.6, 0.7};

    private LowerBounds() {
    }

    /** The largest of the bounds above, slots. */
    public static long totalLatency(final HindsightProblem p) {
        final int n = p.size();
        long best = AreaLowerBound.totalLatency(p);
        if (n == 0) {
            return best;
        }
        final int[] all = new int[n];
        final long[] starts = p.greedyStarts(true);
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        for (final double share : SHARES) {
            best = Math.max(best, new StartSlotSearch(p, new long[n], all, starts, 1, share).rootBound());
        }
        return best;
    }
}
