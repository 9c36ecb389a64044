package org.kvsched.cli.experiment.mcsf;

import java.util.List;

import org.kvsched.core.engine.PlanExecutor;
import org.kvsched.core.engine.Scheduler;
import org.kvsched.core.engine.SchedulerListener;
import org.kvsched.core.engine.StepSummary;
import org.kvsched.core.exec.UnitTimeModel;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.mcsf.McsfFactory;
import org.kvsched.core.policy.mcsf.McsfPolicy;
import org.kvsched.core.sim.ProgressListener;
import org.kvsched.core.sim.Router;
import org.kvsched.core.sim.SimulationEngine;

/**
 * Runs a policy over a synthetic instance through the real mechanism (one {@link Scheduler}, the {@code unit} time
 * model, oracle lengths, block size 1) and returns what the paper measures: the total latency in slots, plus the
 * largest KV use, so callers can check it never passed M.
 *
 * <p>The cache holds exactly M tokens: a request never holds more than prompt + output - 1 tokens (the KV of the
 * last sampled token is never written), and the Scheduler's admission check counts exactly that, so with the
 * prompts of s + 1 that reproduce the paper's memory model an output of M - s fits. {@link Outcome#peakTokens()}
 * shows the most the cache ever held.
 */
final class UnitReplay {

    /**
     * What one run gave.
     *
     * @param totalLatency sum over requests of completion minus arrival, slots; -1 if any request was not served
     * @param peakTokens   most KV tokens in use at once
     */
    record Outcome(long totalLatency, long peakTokens) {
    }

    private UnitReplay() {
    }

    /** MC-SF planning against exactly {@code m} tokens. */
    static Policy mcsf(final int m) {
        return new McsfPolicy(McsfFactory.MCSF.name(), true, 0.0, m);
    }

    /** Runs {@code policy} over {@code requests} on a cache of m tokens. */
    static Outcome run(final Policy policy, final List<WorkloadRequest> requests, final int m) {
        final long[] total = {0};
        final long[] peak = {0};
        final boolean[] unserved = {false};
        final SchedulerListener listener = new SchedulerListener() {
            @Override
            public void onRequestEvent(final RequestEvent e) {
                if (e.kind() == RequestEventKind.COMPLETED) {
                    total[0] += e.timeUs() - requests.get((int) e.requestId()).arrivalUs();
                } else if (e.kind() == RequestEventKind.REJECTED) {
                    unserved[0] = true;
                }
            }

            @Override
            public void onStep(final StepSummary s) {
                peak[0] = Math.max(peak[0], s.peakBlocks());
            }
        };
        new SimulationEngine(1, i -> new Scheduler(0, policy, m, 1, listener),
                new PlanExecutor(UnitTimeModel.INSTANCE), Router.byName("round-robin"), ProgressListener.NONE).run(requests,
                LengthPredictor.oracle());
        return new Outcome(unserved[0] ? -1 : total[0] / UnitTimeModel.UNIT_MICROS, peak[0]);
    }
}
