package org.kvsched.schemas.serde;

import java.nio.ByteBuffer;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;
import org.kvsched.schemas.avro.ArrivalEvent;
import org.kvsched.schemas.avro.BatchPlan;
import org.kvsched.schemas.avro.EndOfTrace;
import org.kvsched.schemas.avro.ErrorRecord;
import org.kvsched.schemas.avro.PlanEntry;
import org.kvsched.schemas.avro.ReplicaEnd;
import org.kvsched.schemas.avro.RequestArrival;
import org.kvsched.schemas.avro.RequestEvent;
import org.kvsched.schemas.avro.RequestEventKind;
import org.kvsched.schemas.avro.StepReport;
import org.kvsched.schemas.avro.StepSummary;

/** One filled-in instance of every top-level record, for round-trip tests. */
final class Samples {

    private Samples() {
    }

    static List<SpecificRecord> all() {
        return List.of(
                new ArrivalEvent(2, 17L, new RequestArrival(42L, 1_234_567L, 1020, 129, 100, org.kvsched.schemas.payload.SimulatedOutput.encode(77))),
                new ArrivalEvent(2, 18L, new EndOfTrace(18L, 4)),
                new BatchPlan(1, 7L, 99L, List.of(new PlanEntry(3L, 512, 0, 1020, 0, 129, null), new PlanEntry(4L, 1, 300, 200, 101, 300, ByteBuffer.wrap(new byte[] {9}))),
                        25, Long.MAX_VALUE, List.of(5L)),
                new StepReport(1, 7L, 99L, List.of(1_000L, 1_050L, 1_100L), List.of(new org.kvsched.schemas.avro.TokenProgress(4L, 3, -1L, "eos", ""))),
                new StepReport(1, 8L, 99L, List.of(1_000L), null),
                new RequestEvent(RequestEventKind.REJECTED, 5L, 0, 77L, 10, 20, 0, "too large"),
                new RequestEvent(RequestEventKind.FIRST_TOKEN, 6L, 3, 78L, 11, 21, 1, ""),
                new StepSummary(0, 3L, 10L, 20L, 4, 1234.5, 17, 12, 7424, 16, 512L, 3L, 2),
                new ReplicaEnd(0, 4, 100L, 2L, 321L, 9_999L),
                new ErrorRecord("scheduler-stream", "arrivals", 0, 12L, ByteBuffer.wrap(new byte[] {0, 0, 0, 1}),
                        ByteBuffer.wrap(new byte[] {1, 2, 3}), "cannot decode"),
                new ErrorRecord("scheduler-stream", "arrivals", -1, -1L, null, null, "no bytes"));
    }
}
