package org.kvsched.core.sim;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.kvsched.core.engine.StepSummary;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;
import org.kvsched.core.model.WorkloadRequest;

/**
 * Test fixture: the invariants of a run, checked after every event a scheduler emits (in the spirit of
 * Kafka's raft simulation tests, which check their invariants after every simulated event), so that a
 * violation fails at the event that caused it rather than in an aggregate at the end.
 *
 * <p>Per request, in emission order: {@code ARRIVED} first and once; times never go back, so
 * ARRIVED &lt;= ADMITTED &lt;= FIRST_TOKEN &lt;= COMPLETED; {@code ADMITTED} only while not running,
 * {@code PREEMPTED} and {@code FIRST_TOKEN} only while running, {@code FIRST_TOKEN} at most once and
 * before {@code COMPLETED}; nothing after a terminal event; one replica; prompt and cap as the workload
 * says; generated tokens between 0 and the cap, never falling (but to 0 at a preemption
 * that discards the output), and at least 1 (and at most the true
 * length) at completion. Per step: the peak and the
 * blocks left are within the replica's capacity (the KV cache itself refuses any allocation beyond
 * capacity, so occupancy between steps cannot exceed it either). At the end ({@link #assertAllFinished}):
 * every workload request reached exactly one terminal event, none is unknown or lost.
 *
 * <p>Not thread-safe; one instance per run. Violations throw {@link AssertionError}.
 */
public final class LifecycleInvariants {

    /** What is known of one request so far. */
    private static final class Track {
        RequestEventKind last;
        long lastTimeUs;
        int replica = -1;
        int generated;
        boolean running;
        boolean firstToken;
        boolean terminal;
    }

    private final Map<Long, WorkloadRequest> workload = new HashMap<>();
    private final Map<Long, Track> tracks = new HashMap<>();
    private long events;
    private long steps;

    /** @param requests the workload the run serves (the truth the events are checked against) */
    public LifecycleInvariants(final List<WorkloadRequest> requests) {
        for (final WorkloadRequest r : requests) {
            if (workload.put(r.id(), r) != null) {
                throw new IllegalArgumentException("duplicate request id " + r.id());
            }
        }
    }

    /** Checks one request event against everything seen before it. */
    public void onEvent(final RequestEvent e) {
        events++;
        final WorkloadRequest r = workload.get(e.requestId());
        check(r != null, e, "request not in the workload");
        final Track t = tracks.computeIfAbsent(e.requestId(), id -> new Track());
        check(!t.terminal, e, "event after the terminal one");
        check(t.last != null || e.kind() == RequestEventKind.ARRIVED, e, "first event is not ARRIVED");
        if (t.last != null) {
            check(e.kind() != RequestEventKind.ARRIVED, e, "ARRIVED twice");
            check(e.timeUs() >= t.lastTimeUs, e, "time went back from " + t.lastTimeUs + " us (" + t.last + ")");
            check(e.replicaId() == t.replica, e, "moved from replica " + t.replica);
        } else {
            check(e.timeUs() >= r.arrivalUs(), e, "arrived before its arrival time " + r.arrivalUs());
        }
        check(e.promptTokens() == r.promptTokens() && e.maxTokens() == r.maxTokens(), e, "prompt or cap differs from " + r);
        check(e.generatedTokens() >= 0 && e.generatedTokens() <= r.maxTokens(), e, "generated tokens outside [0, max_tokens]");
        // Tokens generated never fall, except at a preemption that restarts the request from scratch (to 0).
        check(e.generatedTokens() >= t.generated || e.kind() == RequestEventKind.PREEMPTED && e.generatedTokens() == 0, e,
                "generated tokens fell from " + t.generated);
        switch (e.kind()) {
            case ARRIVED:
                break;
            case ADMITTED:
                check(!t.running, e, "admitted while running");
                t.running = true;
                break;
            case FIRST_TOKEN:
                check(t.running, e, "first token while not running");
                check(!t.firstToken, e, "second FIRST_TOKEN");
                t.firstToken = true;
                break;
            case PREEMPTED:
                check(t.running, e, "preempted while not running");
                t.running = false;
                break;
            case COMPLETED:
                check(t.firstToken, e, "completed without a first token");
                check(e.generatedTokens() >= 1, e, "completed with no token");
                check(e.generatedTokens() <= r.outputTokens(), e, "generated past the true length " + r.outputTokens());
                t.terminal = true;
                break;
            case REJECTED:
                check(!e.reason().isEmpty(), e, "rejected without a reason");
                t.terminal = true;
                break;
            default:
                throw new AssertionError("unhandled event kind " + e.kind());
        }
        t.last = e.kind();
        t.lastTimeUs = e.timeUs();
        t.replica = e.replicaId();
        t.generated = e.generatedTokens();
    }

    /** Checks one step summary: KV within capacity. */
    public void onStep(final StepSummary s) {
        steps++;
        if (s.peakBlocks() > s.capacityBlocks() || s.blocksAfter() < 0 || s.blocksAfter() > s.capacityBlocks()) {
            throw new AssertionError("KV outside [0, capacity] at step " + steps + ": " + s);
        }
    }

    /** Checks that the run lost no request: each one of the workload reached exactly one terminal event. */
    public void assertAllFinished() {
        for (final WorkloadRequest r : workload.values()) {
            final Track t = tracks.get(r.id());
            if (t == null || !t.terminal) {
                throw new AssertionError("request " + r.id() + " lost: last event " + (t == null ? "none" : t.last));
            }
        }
    }

    /** Request events checked so far (a test can assert the checker really saw the run). */
    public long eventsChecked() {
        return events;
    }

    private void check(final boolean ok, final RequestEvent e, final String what) {
        if (!ok) {
            throw new AssertionError("invariant broken at event " + events + " (" + e + "): " + what);
        }
    }
}
