package org.kvsched.core.policy.wait;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fluid equilibrium of arXiv 2504.11320 (Ao, Luo, Simchi-Levi, Wang), section 2, for a type mix on a
 * replica with iteration time {@code d0 + d1 * KV} and KV capacity {@code C}. Pure arithmetic.
 *
 * <p>With {@code S = sum_j lambda_j w_j} (KV token-iterations offered per second):
 * <pre>
 *   Delta-T* = d0 / (1 - d1 S)       equilibrium iteration length, seconds
 *   n_j*     = lambda_j Delta-T*     requests of type j at each of its stages
 *   M*       = Delta-T* S            KV tokens resident at equilibrium (= sum_j n_j* w_j)
 * </pre>
 * The load is inside the fluid stability region iff {@code d1 S < 1} (service capacity, Prop. 1) and
 * {@code M* <= C} (memory). When {@code d1 S >= 1} the equilibrium quantities are infinite.
 *
 * @param types            the type mix
 * @param time             the linear iteration time used
 * @param capacityTokens   KV capacity C, tokens
 * @param perType          n_j* and M_j* = n_j* w_j per type, in the order of {@code types}
 * @param offeredKvRate    S, KV token-iterations per second
 * @param load             d1 * S (dimensionless)
 * @param deltaTSeconds    Delta-T*, seconds (infinite when load &gt;= 1)
 * @param memoryTokens     M*, tokens (infinite when load &gt;= 1)
 */
public record FluidModel(List<RequestType> types, LinearTime time, long capacityTokens, List<TypeEquilibrium> perType,
                         double offeredKvRate, double load, double deltaTSeconds, double memoryTokens) {

    /**
     * One type at the equilibrium.
     *
     * @param type         the type
     * @param perStage     n_j*, requests of this type at each stage
     * @param memoryTokens n_j* w_j, KV tokens this type holds
     */
    public record TypeEquilibrium(RequestType type, double perStage, double memoryTokens) {
    }

    public FluidModel {
        types = List.copyOf(types);
        perType = List.copyOf(perType);
    }

    /** Solves the fluid model. */
    public static FluidModel solve(final List<RequestType> types, final LinearTime time, final long capacityTokens) {
        double s = 0;
        for (final RequestType t : types) {
            s += t.ratePerSecond() * t.kvMass();
        }
        final double load = time.d1SecondsPerToken() * s;
        final double deltaT = load < 1 ? time.d0Seconds() / (1 - load) : Double.POSITIVE_INFINITY;
        final List<TypeEquilibrium> per = new ArrayList<>();
        for (final RequestType t : types) {
            final double n = t.ratePerSecond() == 0 ? 0 : t.ratePerSecond() * deltaT;
            per.add(new TypeEquilibrium(t, n, n == 0 ? 0 : n * t.kvMass()));
        }
        final double m = s == 0 ? 0 : deltaT * s;
        return new FluidModel(types, time, capacityTokens, per, s, load, deltaT, m);
    }

    /** Total arrival rate, requests per second. */
    public double totalRate() {
        double sum = 0;
        for (final RequestType t : types) {
            sum += t.ratePerSecond();
        }
        return sum;
    }

    /** The service condition d1 S &lt; 1. */
    public boolean serviceStable() {
        return load < 1;
    }

    /** The memory condition M* &lt;= C (false when the service condition fails). */
    public boolean memoryStable() {
        return serviceStable() && memoryTokens <= capacityTokens;
    }

    /** True inside the fluid stability region. */
    public boolean stable() {
        return serviceStable() && memoryStable();
    }

    /** Throughput* = sum_j lambda_j o_j, output tokens per second (what a stable policy completes). */
    public double outputTokensPerSecond() {
        double sum = 0;
        for (final RequestType t : types) {
            sum += t.ratePerSecond() * t.outputTokens();
        }
        return sum;
    }

    /**
     * The largest multiple of the arrival rates that stays inside the stability region: the smallest x with
     * d1 x S = 1 or M*(x lambda) = C. Infinite when S = 0.
     */
    public double stabilityMarginFactor() {
        if (offeredKvRate == 0) {
            return Double.POSITIVE_INFINITY;
        }
        final double d0 = time.d0Seconds();
        final double d1 = time.d1SecondsPerToken();
        // M*(x) = d0 x S / (1 - d1 x S) = C  <=>  x S (d0 + d1 C) = C.
        final double memoryLimit = capacityTokens / (offeredKvRate * (d0 + d1 * capacityTokens));
        final double serviceLimit = d1 == 0 ? Double.POSITIVE_INFINITY : 1 / (d1 * offeredKvRate);
        return Math.min(memoryLimit, serviceLimit);
    }

    /** One line: "stable on this GPU" or "unstable: ...". */
    public String verdict() {
        if (!serviceStable()) {
            return String.format(Locale.ROOT, "unstable: service condition fails, d1*S = %.3f >= 1 (the GPU cannot process the offered KV work at any batch size)", load);
        }
        if (!memoryStable()) {
            return String.format(Locale.ROOT, "unstable: memory condition fails, M* = %.0f tokens > C = %d tokens (%.2f x capacity)",
                    memoryTokens, capacityTokens, memoryTokens / capacityTokens);
        }
        return String.format(Locale.ROOT, "stable on this GPU (d1*S = %.3f, M*/C = %.3f; rates may grow x%.2f before the fluid limit)",
                load, memoryTokens / capacityTokens, stabilityMarginFactor());
    }
}
