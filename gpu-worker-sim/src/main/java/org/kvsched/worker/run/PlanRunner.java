package org.kvsched.worker.run;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.StepReport;

/**
 * What executes plans behind the worker's Kafka edge: the simulated A100 ({@link SimulatedRunner}) or a real
 * inference server ({@link org.kvsched.worker.vllm.VllmRunner}). A runner takes plans as they come and hands back
 * each plan's report when it is due; the edge polls it. At most one plan per replica is outstanding at a time (the
 * scheduler sends the next only after the report), so a runner keeps at most one pending report per replica.
 * Called from the worker's one loop thread only.
 */
public interface PlanRunner extends AutoCloseable {

    /** Connects to whatever executes the plans (a server); called once, from the worker's start, before any plan. */
    default void open() {
    }

    /**
     * Starts executing a plan.
     *
     * @param plan     the plan
     * @param payloads each entry's opaque worker payload by request id (absent: none)
     * @param wallMs   the wall clock when the plan was received, epoch milliseconds
     */
    void accept(BatchPlan plan, Map<Long, ByteBuffer> payloads, long wallMs);

    /** Reports that are due at wall time {@code wallMs}, removed from the pending ones, in no particular order. */
    List<StepReport> due(long wallMs);

    /** The earliest wall time (epoch ms) at which a pending report may become due; {@link Long#MAX_VALUE} if none is pending. */
    long nextDueMs();

    /** A line for the worker's log at shutdown (what the runner saw), or empty. */
    default String summary() {
        return "";
    }

    @Override
    default void close() {
    }
}
