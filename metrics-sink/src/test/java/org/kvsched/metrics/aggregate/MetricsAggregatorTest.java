package org.kvsched.metrics.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
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
        assertEquals(50.0 / 1000, a.ttftSoFar().p50(), 1e-12);
    }
}
