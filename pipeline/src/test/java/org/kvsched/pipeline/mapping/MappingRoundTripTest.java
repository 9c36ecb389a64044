package org.kvsched.pipeline.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.FinishReason;
import org.kvsched.core.engine.PlanEntry;
import org.kvsched.core.engine.StepReport;
import org.kvsched.core.engine.StepSummary;
import org.kvsched.core.engine.TokenProgress;
import org.kvsched.core.model.Request;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.schemas.avro.ArrivalEvent;
import org.kvsched.schemas.avro.EndOfTrace;
import org.kvsched.schemas.avro.RequestArrival;
import org.kvsched.schemas.payload.SimulatedOutput;
import org.kvsched.schemas.serde.AvroSerdes;

/**
 * Every mapping pair gives back what it was given: core object, to Avro, through the wire bytes, back to a core object
 * equal to the first.
 */
class MappingRoundTripTest {

    private static final AvroSerdes SERDES = AvroSerdes.singleObject();

    /** The record after a trip through its serde, so a field the schema cannot hold fails here, not in a service. */
    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> T wire(final T value) {
        final Serde<T> serde = SERDES.serde((Class<T>) value.getClass());
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", value));
    }

    @Test
    void requests() {
        final Request r = new Request(7, 1_500, 120, 64, 40);
        final ByteBuffer payload = SimulatedOutput.encode(33);
        final RequestArrival a = wire(ArrivalMapping.encode(r, payload));
        assertEquals(r, ArrivalMapping.decode(a));
        assertEquals(33, SimulatedOutput.decode(a.getWorkerPayload()));
        assertNull(wire(ArrivalMapping.encode(r, null)).getWorkerPayload());
    }

    @Test
    void workloadRequestsCarryTheTrueLengthOnlyInThePayload() {
        final WorkloadRequest w = new WorkloadRequest(9, 2_000, 300, 17, 128);
        final ArrivalEvent e = wire(ArrivalMapping.encode(2, 5, w, 100));
        assertEquals(2, e.getReplicaId());
        assertEquals(5, e.getSequence());
        final RequestArrival a = (RequestArrival) e.getBody();
        assertEquals(new Request(9, 2_000, 300, 128, 100), ArrivalMapping.decode(a));
        assertEquals(17, SimulatedOutput.decode(a.getWorkerPayload()));
        final ArrivalEvent end = wire(ArrivalMapping.endOfTrace(1, 40, 3));
        assertEquals(new EndOfTrace(40L, 3), end.getBody());
    }

    @Test
    void plans() {
        final BatchPlan p = new BatchPlan(1, 42, 10_000, List.of(new PlanEntry(7, 120, 0, 120, 0, 64), new PlanEntry(8, 1, 50, 50, 3, 10)),
                20, 99_000, List.of(3L, 4L));
        final org.kvsched.schemas.avro.BatchPlan wire = wire(PlanMapping.encode(p, id -> id == 7 ? SimulatedOutput.encode(33) : null));
        assertEquals(p, PlanMapping.decode(wire));
        final Map<Long, ByteBuffer> payloads = PlanMapping.payloads(wire);
        assertEquals(Map.of(7L, SimulatedOutput.encode(33)), payloads);
    }

    @Test
    void reports() {
        final StepReport r = new StepReport(1, 42, 10_000, new long[] {10_500, 11_000, 11_000}, List.of(
                new TokenProgress(7, 3, 10_500, null, null),
                new TokenProgress(8, 2, -1, FinishReason.EOS, null),
                new TokenProgress(9, 1, 10_500, FinishReason.ERROR, "server said no")));
        assertEquals(r, ReportMapping.decode(wire(ReportMapping.encode(r)), null));
    }

    @Test
    void aReportWithoutProgressMeansEveryRequestRanToItsCap() {
        final BatchPlan p = new BatchPlan(0, 5, 100, List.of(new PlanEntry(7, 1, 12, 10, 3, 4)), 5, Long.MAX_VALUE);
        final org.kvsched.schemas.avro.StepReport v1 = new org.kvsched.schemas.avro.StepReport(0, 5L, 100L, List.of(200L), null);
        final StepReport r = ReportMapping.decode(v1, p);
        assertEquals(1, r.progress().size());
        assertEquals(FinishReason.LENGTH, r.progress().get(0).finish());
        // Without the plan it answers, nothing can be said about progress.
        assertTrue(ReportMapping.decode(v1, null).progress().isEmpty());
    }

    @Test
    void events() {
        for (final RequestEventKind kind : RequestEventKind.values()) {
            final RequestEvent e = new RequestEvent(kind, 7, 1, 12_345, 120, 64, 5, kind == RequestEventKind.REJECTED ? "too large" : "");
            assertEquals(e, EventMapping.decode(wire(EventMapping.encode(e))), kind.name());
        }
    }

    @Test
    void summaries() {
        final StepSummary s = new StepSummary(1, 42, 10_000, 11_000, 3, 1234.5, 20, 18, 1024, 16, 120, 7, 2);
        assertEquals(s, SummaryMapping.decode(wire(SummaryMapping.encode(s))));
    }
}
