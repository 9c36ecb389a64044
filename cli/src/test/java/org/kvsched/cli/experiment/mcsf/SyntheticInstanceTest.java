package org.kvsched.cli.experiment.mcsf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The generator follows the paper's model: one prompt size per instance, outputs 1..M-s inclusive. */
class SyntheticInstanceTest {

    @ParameterizedTest
    @EnumSource(SyntheticInstance.Arrivals.class)
    void everyRequestOfAnInstanceHasTheSamePromptSize(final SyntheticInstance.Arrivals model) {
        final SplittableRandom rng = new SplittableRandom(11);
        for (int k = 0; k < 50; k++) {
            final SyntheticInstance inst = SyntheticInstance.draw(rng, model);
            final int s = inst.prompts()[0];
            assertTrue(s >= 1 && s <= 5, "prompt " + s);
            assertTrue(Arrays.stream(inst.prompts()).allMatch(p -> p == s),
                    "instance " + k + " has prompts " + Arrays.toString(inst.prompts()));
        }
    }

    @ParameterizedTest
    @EnumSource(SyntheticInstance.Arrivals.class)
    void outputsAreDrawnFromOneToCapacityMinusPromptInclusive(final SyntheticInstance.Arrivals model) {
        final SplittableRandom rng = new SplittableRandom(12);
        int atTheTop = 0;
        int requests = 0;
        for (int k = 0; k < 200; k++) {
            final SyntheticInstance inst = SyntheticInstance.draw(rng, model);
            for (int i = 0; i < inst.size(); i++) {
                final int top = inst.capacity() - inst.prompts()[i];
                assertTrue(inst.outputs()[i] >= 1 && inst.outputs()[i] <= top,
                        "output " + inst.outputs()[i] + " outside 1.." + top);
                if (inst.outputs()[i] == top) {
                    atTheTop++;
                }
                requests++;
            }
        }
        // Uniform on 1..M-s hits M-s about once in 37 draws; excluding it (1..M-s-1) never does.
        final double expected = requests / 37.0;
        assertTrue(atTheTop > expected / 2 && atTheTop < expected * 2, atTheTop + " of " + requests + " at M - s");
    }

    @ParameterizedTest
    @EnumSource(SyntheticInstance.Arrivals.class)
    void theLongestRequestFillsTheCacheExactlyAtItsLastToken(final SyntheticInstance.Arrivals model) {
        // The paper's peak s + o equals the mechanism's prompt + o - 1 with prompt s + 1: the problem the solvers
        // see must accept an output of M - s as fitting (not oversized).
        final SplittableRandom rng = new SplittableRandom(13);
        for (int k = 0; k < 100; k++) {
            final SyntheticInstance inst = SyntheticInstance.draw(rng, model);
            final var p = inst.problem();
            for (int i = 0; i < inst.size(); i++) {
                final var job = p.jobs().get(i);
                assertEquals(inst.prompts()[i] + inst.outputs()[i], p.memory(job, job.output() - 1));
                assertTrue(!p.oversized(job));
            }
        }
    }
}
