package org.kvsched.core.policy.wait;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * WAIT's per-type thresholds {@code n_j} (arXiv 2504.11320, section 3.2): how many type-j requests must
 * wait before the type is admitted, and how many are admitted together (so at most {@code n_j} requests of
 * type j sit at each stage).
 *
 * <p>Admissible thresholds satisfy the load balance {@code Delta-T(n) = d0 + d1 M^pi <= n_j / lambda_j} and
 * the memory bound {@code M^pi = sum_j n_j w_j <= C}. With {@code n_j = c lambda_j} any
 * {@code c in [Delta-T*, C / S]} works (section 8.1); we take {@code c = (1 + slack) Delta-T*} (slack gives
 * the O(1)-delay regime of Theorem 1), round up to integers {@code >= 1}, and raise {@code c} by 5% steps
 * while rounding breaks the balance and memory still allows. Outside the fluid stability region, or for a
 * trace whose requests all arrive at once, there is no equilibrium and {@code c = C / S} (memory-max
 * thresholds: a full threshold batch fills the KV) [R].
 *
 * @param perStage    n_j per type, in the mix's order, each &gt;= 1
 * @param memoryTokens M^pi = sum_j n_j w_j, tokens
 * @param iterationSeconds Delta-T(n) = d0 + d1 M^pi, seconds
 * @param fluidStable true when the load is inside the fluid stability region (else memory-max)
 * @param how         one line: how the thresholds were chosen
 */
public record WaitThresholds(List<Integer> perStage, double memoryTokens, double iterationSeconds, boolean fluidStable,
                             String how) {

    public WaitThresholds {
        perStage = List.copyOf(perStage);
    }

    /** n_j of type j. */
    public int of(final int type) {
        return perStage.get(type);
    }

    /** Thresholds from the fluid model. */
    public static WaitThresholds compute(final TypeMix mix, final LinearTime time, final long capacityTokens, final double slack) {
        final FluidModel fluid = FluidModel.solve(mix.types(), time, capacityTokens);
        final List<RequestType> types = mix.types();
        final double s = fluid.offeredKvRate();
        final double cMemory = capacityTokens / s;
        final boolean stable = !mix.allAtOnce() && fluid.stable();
        double c = stable ? Math.min((1 + slack) * fluid.deltaTSeconds(), cMemory) : cMemory;
        List<Integer> n = round(types, c, true);
        if (memory(types, n) > capacityTokens) {
            n = round(types, c, false);
        }
        if (stable) {
            // Rounding up raises Delta-T(n); raise c until the balance holds for every type or memory ends.
            for (int step = 0; step < 200 && !balanced(types, n, time); step++) {
                final double next = c * 1.05;
                final List<Integer> candidate = round(types, next, true);
                if (memory(types, candidate) > capacityTokens) {
                    break;
                }
                c = next;
                n = candidate;
            }
        }
        final double m = memory(types, n);
        final String how = stable
                ? String.format(Locale.ROOT, "fluid: c = %.4f s (Delta-T* = %.4f s, slack %.2f), n_j = ceil(c lambda_j)%s",
                        c, fluid.deltaTSeconds(), slack, balanced(types, n, time) ? "" : "; balance not reachable within memory")
                : String.format(Locale.ROOT, "memory-max: %s, c = C/S", mix.allAtOnce() ? "all requests arrive at once"
                        : "load outside the fluid stability region (" + fluid.verdict() + ")");
        return new WaitThresholds(n, m, time.iterationSeconds(m), stable, how);
    }

    /** Explicit thresholds. */
    public static WaitThresholds explicit(final TypeMix mix, final List<Integer> n, final LinearTime time) {
        final double m = memory(mix.types(), n);
        return new WaitThresholds(n, m, time.iterationSeconds(m), false, "explicit");
    }

    private static List<Integer> round(final List<RequestType> types, final double c, final boolean up) {
        final List<Integer> n = new ArrayList<>();
        for (final RequestType t : types) {
            final double x = c * t.ratePerSecond();
            n.add((int) Math.max(1, up ? Math.ceil(x - 1e-9) : Math.floor(x)));
        }
        return n;
    }

    static double memory(final List<RequestType> types, final List<Integer> n) {
        double m = 0;
        for (int j = 0; j < types.size(); j++) {
            m += n.get(j) * types.get(j).kvMass();
        }
        return m;
    }

    private static boolean balanced(final List<RequestType> types, final List<Integer> n, final LinearTime time) {
        final double dt = time.iterationSeconds(memory(types, n));
        for (int j = 0; j < types.size(); j++) {
            final double rate = types.get(j).ratePerSecond();
            if (rate > 0 && n.get(j) / rate < dt) {
                return false;
            }
        }
        return true;
    }
}
