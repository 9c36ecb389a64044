package org.kvsched.core.policy.wait;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.workload.Workload;

/**
 * Segments and per-segment thresholds of Nested WAIT (arXiv 2504.11320, sections 4.2 to 4.4, 4.6, 4.7).
 *
 * <p>Segments: decode progress (output tokens generated) is cut at boundaries
 * {@code b_1 < ... < b_L}; segment 1 holds the prefill and tokens 1..b_1, segment k tokens
 * {@code b_{k-1}+1 .. b_k}. A request that has generated {@code b_{k-1}} tokens and is not finished waits
 * at the <em>boundary queue</em> of segment k with its KV resident. From a workload: each distinct output
 * length is a boundary when there are at most {@code maxSegments} of them (the paper's classes), else [R]
 * the boundaries are the output-length quantiles {@code k/L} (the last one the longest output).
 *
 * <p>Thresholds (section 4.3, practical rule of 4.7): with {@code Lambda_k} the rate of requests reaching
 * segment k, {@code p_k = Lambda_k / Lambda_{k-1}} and {@code q_k = min(p_k + margin, 0.99)}:
 * {@code n_1 = ceil((1 + slack) Lambda Delta-T*)} and {@code n_k = max(1, ceil(n_{k-1} q_k))}, then
 * {@code n_1} grows while {@code Delta-T(n) > n_1 / Lambda}. Memory (section 4.4):
 * <pre>
 *   M^pi  = sum_k n_k delta_k (l + sbar_k)      delta_k iterations of segment k, sbar_k its mean progress
 *   M_req = M^pi + sum_{k>=2} (l_max + b_{k-1}) (n_k + ln(L (1 + T/d0) / delta) / theta_k)
 * </pre>
 * where {@code theta_k > 0} solves {@code theta r = ln(1 - p_k + p_k e^theta)}, {@code r = n_k / n_{k-1}}
 * (no log term when {@code r >= 1}: the boundary queue is then bounded deterministically). {@code l} is
 * the mean prompt [R] (the paper assumes one common prompt), {@code l_max} the longest prompt of the
 * requests that reach the boundary, T the trace's arrival span. If {@code M_req > C} the thresholds are
 * scaled down until it fits ({@link #bufferFits()} false when even all ones do not); outside the fluid
 * stability region (or all requests at once) they are the largest that fit (memory-max) [R].
 *
 * @param boundaries  b_1..b_L, output tokens, increasing
 * @param perStage    n_1..n_L, each &gt;= 1
 * @param reachRates  Lambda_1..Lambda_L, requests per second reaching each segment
 * @param basePlusBuffer M_req, tokens
 * @param baseMemory  M^pi, tokens
 * @param fluidStable the load is inside the fluid stability region
 * @param bufferFits  M_req &lt;= C
 * @param how         one line: how they were chosen
 */
