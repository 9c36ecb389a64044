package org.kvsched.core.engine;

import org.kvsched.core.model.Request;
import org.kvsched.core.policy.SeqView;

/**
 * The scheduler's mutable record of one request on a replica. Policies see it only as a {@link SeqView}.
 * Package-private: only {@link Scheduler} changes it.
 */
final class Sequence implements SeqView {

    enum State { WAITING, RUNNING, FINISHED }

    final Request request;
    State state = State.WAITING;
    int computed;
    int generated;
    int blocksHeld;
    int preemptions;
    long queueKey;
    long admissionOrder = -1;
    long admittedAtIteration = -1;
    boolean firstTokenSeen;

    Sequence(final Request request, final long queueKey) {
        this.request = request;
        this.queueKey = queueKey;
    }

    @Override
    public long id() {
        return request.id();
    }

    @Override
    public long arrivalUs() {
        return request.arrivalUs();
    }

    @Override
    public int promptTokens() {
        return request.promptTokens();
    }

    @Override
    public int predictedOutputTokens() {
        return request.predictedOutputTokens();
    }

    @Override
    public int generatedTokens() {
        return generated;
    }

    @Override
    public int computedTokens() {
        return computed;
    }

    @Override
    public int pendingTokens() {
        return request.promptTokens() + generated - computed;
    }

    @Override
    public int blocksHeld() {
        return blocksHeld;
    }

    @Override
    public int preemptions() {
        return preemptions;
    }

    @Override
    public long queueKey() {
        return queueKey;
    }

    @Override
    public long admissionOrder() {
        return admissionOrder;
    }

    @Override
    public long admittedAtIteration() {
        return admittedAtIteration;
    }

    @Override
    public String toString() {
        return "Seq[" + request.id() + " " + state + " computed=" + computed + " generated=" + generated
                + "/" + request.maxTokens() + " blocks=" + blocksHeld + "]";
    }
}
