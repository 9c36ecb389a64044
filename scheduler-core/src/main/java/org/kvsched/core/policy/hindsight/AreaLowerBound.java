package org.kvsched.core.policy.hindsight;

import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * A lower bound on the optimal total latency of a {@link HindsightProblem}, cheap enough for whole traces
 * (O(n log n)): the memory-time area bound used in the analysis of Feng, Yang, Zhang (arXiv 2601.22996), extended to arrivals.
 *
 * <p>Argument. Let C_(k) be the k-th smallest completion time of any feasible schedule. (i) The k jobs done
 * by then include one whose {@code arrival + output} is at least the k-th smallest such value L_k. (ii) Job
 * i needs area A_i = sum over its slots of its blocks; the cache supplies at most M block-slots per slot, so
 * dividing memory by M turns any schedule into a processor-sharing schedule of one unit-speed machine with
 * release dates a_i and work A_i / M. Preemptive SRPT minimises the number of unfinished jobs at every time
 * among such schedules (Schrage), so C_(k) is at least SRPT's k-th completion S_k. Completion times are
 * integer slots, hence {@code OPT >= sum_k max(ceil(S_k), L_k) - sum_i a_i}. With all arrivals at 0 this is
 * exactly the bound {@code sum_k max(o_(k), A_k / M)} of the note (prefix sums of the smallest areas).
 *
 * <p>Units: slots (iterations); blocks for area and capacity.
 */
public final class AreaLowerBound {

    private AreaLowerBound() {
    }

    /** Lower bound on the total latency, slots. */
    public static long totalLatency(final HindsightProblem p) {
        final int n = p.size();
        if (n == 0) {
            return 0;
        }
        final long[] release = new long[n];
        final double[] work = new double[n];
        final long[] lengthEnd = new long[n];
        final Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            final HindsightProblem.Job j = p.jobs().get(i);
            release[i] = j.arrival();
            work[i] = (double) p.area(j) / p.capacityBlocks();
            lengthEnd[i] = j.arrival() + j.output();
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(release[a], release[b]));
        final double[] srpt = srptCompletions(release, work, order);
        Arrays.sort(srpt);
        Arrays.sort(lengthEnd);
        long total = 0;
        for (int k = 0; k < n; k++) {
            // A tiny tolerance keeps floating error from rounding an exact integer up.
            final long area = (long) Math.ceil(srpt[k] - 1e-9);
            total += Math.max(area, lengthEnd[k]);
        }
        return total - p.arrivalSum();
    }

    /** Completion times of preemptive SRPT on one unit-speed machine. */
    private static double[] srptCompletions(final long[] release, final double[] work, final Integer[] byRelease) {
        final int n = release.length;
        final double[] done = new double[n];
        final double[] left = work.clone();
        final PriorityQueue<Integer> queue = new PriorityQueue<>((a, b) -> {
            final int c = Double.compare(left[a], left[b]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        double t = 0;
        int next = 0;
        int finished = 0;
        while (finished < n) {
            if (queue.isEmpty()) {
                t = Math.max(t, release[byRelease[next]]);
            }
            while (next < n && release[byRelease[next]] <= t) {
                queue.add(byRelease[next++]);
            }
            final int j = queue.poll();
            final double nextRelease = next < n ? release[byRelease[next]] : Double.POSITIVE_INFINITY;
            if (t + left[j] <= nextRelease) {
                t += left[j];
                left[j] = 0;
                done[j] = t;
                finished++;
            } else {
                left[j] -= nextRelease - t;
                t = nextRelease;
                queue.add(j);
            }
        }
        return done;
    }
}
