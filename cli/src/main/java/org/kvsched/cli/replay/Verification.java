package org.kvsched.cli.replay;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.kvsched.core.metrics.RequestOutcome;

/**
 * The project's main correctness check: the Kafka replay and the in-memory engine must give every
 * request the same arrival, first-token and completion times (and the same rejection).
 */
public final class Verification {

    /**
     * @param identical      true if every request matches
     * @param identicalCount requests that match
     * @param total          requests in the in-memory run
     * @param message        {@code identical: N/N requests}, or the first difference
     */
    public record Result(boolean identical, long identicalCount, long total, String message) {
    }

    private Verification() {
    }

    public static Result compare(final List<RequestOutcome> expected, final List<RequestOutcome> actual) {
        final Map<Long, RequestOutcome> byId = new HashMap<>();
        actual.forEach(o -> byId.put(o.requestId(), o));
        long same = 0;
        String first = null;
        for (final RequestOutcome e : expected) {
            final RequestOutcome a = byId.get(e.requestId());
            final boolean eq = a != null && a.arrivalUs() == e.arrivalUs() && a.firstTokenUs() == e.firstTokenUs()
                    && a.completionUs() == e.completionUs() && a.rejectReason().equals(e.rejectReason());
            if (eq) {
                same++;
            } else if (first == null) {
                first = "request " + e.requestId() + ": in-memory arrival " + e.arrivalUs() + " us, first token " + e.firstTokenUs()
                        + " us, completion " + e.completionUs() + " us" + (e.rejected() ? " (rejected)" : "") + "; replay "
                        + (a == null ? "never saw it" : "arrival " + a.arrivalUs() + " us, first token " + a.firstTokenUs()
                        + " us, completion " + a.completionUs() + " us" + (a.rejected() ? " (rejected)" : ""));
            }
        }
        if (actual.size() != expected.size() && first == null) {
            first = "replay has " + actual.size() + " requests, the in-memory engine " + expected.size();
        }
        final boolean ok = first == null;
        return new Result(ok, same, expected.size(), ok ? "identical: " + same + "/" + expected.size() + " requests"
                : "NOT identical: " + same + "/" + expected.size() + " requests; first difference: " + first);
    }
}
