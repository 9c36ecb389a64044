package org.kvsched.core.policy.wait;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * WAIT's per-type thresholds (arXiv 2504.11320, section 3.2) and their integer form.
 *
 * <p>The paper's threshold {@code n_j} is the number of type-j requests at each stage. Admissible thresholds
 * satisfy the load balance {@code Delta-T(n) = d0 + d1 M^pi <= n_j / lambda_j} and the memory bound
 * {@code M^pi = sum_j n_j w_j <= C}. With {@code n_j = c lambda_j} any {@code c in [Delta-T*, C / S]} works
 * (section 8.1); we take {@code c = (1 + slack) Delta-T*} (slack gives the O(1)-delay regime of Theorem 1).
 * Outside the fluid stability region, or for a trace whose requests all arrive at once, there is no
 * equilibrium and {@code c = C / S} (memory-max: a full threshold pipeline fills the KV) [R].
 *
 * <p>Integer form [R]: a type is admitted in groups of {@code group_j} requests, at most one group every
 * {@code spacing_j} iterations, so each stage holds at most {@code group_j / spacing_j} requests on average.
 * For {@code n_j >= 1}: {@code spacing = 1}, {@code group = ceil(n_j)} (floor when the ceiling breaks
 * memory). For {@code n_j < 1} (light load or long outputs: fewer requests than stages) there is nothing to
 * accumulate, and a spacing of {@code 1 / n_j} iterations would throttle admission to barely above the
 * arrival rate (in simulation this doubled the latency of p512d20 at 16 req/s); so such a type is admitted
 * one at a time and the threshold is kept only as the memory bound: {@code spacing = ceil(1 / (lambda_j C / S))},
 * the pacing at which a full pipeline of every type fills at most C. When rounding breaks the load balance,
 * {@code c} grows by 5% steps while memory allows.
 *
 * @param perStage     the real thresholds n_j, in the mix's order
 * @param group        requests admitted together, per type, &gt;= 1
 * @param spacing      iterations between two admissions of a type, &gt;= 1
 * @param memoryTokens M^pi of the integer form, tokens
 * @param iterationSeconds Delta-T of the integer form, seconds
 * @param fluidStable  the load is inside the fluid stability region (else memory-max)
 * @param how          one line: how the thresholds were chosen
 */
public record WaitThresholds(List<Double> perStage, List<Integer> group, List<Integer> spacing, double memoryTokens,
                             double iterationSeconds, boolean fluidStable, String how) {

    public WaitThresholds {
        perStage = List.copyOf(perStage);
        group = List.copyOf(group);
        spacing = List.copyOf(spacing);
    }

    /** Thresholds from the fluid model. */
    public static WaitThresholds compute(final TypeMix mix, final LinearTime time, final long capacityTokens, final double slack) {
        final FluidModel fluid = FluidModel.solve(mix.types(), time, capacityTokens);
        final List<RequestType> types = mix.types();
        final double cMemory = capacityTokens / fluid.offeredKvRate();
        final boolean stable = !mix.allAtOnce() && fluid.stable();
        double c = stable ? Math.min((1 + slack) * fluid.deltaTSeconds(), cMemory) : cMemory;
        Form form = Form.of(types, c, cMemory, stable);
        if (form.memory(types) > capacityTokens) {
            form = Form.of(types, c, cMemory, false);
        }
        if (stable) {
            // Rounding can raise Delta-T(n) above n_j / lambda_j; raise c while memory allows.
            for (int step = 0; step < 400 && !form.balanced(types, time); step++) {
                final Form next = Form.of(types, c * 1.05, cMemory, true);
                if (next.memory(types) > capacityTokens) {
                    break;
                }
                c *= 1.05;
                form = next;
            }
        }
        final double m = form.memory(types);
        final String how = stable
                ? String.format(Locale.ROOT, "fluid: c = %.4f s (Delta-T* = %.4f s, slack %.2f), n_j = c lambda_j%s",
                        c, fluid.deltaTSeconds(), slack, form.balanced(types, time) ? "" : "; balance not reachable within memory")
                : String.format(Locale.ROOT, "memory-max: %s, c = C/S = %.4f s", mix.allAtOnce() ? "all requests arrive at once"
                        : "load outside the fluid stability region", c);
        return new WaitThresholds(form.n, form.group, form.spacing, m, time.iterationSeconds(m), stable, how);
    }

    /** Explicit real thresholds (integer form as in the fluid case when {@code n >= 1}, memory-safe below 1). */
    public static WaitThresholds explicit(final TypeMix mix, final List<Double> n, final LinearTime time) {
        final List<Integer> group = new ArrayList<>();
        final List<Integer> spacing = new ArrayList<>();
        for (final double x : n) {
            group.add(x >= 1 ? (int) Math.round(x) : 1);
            spacing.add(x >= 1 ? 1 : (int) Math.ceil(1 / x - 1e-9));
        }
        final Form form = new Form(n, group, spacing);
        final double m = form.memory(mix.types());
        return new WaitThresholds(n, group, spacing, m, time.iterationSeconds(m), false, "explicit");
    }

    /** The integer form of thresholds {@code n_j = c lambda_j}. */
    private record Form(List<Double> n, List<Integer> group, List<Integer> spacing) {

        static Form of(final List<RequestType> types, final double c, final double cMemory, final boolean roundUp) {
            final List<Double> n = new ArrayList<>();
            final List<Integer> group = new ArrayList<>();
            final List<Integer> spacing = new ArrayList<>();
            for (final RequestType t : types) {
                final double x = c * t.ratePerSecond();
                n.add(x);
                if (x >= 1 || x <= 0) {
                    group.add((int) Math.max(1, roundUp ? Math.ceil(x - 1e-9) : Math.floor(x)));
                    spacing.add(1);
                } else {
                    // Fewer than one request per stage: nothing to accumulate, so the threshold only bounds memory.
                    final double y = cMemory * t.ratePerSecond();
                    group.add(1);
                    spacing.add((int) Math.max(1, Math.ceil(1 / y - 1e-9)));
                }
            }
            return new Form(n, group, spacing);
        }

        double memory(final List<RequestType> types) {
            double m = 0;
            for (int j = 0; j < types.size(); j++) {
                m += group.get(j) / (double) spacing.get(j) * types.get(j).kvMass();
            }
            return m;
        }

        boolean balanced(final List<RequestType> types, final LinearTime time) {
            final double dt = time.iterationSeconds(memory(types));
            for (int j = 0; j < types.size(); j++) {
                final double rate = types.get(j).ratePerSecond();
                if (rate > 0 && group.get(j) / (double) spacing.get(j) / rate < dt) {
                    return false;
                }
            }
            return true;
        }
    }
}
