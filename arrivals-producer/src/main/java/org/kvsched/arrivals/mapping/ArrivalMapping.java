package org.kvsched.arrivals.mapping;

import org.kvsched.schemas.payload.SimulatedOutput;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.schemas.avro.ArrivalEvent;
import org.kvsched.schemas.avro.EndOfTrace;
import org.kvsched.schemas.avro.RequestArrival;

/**
 * Workload requests to Avro arrival records: what the scheduler may know (prompt, cap, prediction) in the
 * fields, the simulation's true output length only inside the opaque worker payload.
 */
public final class ArrivalMapping {

    private ArrivalMapping() {
    }

    public static ArrivalEvent request(final int replica, final long sequence, final WorkloadRequest r, final int predictedOutputTokens) {
        return new ArrivalEvent(replica, sequence, new RequestArrival(r.id(), r.arrivalUs(), r.promptTokens(), r.maxTokens(),
                predictedOutputTokens, SimulatedOutput.encode(r.outputTokens())));
    }

    public static ArrivalEvent endOfTrace(final int replica, final long sequence, final int replicas) {
        return new ArrivalEvent(replica, sequence, new EndOfTrace(sequence, replicas));
    }
}
