package org.kvsched.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.kvsched.core.engine.StepSummary;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;

class MetricsCollectorTest {

    private static RequestEvent ev(final RequestEventKind kind, final long id, final long t) {
        return new RequestEvent(kind, id, 0, t, 100, 11, kind == RequestEventKind.COMPLETED ? 11 : 0,
                kind == RequestEventKind.REJECTED ? "too big" : kind == RequestEventKind.COMPLETED ? "length" : "");
    }

    @Test
    void latenciesFromEvents() {
        final MetricsCollector m = new MetricsCollector();
        // WorkloadRequest 0: arrives at 0, admitted 1 ms, first token 5 ms, preempted once, completes 105 ms (11 tokens).
        m.onRequestEvent(ev(RequestEventKind.ARRIVED, 0, 0));
        m.onRequestEvent(ev(RequestEventKind.ADMITTED, 0, 1_000));
        m.onRequestEvent(ev(RequestEventKind.FIRST_TOKEN, 0, 5_000));
        m.onRequestEvent(ev(RequestEventKind.PREEMPTED, 0, 50_000));
        m.onRequestEvent(ev(RequestEventKind.ADMITTED, 0, 60_000));
        m.onRequestEvent(ev(RequestEventKind.COMPLETED, 0, 105_000));
        // WorkloadRequest 1: rejected at arrival.
        m.onRequestEvent(ev(RequestEventKind.ARRIVED, 1, 2_000));
        m.onRequestEvent(ev(RequestEventKind.REJECTED, 1, 2_000));
        // KV: 10 of 100 blocks for the whole 105 ms.
        m.onStep(new StepSummary(0, 0, 0, 105_000, 3, 10.0 * 105_000, 20, 0, 100, 16, 100, 10, 1));

        final Summary s = m.summary(1, 1600);
        assertEquals(2, s.requests());
        assertEquals(1, s.completed());
        assertEquals(1, s.rejected());
        assertEquals(1, s.preemptions());
        assertEquals(5.0, s.ttftMs().mean(), 1e-9);
        assertEquals(105.0, s.e2eMs().p50(), 1e-9);
        assertEquals(10.0, s.tpotMs().mean(), 1e-9, "(105 - 5) ms over 10 tokens after the first");
        assertEquals(1.0, s.schedulingDelayMs().mean(), 1e-9);
        assertEquals(0.1, s.kvUtilMean(), 1e-9);
        assertEquals(320, s.kvPeakTokens());
        assertEquals(0.105, s.makespanS(), 1e-12);
        assertEquals(11 / 0.105, s.throughputTokensPerS(), 1e-9);
        assertEquals("too big", m.outcomes().get(1).rejectReason());
    }

    @Test
    void percentilesInterpolateLikeNumpy() {
        final Stats s = Stats.ofSorting(new double[] {4, 1, 3, 2});
        assertEquals(2.5, s.mean(), 1e-12);
        assertEquals(2.5, s.p50(), 1e-12);
        assertEquals(3.7, s.p90(), 1e-12);
        assertEquals(3.97, s.p99(), 1e-12);
        assertEquals(4, s.max(), 1e-12);
        assertEquals(Stats.EMPTY, Stats.ofSorting(new double[0]));
    }
}
