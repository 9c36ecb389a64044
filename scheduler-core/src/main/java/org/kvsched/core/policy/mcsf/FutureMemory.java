package org.kvsched.core.policy.mcsf;

import java.util.Arrays;

import org.kvsched.core.kv.KvCache;

/**
 * The projected KV memory of a batch over its future iterations, checked exactly at the predicted
 * completion iterations (Eq. (5) of Jaillet et al., arXiv 2502.07115, as the mechanism counts memory).
 *
 * <p>Model. Iterations are numbered from the one being decided ({@code tau = 0}). A member with
 * {@code base} known tokens (prompt plus output generated so far) and {@code r >= 1} predicted
 * remaining output tokens is in the batch for iterations {@code 0 .. r-1} and, during iteration
 * {@code tau}, holds {@code blocksFor(base + tau)} blocks: the explicit iteration computes its pending
 * tokens (whole prompt, or one decode token), each further iteration one more, and the token emitted
 * by the last iteration is never computed (the mechanism frees the request at completion). Between two
 * consecutive predicted completions every member's footprint is non-decreasing and the member set only
 * shrinks after a completion, so the maximum over all iterations is attained at some member's last
 * iteration: checking those "points" is exact, not an approximation.
 *
 * <p>Cost. Bulk-loading B members costs O(B log B + P * blockSize) with P distinct points (a residue
 * count turns the sum of ceilings into O(blockSize) work per point); testing or adding one candidate
 * costs O(P + B). Units: tokens for {@code base}, iterations for {@code r} and {@code tau}, blocks for
 * memory and the limit. Not thread-safe; a scratch object of one decision.
 */
public final class FutureMemory {

    private final int blockSize;
    private final long limitBlocks;

    private long[] memberBase = new long[16];
    private int[] memberLast = new int[16];
    private int members;

    /** Distinct last iterations of the members, ascending, with the batch memory during each. */
    private int[] pointIter = new int[16];
    private long[] pointMem = new long[16];
    private int points;

    /**
     * @param blockSize   tokens per KV block
     * @param limitBlocks memory the batch may use at any iteration, blocks
     */
    public FutureMemory(final int blockSize, final long limitBlocks) {
        this.blockSize = blockSize;
        this.limitBlocks = limitBlocks;
    }

    public long limitBlocks() {
        return limitBlocks;
    }

    public int members() {
        return members;
    }

    /** Shorthand for {@link KvCache#blocksFor(long, int)} with this projection's block size. */
    private long blocks(final long tokens) {
        return KvCache.blocksFor(tokens, blockSize);
    }

