package org.kvsched.pipeline.mapping;

import java.nio.ByteBuffer;

import org.kvsched.core.model.Request;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.schemas.avro.ArrivalEvent;
import org.kvsched.schemas.avro.EndOfTrace;
import org.kvsched.schemas.avro.RequestArrival;
import org.kvsched.schemas.payload.SimulatedOutput;

/**
 * Arrivals, both directions. The producer encodes workload requests: what the scheduler may know (prompt, cap,
 * prediction) in the fields, the simulation's true output length only inside the opaque worker payload. The
 * scheduler decodes a core {@link Request} (the payload is not part of it: the scheduler keeps it aside) and
 * encodes requests back, with their payload, into its replica log.
 */
public final class ArrivalMapping {

    private ArrivalMapping() {
    }

    /** The arrival record of a workload request as the producer sends it. */
    public static ArrivalEvent encode(final int replica, final long sequence, final WorkloadRequest r, final int predictedOutputTokens) {
        return new ArrivalEvent(replica, sequence, new RequestArrival(r.id(), r.arrivalUs(), r.promptTokens(), r.maxTokens(),
                predictedOutputTokens, SimulatedOutput.encode(r.outputTokens())));
    }

    /** The end-of-trace marker: {@code sequence} arrivals were sent to this replica, by a producer of {@code replicas}. */
    public static ArrivalEvent endOfTrace(final int replica, final long sequence, final int replicas) {
        return new ArrivalEvent(replica, sequence, new EndOfTrace(sequence, replicas));
    }

    /** The arrival record of a request, with its worker payload (null if none). */
    public static RequestArrival encode(final Request r, final ByteBuffer payload) {
        return new RequestArrival(r.id(), r.arrivalUs(), r.promptTokens(), r.maxTokens(), r.predictedOutputTokens(), payload);
    }

    /** A request from its arrival record (the payload dropped); throws IllegalArgumentException (with the reason) if invalid. */
    public static Request decode(final RequestArrival a) {
        return new Request(a.getRequestId(), a.getArrivalUs(), a.getPromptTokens(), a.getMaxTokens(), a.getPredictedOutputTokens());
    }
}
