package org.kvsched.cli.rerun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kvsched.core.engine.LogEntry;
import org.kvsched.core.metrics.RequestOutcome;
import org.kvsched.core.policy.Decision;

/** The comparison behind {@code rerun}'s "identical": any one changed time or field of one request or decision fails it. */
class RerunCheckTest {

    private static List<RequestOutcome> outcomes() {
        final List<RequestOutcome> out = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            final long a = 1_000L * i;
            out.add(new RequestOutcome(i, i % 2, a, a + 10, a + 50, a + 900, 100 + i, 10 + i, i % 3, "", "eos"));
        }
        return out;
    }

    @Test
    void equalOutcomesAreIdenticalAndCountEveryRequest() {
        final RerunCheck.Result r = RerunCheck.requests(outcomes(), new ArrayList<>(outcomes()));
        assertTrue(r.identical(), r.message());
        assertEquals(20, r.same());
        assertEquals("identical: 20/20 requests", r.message());
    }

    @Test
    void oneChangedTimeOfOneRequestIsADifferenceNamingIt() {
        final String[] fields = {"arrival us", "first admission us", "first token us", "completion us"};
        for (int f = 0; f < fields.length; f++) {
            final List<RequestOutcome> rerun = new ArrayList<>(outcomes());
            final RequestOutcome o = rerun.get(7);
            rerun.set(7, new RequestOutcome(o.requestId(), o.replicaId(), o.arrivalUs() + (f == 0 ? 1 : 0), o.firstAdmitUs() + (f == 1 ? 1 : 0),
                    o.firstTokenUs() + (f == 2 ? 1 : 0), o.completionUs() + (f == 3 ? 1 : 0), o.promptTokens(), o.outputTokens(),
                    o.preemptions(), o.rejectReason(), o.finishReason()));
            final RerunCheck.Result r = RerunCheck.requests(outcomes(), rerun);
            assertFalse(r.identical(), fields[f]);
            assertEquals(19, r.same());
            assertTrue(r.message().contains("request 7: " + fields[f]), r.message());
        }
    }

    @Test
    void aDifferentFinishReasonOrAMissingOrExtraRequestIsADifference() {
        final List<RequestOutcome> rerun = new ArrayList<>(outcomes());
        final RequestOutcome o = rerun.get(3);
        rerun.set(3, new RequestOutcome(o.requestId(), o.replicaId(), o.arrivalUs(), o.firstAdmitUs(), o.firstTokenUs(), o.completionUs(),
                o.promptTokens(), o.outputTokens(), o.preemptions(), o.rejectReason(), "length"));
        assertTrue(RerunCheck.requests(outcomes(), rerun).message().contains("finish reason"));
        assertFalse(RerunCheck.requests(outcomes(), outcomes().subList(0, 19)).identical());
        final List<RequestOutcome> extra = new ArrayList<>(outcomes());
        extra.add(new RequestOutcome(99, 0, 0, 1, 2, 3, 1, 1, 0, "", "eos"));
        final RerunCheck.Result r = RerunCheck.requests(outcomes(), extra);
        assertFalse(r.identical());
        assertEquals(20, r.same());
    }

    private static List<LogEntry.Decided> decisions() {
        final List<LogEntry.Decided> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            out.add(new LogEntry.Decided(100L * i, new Decision(List.of(new Decision.Chunk(i, 16)), List.of(), 4, Long.MAX_VALUE),
                    new long[] {i}));
        }
        return out;
    }

    @Test
    void decisionsDifferInTimeContentStateOrCount() {
        assertTrue(RerunCheck.decisions(0, decisions(), decisions()).identical());
        final List<LogEntry.Decided> later = new ArrayList<>(decisions());
        later.set(4, new LogEntry.Decided(401, later.get(4).decision(), later.get(4).policyState()));
        final RerunCheck.Result r = RerunCheck.decisions(1, decisions(), later);
        assertFalse(r.identical());
        assertEquals(9, r.same());
        assertTrue(r.message().contains("replica 1 decision 4"), r.message());
        final List<LogEntry.Decided> state = new ArrayList<>(decisions());
        state.set(2, new LogEntry.Decided(200, state.get(2).decision(), new long[] {7}));
        assertFalse(RerunCheck.decisions(0, decisions(), state).identical());
        final List<LogEntry.Decided> chunk = new ArrayList<>(decisions());
        chunk.set(2, new LogEntry.Decided(200, new Decision(List.of(new Decision.Chunk(2, 15)), List.of(), 4, Long.MAX_VALUE), new long[] {2}));
        assertFalse(RerunCheck.decisions(0, decisions(), chunk).identical());
        final List<LogEntry.Decided> more = new ArrayList<>(decisions());
        more.add(more.get(9));
        assertFalse(RerunCheck.decisions(0, decisions(), more).identical());
        assertFalse(RerunCheck.decisions(0, decisions(), decisions().subList(0, 9)).identical());
    }
}