    /**
     * Loads the members of a batch without checking them (the running set: MC-SF never interrupts it).
     * Must be called on an empty projection.
     *
     * @param base known tokens of each member
     * @param r    predicted remaining output tokens of each member, &gt;= 1
     * @param n    number of members in the arrays
     */
    public void load(final long[] base, final int[] r, final int n) {
        if (members != 0) {
            throw new IllegalStateException("load on a non-empty projection");
        }
        ensureMembers(n);
        final Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            if (r[i] < 1) {
                throw new IllegalArgumentException("remaining output must be >= 1, got " + r[i]);
            }
            memberBase[i] = base[i];
            memberLast[i] = r[i] - 1;
            order[i] = i;
        }
        members = n;
        // Sweep the points from the latest down, keeping the active members' ceiling sums by residue.
        Arrays.sort(order, (a, b) -> Integer.compare(memberLast[b], memberLast[a]));
        final long[] residueCount = new long[blockSize];
        long quotientSum = 0;
        long count = 0;
        final int[] iters = new int[n];
        final long[] mems = new long[n];
        int p = 0;
        int k = 0;
        while (k < n) {
            final int last = memberLast[order[k]];
            while (k < n && memberLast[order[k]] == last) {
                // blocksFor(base + tau) = floor((y + tau) / b) with y = base + b - 1 = q b + rho.
                final long y = memberBase[order[k]] + blockSize - 1;
                quotientSum += y / blockSize;
                residueCount[(int) (y % blockSize)]++;
                count++;
                k++;
            }
            // floor((q b + rho + tau) / b) = q + floor(tau / b) + [rho + tau mod b >= b].
            final int shift = (int) (last % blockSize);
            long carry = 0;
            for (int rho = blockSize - shift; rho < blockSize; rho++) {
                carry += residueCount[rho];
            }
            iters[p] = last;
            mems[p] = quotientSum + count * (last / blockSize) + carry;
            p++;
        }
        ensurePoints(p);
        for (int i = 0; i < p; i++) {
            pointIter[i] = iters[p - 1 - i];
            pointMem[i] = mems[p - 1 - i];
        }
        points = p;
    }

    /** Memory of the current members during iteration {@code tau}, blocks. */
    public long memoryAt(final int tau) {
        long sum = 0;
        for (int j = 0; j < members; j++) {
            if (memberLast[j] >= tau) {
                sum += blocks(memberBase[j] + tau);
            }
        }
        return sum;
    }

    /** True if a candidate started now keeps the batch within the limit at every future iteration. */
    public boolean fits(final long base, final int r) {
        return fitsShifted(base, r, 0);
    }

    /**
     * True if the candidate, started {@code shift} iterations from now (when the members have decoded
     * {@code shift} more tokens each), keeps the batch within the limit. The members' profile is fixed in
     * absolute iterations; only points at or after {@code shift} matter, and the caller guarantees that no
     * member's last iteration is before {@code shift}.
     */
    public boolean fitsShifted(final long base, final int r, final int shift) {
        final int end = shift + r - 1;
        for (int p = 0; p < points && pointIter[p] <= end; p++) {
            final int t = pointIter[p];
            if (t < shift) {
                continue;
            }
            if (pointMem[p] + blocks(base + t - shift) > limitBlocks) {
                return false;
            }
        }
        return memoryAt(end) + blocks(base + r - 1) <= limitBlocks;
    }

    /** Adds a member (the caller has checked it with {@link #fits} or admits it regardless). */
    public void add(final long base, final int r) {
        if (r < 1) {
            throw new IllegalArgumentException("remaining output must be >= 1, got " + r);
        }
        final int last = r - 1;
        final long atLast = memoryAt(last);
        int p = 0;
        while (p < points && pointIter[p] <= last) {
            pointMem[p] += blocks(base + pointIter[p]);
            p++;
        }
        if (p == 0 || pointIter[p - 1] != last) {
            ensurePoints(points + 1);
            System.arraycopy(pointIter, p, pointIter, p + 1, points - p);
            System.arraycopy(pointMem, p, pointMem, p + 1, points - p);
            pointIter[p] = last;
            pointMem[p] = atLast + blocks(base + last);
            points++;
        }
        ensureMembers(members + 1);
        memberBase[members] = base;
        memberLast[members] = last;
        members++;
    }

    /** Earliest last iteration among the members (Integer.MAX_VALUE when empty). */
    public int firstCompletion() {
        return points == 0 ? Integer.MAX_VALUE : pointIter[0];
    }

    /** Largest projected memory over all future iterations, blocks (0 when empty). */
    public long peak() {
        long max = 0;
        for (int p = 0; p < points; p++) {
            max = Math.max(max, pointMem[p]);
        }
        return max;
    }

    private void ensureMembers(final int n) {
        if (n > memberBase.length) {
            final int cap = Math.max(n, memberBase.length * 2);
            memberBase = Arrays.copyOf(memberBase, cap);
            memberLast = Arrays.copyOf(memberLast, cap);
        }
    }

    private void ensurePoints(final int n) {
        if (n > pointIter.length) {
            final int cap = Math.max(n, pointIter.length * 2);
            pointIter = Arrays.copyOf(pointIter, cap);
            pointMem = Arrays.copyOf(pointMem, cap);
        }
    }
}
