package org.kvsched.cli.experiment.mcsf;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.kvsched.core.exec.UnitTimeModel;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.policy.hindsight.HindsightProblem;

/**
 * One synthetic instance of Jaillet et al. (arXiv 2502.07115, section "Numerical experiments"), in the paper's
 * terms: capacity M, and per request an arrival slot, a prompt size s_i and an output length o_i. In the
 * paper's model a request holds {@code s + j} tokens while it generates its j-th token (peak {@code s + o}).
 *
 * <p>The mechanism charges the KV of computed tokens, {@code prompt + j - 1}; {@link #requests()} and
 * {@link #problem()} therefore give every request a prompt of {@code s + 1} tokens, which makes the two
 * memory models identical.
 *
 * @param capacity M, tokens
 * @param arrivals arrival slot per request (iterations from 0), non-decreasing
 * @param prompts  paper prompt size s_i per request, tokens
 * @param outputs  output length o_i per request, tokens
 */
public record SyntheticInstance(int capacity, long[] arrivals, int[] prompts, int[] outputs) {

    /** Which arrival model of the paper. */
    public enum Arrivals {
        /** Model 1: n requests, all at slot 0. */
        AT_ZERO,
        /** Model 2: per-slot Poisson counts over a horizon of slots. */
        POISSON
    }

    public SyntheticInstance {
        if (arrivals.length != outputs.length || prompts.length != outputs.length || outputs.length == 0) {
            throw new IllegalArgumentException("arrivals, prompts and outputs must have the same non-zero length");
        }
    }

    /** Number of requests. */
    public int size() {
        return outputs.length;
    }

    /** The requests as the mechanism sees them (prompt s + 1, arrival in unit-model microseconds). */
    public List<WorkloadRequest> requests() {
        final List<WorkloadRequest> reqs = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            reqs.add(new WorkloadRequest(i, arrivals[i] * UnitTimeModel.UNIT_MICROS, prompts[i] + 1, outputs[i]));
        }
        return reqs;
    }

    /** The hindsight problem of the instance (block size 1). */
    public HindsightProblem problem() {
        return HindsightProblem.of(requests(), capacity, 1, UnitTimeModel.UNIT_MICROS);
    }

    /**
     * The ranges an instance is drawn from (all inclusive).
     *
     * @param minCapacity smallest M, tokens
     * @param maxCapacity largest M, tokens
     * @param minRequests fewest requests (arrival model 1)
     * @param maxRequests most requests (arrival model 1)
     * @param minSlots    shortest arrival horizon, slots (model 2)
     * @param maxSlots    longest arrival horizon, slots (model 2)
     * @param maxPrompt   largest prompt size s, tokens (s is uniform in 1..maxPrompt)
     * @param poissonCap  most requests kept in model 2 (the first ones; later arrivals are dropped)
     */
    public record Size(int minCapacity, int maxCapacity, int minRequests, int maxRequests, int minSlots, int maxSlots,
                       int maxPrompt, int poissonCap) {

        /** The paper's: M in [30, 50], 40-60 requests or 40-60 slots, s in 1..5; model 2 uncapped. */
        public static final Size PAPER = new Size(30, 50, 40, 60, 40, 60, 5, Integer.MAX_VALUE);

        public Size {
            if (minCapacity < 2 || maxCapacity < minCapacity || minRequests < 1 || maxRequests < minRequests
                    || minSlots < 1 || maxSlots < minSlots || maxPrompt < 1 || maxPrompt >= minCapacity || poissonCap < 1) {
                throw new IllegalArgumentException("bad instance size " + this);
            }
        }
    }

    /** Draws an instance at the paper's size ({@link Size#PAPER}). */
    public static SyntheticInstance draw(final SplittableRandom rng, final Arrivals model) {
        return draw(rng, model, Size.PAPER);
    }

    /**
     * Draws an instance as the paper's generator does: M uniform, ONE prompt size s for the whole instance (the
     * equal-prompt condition of the paper's theorems, and what its authors' code does), arrivals by the model
     * (model 1: n uniform, all at slot 0; model 2: a horizon of slots, Poisson(lambda) arrivals per slot with
     * lambda uniform in [0.5, 1.5], at least one request), outputs uniform in 1..M-s inclusive (so every
     * request fits alone, its peak s + o reaching M at most).
     */
    public static SyntheticInstance draw(final SplittableRandom rng, final Arrivals model, final Size size) {
        final int m = rng.nextInt(size.minCapacity(), size.maxCapacity() + 1);
        final int s = rng.nextInt(1, size.maxPrompt() + 1);
        final List<Long> slots = new ArrayList<>();
        if (model == Arrivals.AT_ZERO) {
            final int n = rng.nextInt(size.minRequests(), size.maxRequests() + 1);
            for (int i = 0; i < n; i++) {
                slots.add(0L);
            }
        } else {
            final int horizon = rng.nextInt(size.minSlots(), size.maxSlots() + 1);
            final double lambda = 0.5 + rng.nextDouble();
            for (int t = 0; t < horizon; t++) {
                final int count = poisson(rng, lambda);
                for (int c = 0; c < count; c++) {
                    slots.add((long) t);
                }
            }
            if (slots.isEmpty()) {
                slots.add(0L);
            }
        }
        final int n = Math.min(slots.size(), model == Arrivals.POISSON ? size.poissonCap() : slots.size());
        final long[] arrivals = new long[n];
        final int[] prompts = new int[n];
        final int[] outputs = new int[n];
        for (int i = 0; i < n; i++) {
            arrivals[i] = slots.get(i);
            prompts[i] = s;
            outputs[i] = rng.nextInt(1, m - s + 1);
        }
        return new SyntheticInstance(m, arrivals, prompts, outputs);
    }

    /** Knuth's Poisson sampler (small rates). */
    static int poisson(final SplittableRandom rng, final double lambda) {
        final double limit = Math.exp(-lambda);
        double prod = rng.nextDouble();
        int k = 0;
        while (prod > limit) {
            prod *= rng.nextDouble();
            k++;
        }
        return k;
    }
}
