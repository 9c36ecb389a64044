package org.kvsched.core.exec;

/**
 * Predicts how long one iteration (one forward pass over a batch) takes on a replica.
 *
 * <p>Contract: pure and deterministic (the same shape always gives the same time, so the in-memory
 * engine and the Kafka pipeline agree bit for bit); thread-safe; the result is in whole
 * microseconds and is &gt;= 1 for a non-empty batch.
 */
public interface ExecutionTimeModel {

    /** Duration of one iteration with this batch composition, in microseconds. */
    long iterationMicros(BatchShape shape);
}
