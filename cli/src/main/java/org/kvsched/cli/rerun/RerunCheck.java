package org.kvsched.cli.rerun;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.kvsched.core.engine.LogEntry;
import org.kvsched.core.metrics.RequestOutcome;

/**
 * What "identical" means for a re-run of a recorded run, in two parts:
 * <ul>
 *   <li>decisions: the i-th decision re-derived on a replica equals the i-th one recorded there in time,
 *       content (chunks, preemptions, continuation bound and deadline) and the policy's private state after it;
 *       a missing or extra decision is a difference;</li>
 *   <li>requests: every request the run measured has, in the re-run, the same replica, arrival, first
 *       admission, first token and completion times (microseconds), output tokens, preemptions, rejection
 *       reason and finish reason; a request only one side has is a difference.</li>
 * </ul>
 * The message names the first difference, so a divergence can be traced to the entry that caused it.
 */
public final class RerunCheck {

    /**
     * A comparison's verdict.
     *
     * @param identical true if nothing differs
     * @param same      items (decisions or requests) that match
     * @param total     items on the recorded side
     * @param what      what was counted ({@code decisions}, {@code requests})
     * @param first     the first difference, or null
     */
    public record Result(boolean identical, long same, long total, String what, String first) {

        /** {@code identical: N/N what}, or the count and the first difference. */
        public String message() {
            return identical ? "identical: " + same + "/" + total + " " + what
                    : "NOT identical: " + same + "/" + total + " " + what + "; first difference: " + first;
        }

        /** Both verdicts together (one replica's decisions after another's). */
        public Result and(final Result other) {
            return new Result(identical && other.identical, same + other.same, total + other.total, what,
                    first != null ? first : other.first);
        }
    }

    private RerunCheck() {
    }

    /** The recorded and re-derived decisions of replica {@code replica}, in order. */
    public static Result decisions(final int replica, final List<LogEntry.Decided> recorded, final List<LogEntry.Decided> derived) {
        long same = 0;
        String first = null;
        for (int i = 0; i < recorded.size(); i++) {
            final LogEntry.Decided r = recorded.get(i);
            final LogEntry.Decided d = i < derived.size() ? derived.get(i) : null;
            if (d != null && d.atUs() == r.atUs() && d.decision().equals(r.decision()) && Arrays.equals(d.policyState(), r.policyState())) {
                same++;
            } else if (first == null) {
                first = "replica " + replica + " decision " + i + ": recorded " + describe(r) + "; re-run " + (d == null ? "none" : describe(d));
            }
        }
        if (first == null && derived.size() != recorded.size()) {
            first = "replica " + replica + ": re-run made " + derived.size() + " decisions, the run " + recorded.size();
        }
        return new Result(first == null, same, recorded.size(), "decisions", first);
    }

    private static String describe(final LogEntry.Decided d) {
        return "at " + d.atUs() + " us " + d.decision() + " state " + Arrays.toString(d.policyState());
    }

    /** The run's measured outcomes against the re-run's. */
    public static Result requests(final List<RequestOutcome> recorded, final List<RequestOutcome> rerun) {
        final Map<Long, RequestOutcome> byId = new HashMap<>();
        rerun.forEach(o -> byId.put(o.requestId(), o));
        long same = 0;
        String first = null;
        for (final RequestOutcome r : recorded) {
            final RequestOutcome a = byId.remove(r.requestId());
            final String diff = a == null ? "the re-run never saw it" : difference(r, a);
            if (diff == null) {
                same++;
            } else if (first == null) {
                first = "request " + r.requestId() + ": " + diff;
            }
        }
        if (first == null && !byId.isEmpty()) {
            first = "request " + byId.keySet().iterator().next() + ": only the re-run has it (" + byId.size() + " such)";
        }
        return new Result(first == null, same, recorded.size(), "requests", first);
    }

    /** The first field in which two outcomes of one request differ, or null. */
    static String difference(final RequestOutcome r, final RequestOutcome a) {
        final String[] names = {"replica", "arrival us", "first admission us", "first token us", "completion us", "prompt tokens",
            "output tokens", "preemptions"};
        final long[] x = {r.replicaId(), r.arrivalUs(), r.firstAdmitUs(), r.firstTokenUs(), r.completionUs(), r.promptTokens(),
            r.outputTokens(), r.preemptions()};
        final long[] y = {a.replicaId(), a.arrivalUs(), a.firstAdmitUs(), a.firstTokenUs(), a.completionUs(), a.promptTokens(),
            a.outputTokens(), a.preemptions()};
        for (int i = 0; i < names.length; i++) {
            if (x[i] != y[i]) {
                return names[i] + " recorded " + x[i] + ", re-run " + y[i];
            }
        }
        if (!r.rejectReason().equals(a.rejectReason())) {
            return "reject reason recorded '" + r.rejectReason() + "', re-run '" + a.rejectReason() + "'";
        }
        if (!r.finishReason().equals(a.finishReason())) {
            return "finish reason recorded '" + r.finishReason() + "', re-run '" + a.finishReason() + "'";
        }
        return null;
    }
}
