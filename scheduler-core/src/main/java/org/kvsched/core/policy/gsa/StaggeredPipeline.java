package org.kvsched.core.policy.gsa;

import org.kvsched.core.kv.KvCache;

/**
 * The staggered pipeline schedule (SPS) of Feng, Yang, Zhang (arXiv 2601.22996), as reconstructed in
 * our construction [R] with the properties the paper states: {@code c} lanes, lane {@code l} offset by {@code floor(l tau / c)}
 * iterations, each lane running slot after slot of {@code tau} iterations. The k-th slot (k = 0, 1, ...)
 * of a pipeline started at iteration {@code t0} starts at
 * {@code t0 + floor((k mod c) tau / c) + tau floor(k / c)}.
 *
 * <p>Footprint convention of this project's mechanism: a job in its j-th iteration (j = 1..tau) holds
 * {@code s + j - 1} tokens (the prefill writes s, each decode one more; the last token is never stored),
 * i.e. {@code ceil((s + j - 1) / B)} blocks. {@link #lanes} is the largest {@code c} whose worst phase of the
 * steady state (every lane's job using its whole slot) fits in the capacity.
 *
 * @param tau     slot length, iterations, &gt;= 1
 * @param lanes   number of lanes c, &gt;= 1
 * @param t0      iteration at which slot 0 starts
 */
public record StaggeredPipeline(int tau, int lanes, long t0) {

    public StaggeredPipeline {
        if (tau < 1 || lanes < 1) {
            throw new IllegalArgumentException("pipeline needs tau >= 1 and lanes >= 1, got " + tau + ", " + lanes);
        }
    }

    /** Iteration at which slot {@code k} starts. */
    public long slotStart(final long k) {
        return t0 + (k % lanes) * tau / lanes + (long) tau * (k / lanes);
    }

    /** The first slot index whose start is at or after {@code iteration}. */
    public long firstSlotAtOrAfter(final long iteration) {
        if (iteration <= t0) {
            return 0;
        }
        long k = (iteration - t0) / tau * lanes;
        while (slotStart(k) < iteration) {
            k++;
        }
        return k;
    }

    /**
     * Largest lane count whose steady-state peak fits.
     *
     * @param prompt         prompt tokens s
     * @param tau            slot length, iterations
     * @param capacityBlocks KV capacity, blocks
     * @param blockSize      tokens per block
     * @return c &gt;= 1 (1 even if a single job does not fit: the caller caps tau)
     */
    public static int lanes(final int prompt, final int tau, final int capacityBlocks, final int blockSize) {
        final double m = (double) capacityBlocks * blockSize;
        int c = (int) Math.max(1, Math.floor((m - tau / 2.0) / (prompt + tau / 2.0)));
        while (c > 1 && peakBlocks(prompt, tau, c, blockSize) > capacityBlocks) {
            c--;
        }
        while (peakBlocks(prompt, tau, c + 1, blockSize) <= capacityBlocks) {
            c++;
        }
        return c;
    }

    /** Largest total footprint, blocks, over the phases of a steady pipeline with {@code c} lanes. */
    static long peakBlocks(final int prompt, final int tau, final int c, final int blockSize) {
        final long[] offsets = new long[c];
        for (int l = 0; l < c; l++) {
            offsets[l] = (long) l * tau / c;
        }
        long peak = 0;
        for (int phi = 0; phi < tau; phi++) {
            long sum = 0;
            for (int l = 0; l < c; l++) {
                final long age = Math.floorMod(phi - offsets[l], tau) + 1;
                sum += KvCache.blocksFor(prompt + age - 1, blockSize);
            }
            peak = Math.max(peak, sum);
        }
        return peak;
    }
}