public record NestedThresholds(List<Integer> boundaries, List<Integer> perStage, List<Double> reachRates,
                               double basePlusBuffer, double baseMemory, boolean fluidStable, boolean bufferFits, String how) {

    public NestedThresholds {
        boundaries = List.copyOf(boundaries);
        perStage = List.copyOf(perStage);
        reachRates = List.copyOf(reachRates);
    }

    /** Number of segments L. */
    public int segments() {
        return boundaries.size();
    }

    /**
     * Segment boundaries of a workload.
     *
     * @param maxSegments most segments, &gt;= 1
     */
    public static List<Integer> boundariesOf(final Workload workload, final int maxSegments) {
        final int[] outputs = workload.requests().stream().mapToInt(WorkloadRequest::outputTokens).sorted().toArray();
        final int[] distinct = Arrays.stream(outputs).distinct().toArray();
        final List<Integer> b = new ArrayList<>();
        if (distinct.length <= maxSegments) {
            for (final int o : distinct) {
                b.add(o);
            }
            return b;
        }
        for (int k = 1; k <= maxSegments; k++) {
            final int idx = Math.min(outputs.length - 1, (int) Math.ceil(k * (double) outputs.length / maxSegments) - 1);
            final int v = outputs[Math.max(0, idx)];
            if (b.isEmpty() || v > b.get(b.size() - 1)) {
                b.add(v);
            }
        }
        if (b.get(b.size() - 1) != outputs[outputs.length - 1]) {
            b.add(outputs[outputs.length - 1]);
        }
        return b;
    }

    /**
     * Thresholds from the fluid model.
     *
     * @param workload       the served workload (rates, prompts, output distribution)
     * @param boundaries     b_1..b_L
     * @param time           linear iteration time
     * @param capacityTokens C, tokens
     * @param slack          relative slack on n_1 over the fluid value, &gt;= 0
     * @param margin         eta: q_k = min(p_k + eta, 0.99)
     * @param delta          failure probability of the buffer, (0, 1)
     * @param maxTypes       types for the fluid model (see {@link TypeMix#fromWorkload})
     */
    public static NestedThresholds compute(final Workload workload, final List<Integer> boundaries, final LinearTime time,
                                           final long capacityTokens, final double slack, final double margin,
                                           final double delta, final int maxTypes) {
        final TypeMix mix = TypeMix.fromWorkload(workload, maxTypes);
        final FluidModel fluid = FluidModel.solve(mix.types(), time, capacityTokens);
        final int segs = boundaries.size();
        final double[] reach = new double[segs];
        final double[] promptMax = new double[segs];
        double promptSum = 0;
        final double perRequest = mix.allAtOnce() ? 1.0 : workload.meanRatePerSecond() / workload.size();
        for (final WorkloadRequest r : workload.requests()) {
            promptSum += r.promptTokens();
            for (int k = 0; k < segs; k++) {
                if (k == 0 || r.maxTokens() > boundaries.get(k - 1)) {
                    reach[k] += perRequest;
                    promptMax[k] = Math.max(promptMax[k], r.promptTokens());
                }
            }
        }
        final double promptMean = promptSum / workload.size();
        final double horizon = mix.allAtOnce() ? 0 : workload.durationUs() / 1e6;
        final Geometry g = new Geometry(boundaries, reach, promptMean, promptMax, margin, delta, horizon, time, capacityTokens);
        final boolean stable = !mix.allAtOnce() && fluid.stable();
        double n1 = stable ? Math.max(1, Math.ceil((1 + slack) * reach[0] * fluid.deltaTSeconds() - 1e-9)) : 1;
        if (stable) {
            for (int step = 0; step < 10_000 && g.iterationSeconds(g.chain(n1)) > n1 / reach[0]; step++) {
                n1++;
            }
        }
        List<Integer> n = g.chain(n1);
        String how;
        if (stable && g.required(n) <= capacityTokens) {
            how = String.format(Locale.ROOT, "fluid: n_1 = %d from Lambda Delta-T* = %.3f (slack %.2f), q_k = p_k + %.2f",
                    n.get(0), reach[0] * fluid.deltaTSeconds(), slack, margin);
        } else {
            // Largest n_1 whose M_req fits (memory-max), at least 1.
            long lo = 1;
            long hi = Math.max(1, capacityTokens);
            while (lo < hi) {
                final long mid = (lo + hi + 1) >>> 1;
                if (g.required(g.chain(mid)) <= capacityTokens) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            final List<Integer> fitted = g.chain(lo);
            if (stable && fitted.get(0) < n.get(0)) {
                how = "fluid thresholds scaled down to fit the safety buffer in C (n_1 " + n.get(0) + " -> " + fitted.get(0) + ")";
            } else {
                how = "memory-max: " + (mix.allAtOnce() ? "all requests arrive at once" : "load outside the fluid stability region")
                        + ", largest n_1 whose M_req fits";
            }
            n = fitted;
        }
        final List<Double> reachList = new ArrayList<>();
        for (final double r : reach) {
            reachList.add(r);
        }
        final double required = g.required(n);
        return new NestedThresholds(boundaries, n, reachList, required, g.base(n), stable, required <= capacityTokens, how);
    }

    /** Explicit boundaries and thresholds (no workload). */
    public static NestedThresholds explicit(final List<Integer> boundaries, final List<Integer> n) {
        if (boundaries.size() != n.size()) {
            throw new IllegalArgumentException(NestedWaitFactory.NAME + ": " + n.size() + " thresholds for " + boundaries.size() + " segments");
        }
        final List<Double> reach = new ArrayList<>();
        for (int k = 0; k < n.size(); k++) {
            reach.add(Double.NaN);
        }
        return new NestedThresholds(boundaries, n, reach, Double.NaN, Double.NaN, false, true, "explicit");
    }

    /**
     * The positive root theta of {@code theta r = ln(1 - p + p e^theta)} for {@code p < r < 1}; infinite
     * when {@code r >= 1} (the boundary queue cannot grow), 0 when {@code r <= p} (it drifts up).
     */
    public static double theta(final double r, final double p) {
        if (r >= 1 || p <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        if (r <= p) {
            return 0;
        }
        // f(theta) = ln(1 - p + p e^theta) - theta r: f(0) = 0, f'(0) = p - r < 0, convex, f -> +inf.
        double hi = 1;
        while (f(hi, r, p) < 0) {
            hi *= 2;
        }
        double lo = 1e-12;
        for (int i = 0; i < 200; i++) {
            final double mid = 0.5 * (lo + hi);
            if (f(mid, r, p) < 0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    private static double f(final double theta, final double r, final double p) {
        // ln(1 - p + p e^theta) computed stably for large theta.
        final double logTerm = theta + Math.log(p + (1 - p) * Math.exp(-theta));
        return logTerm - theta * r;
    }

    /** The fixed data of one threshold computation. */
    private record Geometry(List<Integer> b, double[] reach, double promptMean, double[] promptMax, double margin, double delta,
                            double horizon, LinearTime time, long capacity) {

        List<Integer> chain(final double n1) {
            final List<Integer> n = new ArrayList<>();
            n.add((int) Math.max(1, Math.round(n1)));
            for (int k = 1; k < b.size(); k++) {
                final double p = reach[k - 1] > 0 ? reach[k] / reach[k - 1] : 0;
                final double q = Math.min(p + margin, 0.99);
                n.add((int) Math.max(1, Math.ceil(n.get(k - 1) * q - 1e-9)));
            }
            return n;
        }

        double base(final List<Integer> n) {
            double m = 0;
            int previous = 0;
            for (int k = 0; k < b.size(); k++) {
                final int len = b.get(k) - previous;
                // Iterations previous..b_k - 1 of a request count l + i KV tokens each.
                m += n.get(k) * len * (promptMean + (previous + b.get(k) - 1) / 2.0);
                previous = b.get(k);
            }
            return m;
        }

        double required(final List<Integer> n) {
            double m = base(n);
            final double opportunities = 1 + horizon / Math.max(time.d0Seconds(), 1e-3);
            final double log = Math.log(b.size() * opportunities / delta);
            for (int k = 1; k < b.size(); k++) {
                final double p = reach[k - 1] > 0 ? reach[k] / reach[k - 1] : 0;
                final double r = n.get(k) / (double) n.get(k - 1);
                final double th = theta(r, p);
                final double excursion = Double.isInfinite(th) ? 0 : (th == 0 ? Double.POSITIVE_INFINITY : log / th);
                m += (promptMax[k] + b.get(k - 1)) * (n.get(k) + excursion);
            }
            return m;
        }

        double iterationSeconds(final List<Integer> n) {
            return time.iterationSeconds(base(n));
        }
    }
}
