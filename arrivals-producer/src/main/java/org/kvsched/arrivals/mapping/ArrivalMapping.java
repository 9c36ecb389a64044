package org.kvsched.arrivals.mapping;

import org.kvsched.core.model.Request;
import org.kvsched.schemas.avro.ArrivalEvent;
import org.kvsched.schemas.avro.EndOfTrace;
import org.kvsched.schemas.avro.RequestArrival;

/** Core requests to Avro arrival records. */
public final class ArrivalMapping {

    private ArrivalMapping() {
    }

    public static ArrivalEvent request(final int replica, final long sequence, final Request r) {
        return new ArrivalEvent(replica, sequence, new RequestArrival(r.id(), r.arrivalUs(), r.promptTokens(), r.outputTokens()));
    }

    public static ArrivalEvent endOfTrace(final int replica, final long sequence, final int replicas) {
        return new ArrivalEvent(replica, sequence, new EndOfTrace(sequence, replicas));
    }
}
