package org.kvsched.core.sim;

import java.util.List;

import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.policy.PolicyConfig;

/**
 * A policy swap by redeploy: the scheduler stops once it has received the first {@code afterRequests}
 * requests (and made every decision they allow), and starts again with {@code next} on the same state.
 *
 * <p>Where the swap falls, per replica: the old policy makes every decision before the time of the last of
 * those requests routed to the replica (the replica cannot decide at or after the last arrival it has seen,
 * since a request at that very time may still come), the new policy every decision from then on.
 *
 * @param afterRequests requests received before the swap, 0 &lt;= afterRequests &lt;= workload size
 * @param next          the policy after the swap
 */
public record PolicySwap(int afterRequests, PolicyConfig next) {

    public PolicySwap {
        if (afterRequests < 0) {
            throw new IllegalArgumentException("a swap comes after >= 0 requests, got " + afterRequests);
        }
    }

    /**
     * Parses {@code P%:SPEC} (a share of the requests) or {@code N:SPEC} (a count) for a workload of {@code size}.
     *
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static PolicySwap parse(final String text, final int size) {
        final int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--swap-policy-at must be P%:POLICY or N:POLICY, got '" + text + "'");
        }
        final String at = text.substring(0, colon).trim();
        final PolicyConfig next = PolicyConfig.parse(text.substring(colon + 1).trim());
        try {
            final int n = at.endsWith("%")
                    ? (int) Math.ceil(Double.parseDouble(at.substring(0, at.length() - 1)) / 100.0 * size)
                    : Integer.parseInt(at);
            if (n < 0 || n > size) {
                throw new IllegalArgumentException("--swap-policy-at: " + at + " is outside 0.." + size + " requests");
            }
            return new PolicySwap(n, next);
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("--swap-policy-at: '" + at + "' is not a count or a percentage", e);
        }
    }

    /**
     * Per replica, the time from which the new policy decides, microseconds ({@link Long#MIN_VALUE}: from the
     * start), for requests routed round-robin in arrival order.
     */
    public long[] swapTimes(final List<WorkloadRequest> requests, final int replicas) {
        final long[] at = new long[replicas];
        java.util.Arrays.fill(at, Long.MIN_VALUE);
        for (int k = 0; k < afterRequests; k++) {
            at[k % replicas] = requests.get(k).arrivalUs();
        }
        return at;
    }
}
