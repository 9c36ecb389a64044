package org.kvsched.core.policy.mcsf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The projection is exact: it agrees with a brute-force iteration-by-iteration count of the blocks. */
class FutureMemoryTest {

    private static long blocks(final long tokens, final int bs) {
        return (tokens + bs - 1) / bs;
    }

    /** Peak over every iteration of members plus an optional candidate started {@code shift} iterations later. */
    private static long brutePeak(final long[] base, final int[] r, final int n, final long cBase, final int cR,
                                  final int shift, final int bs) {
        int horizon = shift + cR;
        for (int i = 0; i < n; i++) {
            horizon = Math.max(horizon, r[i]);
        }
        long peak = 0;
        for (int t = shift; t < horizon; t++) {
            long mem = 0;
            for (int i = 0; i < n; i++) {
                if (t < r[i]) {
                    mem += blocks(base[i] + t, bs);
                }
            }
            if (cR > 0 && t < shift + cR) {
                mem += blocks(cBase + t - shift, bs);
                peak = Math.max(peak, mem);
            }
        }
        return peak;
    }

    @ParameterizedTest(name = "block size {0}")
    @ValueSource(ints = {1, 3, 16})
    void fitsAgreesWithBruteForce(final int bs) {
        final SplittableRandom rng = new SplittableRandom(bs);
        for (int trial = 0; trial < 2000; trial++) {
            final int n = rng.nextInt(0, 8);
            final long[] base = new long[n];
            final int[] r = new int[n];
            for (int i = 0; i < n; i++) {
                base[i] = rng.nextInt(1, 40);
                r[i] = rng.nextInt(1, 30);
            }
            final long limit = rng.nextInt(5, 60);
            final FutureMemory loaded = new FutureMemory(bs, limit);
            loaded.load(base, r, n);
            final FutureMemory added = new FutureMemory(bs, limit);
            for (int i = 0; i < n; i++) {
                added.add(base[i], r[i]);
            }
            final long cBase = rng.nextInt(1, 40);
            final int cR = rng.nextInt(1, 30);
            int minR = Integer.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                minR = Math.min(minR, r[i]);
            }
            final int shift = n == 0 ? 0 : rng.nextInt(0, minR);
            // The candidate's peak is what matters (members alone may already exceed the limit at other times).
            final boolean expected = brutePeakWithCandidateOnly(base, r, n, cBase, cR, shift, bs) <= limit;
            assertEquals(expected, loaded.fitsShifted(cBase, cR, shift), "trial " + trial);
            assertEquals(expected, added.fitsShifted(cBase, cR, shift), "trial " + trial);
            for (int t = 0; t < 35; t++) {
                assertEquals(loaded.memoryAt(t), added.memoryAt(t));
            }
            assertEquals(brutePeakMembers(base, r, n, bs), loaded.peak(), "trial " + trial);
            assertEquals(brutePeakMembers(base, r, n, bs), added.peak(), "trial " + trial);
        }
    }

    /** Peak of the batch over the iterations in which the candidate is present. */
    private static long brutePeakWithCandidateOnly(final long[] base, final int[] r, final int n, final long cBase,
                                                   final int cR, final int shift, final int bs) {
        return brutePeak(base, r, n, cBase, cR, shift, bs);
    }

    private static long brutePeakMembers(final long[] base, final int[] r, final int n, final int bs) {
        long peak = 0;
        for (int t = 0; t < 40; t++) {
            long mem = 0;
            for (int i = 0; i < n; i++) {
                if (t < r[i]) {
                    mem += blocks(base[i] + t, bs);
                }
            }
            peak = Math.max(peak, mem);
        }
        return peak;
    }
}
