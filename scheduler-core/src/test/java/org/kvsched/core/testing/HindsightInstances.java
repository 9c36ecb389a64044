package org.kvsched.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.kvsched.core.policy.hindsight.HindsightProblem;

/** Random hindsight instances for the solver tests (core and the CP-SAT module). */
public final class HindsightInstances {

    private HindsightInstances() {
    }

    /**
     * n jobs at slot 0 or 0-2 slots apart, prompts of 1-5 tokens (at most the capacity), outputs from 1 up to the
     * longest that fits alone (peak prompt + output - 1 tokens = the capacity).
     *
     * @param m         capacity, blocks
     * @param blockSize tokens per block
     */
    public static HindsightProblem random(final SplittableRandom rng, final int n, final int m, final int blockSize,
                                          final boolean atZero) {
        final int capacityTokens = m * blockSize;
        final List<HindsightProblem.Job> jobs = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < n; i++) {
            if (!atZero) {
                t += rng.nextInt(0, 3);
            }
            final int prompt = rng.nextInt(1, Math.min(5, capacityTokens) + 1);
            jobs.add(new HindsightProblem.Job(i, t, prompt, rng.nextInt(1, capacityTokens - prompt + 2)));
        }
        return new HindsightProblem(jobs, m, blockSize);
    }
}
