package org.kvsched.metrics.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.kvsched.core.metrics.Stats;
import org.kvsched.schemas.avro.ErrorRecord;
import org.kvsched.schemas.avro.ReplicaEnd;
import org.kvsched.schemas.avro.RequestEvent;
import org.kvsched.schemas.avro.RequestEventKind;
import org.kvsched.schemas.avro.StepSummary;

class MetricsAggregatorTest {

    private static RequestEvent ev(final RequestEventKind k, final long id, final int replica, final long t) {
        return new RequestEvent(k, id, replica, t, 10, 2, 0, "");
    }

    @Test
    void completeOnlyWhenEveryReplicaEndedAndEveryAnnouncedRecordArrived() {
        final MetricsAggregator a = new MetricsAggregator();
        // The end records may overtake the events they announce (other topics).
        a.onEnd(new ReplicaEnd(0, 2, 1L, 0L, 1L, 100L));
        assertFalse(a.complete());
        a.onEvent(ev(RequestEventKind.ARRIVED, 0, 0, 0));
        a.onEvent(ev(RequestEventKind.ADMITTED, 0, 0, 0));
        a.onEvent(ev(RequestEventKind.FIRST_TOKEN, 0, 0, 50));
        a.onStep(new StepSummary(0, 0L, 0L, 100L, 2, 200.0, 2, 0, 100, 16, 10L, 1L, 1));
        a.onEvent(ev(RequestEventKind.COMPLETED, 0, 0, 100));
        assertFalse(a.complete(), "replica 1 has not ended");
        a.onEnd(new ReplicaEnd(1, 2, 0L, 1L, 0L, 0L));
        assertFalse(a.complete(), "replica 1 announced an error not yet seen");
        a.onError(new ErrorRecord("scheduler-stream", "arrivals", 1, 0L, null, null, "undecodable arrival"));
        assertTrue(a.complete());
        assertEquals(1, a.summary(2, 1600).completed());
        assertEquals(1, a.plans());
        assertEquals(1, a.ttftSoFar().count());
        assertEquals(50.0 / 1000, a.ttftSoFar().p50Ms(), 1e-12, "small values are exact");
    }

    @Test
    void aSecondArrivalFirstTokenOrCompletionIsCountedAndChangesNothing() {
        final MetricsAggregator a = new MetricsAggregator();
        a.onEnd(new ReplicaEnd(0, 1, 2L, 0L, 1L, 100L));
        a.onEvent(ev(RequestEventKind.ARRIVED, 0, 0, 0));
        a.onEvent(ev(RequestEventKind.ADMITTED, 0, 0, 0));
        a.onEvent(ev(RequestEventKind.FIRST_TOKEN, 0, 0, 50));
        a.onEvent(ev(RequestEventKind.COMPLETED, 0, 0, 100));
        // A replayed completion would make one request count as two finished ones and end the run early.
        a.onEvent(ev(RequestEventKind.COMPLETED, 0, 0, 120));
        assertFalse(a.complete(), "request 1 has not finished: the duplicate must not stand in for it");
        a.onEvent(ev(RequestEventKind.ARRIVED, 0, 0, 7));
        a.onEvent(ev(RequestEventKind.FIRST_TOKEN, 0, 0, 60));
        // Admissions repeat legitimately (after a preemption): not duplicates.
        a.onEvent(ev(RequestEventKind.ADMITTED, 0, 0, 70));
        assertEquals(3, a.duplicateEvents());
        a.onEvent(ev(RequestEventKind.ARRIVED, 1, 0, 0));
        a.onEvent(ev(RequestEventKind.COMPLETED, 1, 0, 200));
        assertTrue(a.complete());
        final var first = a.outcomes().stream().filter(o -> o.requestId() == 0).findFirst().orElseThrow();
        assertEquals(0, first.arrivalUs());
        assertEquals(50, first.firstTokenUs());
        assertEquals(100, first.completionUs());
    }

    @Test
    void streamingTtftPercentilesAreWithinATenthOfAPercentOfTheExactOnes() {
        final MetricsAggregator a = new MetricsAggregator();
        assertEquals(new MetricsAggregator.TtftProgress(0, 0, 0), a.ttftSoFar());
        final SplittableRandom rng = new SplittableRandom(3);
        final int n = 20_000;
        final double[] exactMs = new double[n];
        for (int id = 0; id < n; id++) {
            // Log-normal TTFTs from about 1 ms to a few seconds, in microseconds, as a loaded replica gives them.
            final long arrival = rng.nextLong(1_000_000_000L);
            final long ttft = (long) Math.exp(7 + 2 * rng.nextGaussian());
            a.onEvent(ev(RequestEventKind.ARRIVED, id, 0, arrival));
            a.onEvent(ev(RequestEventKind.ADMITTED, id, 0, arrival));
            a.onEvent(ev(RequestEventKind.FIRST_TOKEN, id, 0, arrival + ttft));
            exactMs[id] = ttft / 1000.0;
        }
        // A request rejected before any token adds no TTFT.
        a.onEvent(ev(RequestEventKind.ARRIVED, n, 0, 0));
        a.onEvent(new RequestEvent(RequestEventKind.REJECTED, (long) n, 0, 5L, 10, 2, 0, "too long"));
        final MetricsAggregator.TtftProgress p = a.ttftSoFar();
        final Stats exact = Stats.ofSorting(exactMs);
        assertEquals(n, p.count());
        assertEquals(exact.p50(), p.p50Ms(), exact.p50() * 1e-3 + 1e-3, "p50");
        assertEquals(exact.p99(), p.p99Ms(), exact.p99() * 1e-3 + 1e-3, "p99");
        // The final summary does not go through the histogram: it stays exact.
        assertEquals(exact.p99(), a.summary(1, 1600).ttftMs().p99(), 1e-9);
    }
}
