package org.kvsched.core.policy.gsa;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Future KV footprint of a set of jobs, each growing by one token per iteration over a known interval:
 * the check that a start never makes memory overflow later. Ours [R], for online arrivals: the paper
 * (arXiv 2601.22996) is offline and safe by its pipeline's construction (docs/policies.md, {@code gsa}).
 *
 * <p>A job occupies iterations {@code from..to} (counted from now: 1 = the next iteration) and holds
 * {@code base + (u - from + 1)} tokens in iteration {@code u}. The total is largest at some job's last
 * iteration, so {@link #peakBlocks()} evaluates only there, in O(n log n). Block rounding is bounded from
 * above: {@code sum ceil(x / B) <= floor((sum x + n (B - 1)) / B)} (exact for B = 1).
 */
final class Envelope {

    private final int blockSize;
    private final List<long[]> jobs = new ArrayList<>();

    Envelope(final int blockSize) {
        this.blockSize = blockSize;
    }

    /**
     * Adds a job.
     *
     * @param from first iteration it runs, &gt;= 1
     * @param to   last iteration it may run, &gt;= from (else ignored)
     * @param base tokens held before its first iteration there (it holds base + 1 during it)
     */
    void add(final long from, final long to, final long base) {
        if (to >= from) {
            jobs.add(new long[] {from, to, base});
        }
    }

    int size() {
        return jobs.size();
    }

    /** Removes the job added last. */
    void removeLast() {
        jobs.remove(jobs.size() - 1);
    }

    /** The last iteration any job may run (0 when empty). */
    long horizon() {
        long h = 0;
        for (final long[] j : jobs) {
            h = Math.max(h, j[1]);
        }
        return h;
    }

    /** An independent copy. */
    Envelope copy() {
        final Envelope e = new Envelope(blockSize);
        e.jobs.addAll(jobs);
        return e;
    }

    /** Upper bound on the largest total footprint over the future, blocks. */
    long peakBlocks() {
        final int n = jobs.size();
        if (n == 0) {
            return 0;
        }
        final long[][] byStart = jobs.toArray(new long[0][]);
        final long[][] byEnd = byStart.clone();
        Arrays.sort(byStart, (a, b) -> Long.compare(a[0], b[0]));
        Arrays.sort(byEnd, (a, b) -> Long.compare(a[1], b[1]));
        // Sweep the end points in increasing order; a job is active at u when from <= u <= to.
        long constSum = 0; // sum over active of (base - from + 1)
        long active = 0;
        int si = 0;
        int ei = 0;
        long peak = 0;
        while (ei < n) {
            final long u = byEnd[ei][1];
            while (si < n && byStart[si][0] <= u) {
                constSum += byStart[si][2] - byStart[si][0] + 1;
                active++;
                si++;
            }
            final long tokens = constSum + active * u;
            peak = Math.max(peak, (tokens + active * (blockSize - 1)) / blockSize);
            // Jobs ending at u leave after it.
            while (ei < n && byEnd[ei][1] == u) {
                constSum -= byEnd[ei][2] - byEnd[ei][0] + 1;
                active--;
                ei++;
            }
        }
        return peak;
    }
}
