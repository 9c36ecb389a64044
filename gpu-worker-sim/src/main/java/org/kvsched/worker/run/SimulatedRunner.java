package org.kvsched.worker.run;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.PlanExecutor;
import org.kvsched.core.engine.StepReport;
import org.kvsched.schemas.payload.SimulatedOutput;

/**
 * The simulated GPU: executes a plan with the core's execution-time model ({@link PlanExecutor}, the code the
 * in-memory engine runs) and the requests' true output lengths carried opaquely in their worker payloads
 * ({@link SimulatedOutput}; a request without one ends at its cap). In virtual time ({@code speed} 0) a report is
 * due at once; in wall-clock mode it is due after the modelled time divided by {@code speed}. Reports of different
 * replicas overlap in time, as separate GPUs would; no thread sleeps.
 */
public final class SimulatedRunner implements PlanRunner {

    private final PlanExecutor executor;
    private final double speed;
    private final Map<Integer, Pending> pending = new HashMap<>();

    private record Pending(StepReport report, long dueMs) {
    }

    /**
     * @param executor the execution-time model
     * @param speed    modelled seconds per wall second, or 0 for virtual time (answer at once)
     */
    public SimulatedRunner(final PlanExecutor executor, final double speed) {
        if (!(speed >= 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("config: key 'speed' must be >= 0 (0 = virtual time), got " + speed);
        }
        this.executor = executor;
        this.speed = speed;
    }

    @Override
    public void accept(final BatchPlan plan, final Map<Long, ByteBuffer> payloads, final long wallMs) {
        final StepReport report = executor.execute(plan, id -> {
            final int n = SimulatedOutput.decode(payloads.get(id));
            return n > 0 ? n : -1;
        });
        final long due = speed > 0 ? wallMs + Math.round((report.endUs() - plan.startUs()) / 1000.0 / speed) : wallMs;
        pending.put(plan.replicaId(), new Pending(report, due));
    }

    @Override
    public List<StepReport> due(final long wallMs) {
        final List<StepReport> out = new ArrayList<>();
        for (final Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            final Pending p = it.next();
            if (p.dueMs() <= wallMs) {
                out.add(p.report());
                it.remove();
            }
        }
        return out;
    }

    @Override
    public long nextDueMs() {
        long next = Long.MAX_VALUE;
        for (final Pending p : pending.values()) {
            next = Math.min(next, p.dueMs());
        }
        return next;
    }
}
