package org.kvsched.core.engine;

import java.util.ArrayDeque;
import java.util.List;

import org.kvsched.core.model.Request;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.policy.Decision;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.SchedulerView;

/**
 * A replica whose every input and decision goes to a log ({@link Journal}), and which can be rebuilt from
 * that log exactly: the state the workers executed, whatever policy is configured now.
 *
 * <p>Recording: each input is appended (with the time the scheduler used) before it is applied, then each
 * decision it led to ({@link LogEntry.Decided}, with the policy's private state). {@link #snapshot} appends
 * the whole state; a transport takes one every N inputs and may then drop the entries before it.
 *
 * <p>Restore ({@link #restore}): start from the latest snapshot, re-apply the inputs after it and, for each,
 * the recorded decisions, without asking any policy; then hand the replica to the configured policy. If it is
 * the policy that recorded the log, it continues from its recorded private state, so the run goes on exactly
 * as if nothing had happened; if it is another one, that is a policy swap: running requests keep their KV
 * and progress, the new policy decides from the next decision on. Restore time is bounded by the snapshot
 * size plus the inputs since it, not by the length of the run.
 */
public final class RecordedReplica {

    /** Where log entries go, in order. */
    @FunctionalInterface
    public interface Journal {
        void append(LogEntry entry);

        /** Keeps nothing (re-deriving during a restore). */
        Journal NONE = entry -> { };
    }

    /** What a restore did. @param entries entries re-applied @param recordedPolicy policy of the log @param swapped whether another policy took over */
    public record Restored(long entries, String recordedPolicy, boolean swapped) {
    }

    private final ReplicaSpec spec;
    private final Relay relay;
    private final ReplicaLoop loop;
    private final ReplicaLoop.Clock clock;
    private Journal journal;
    private String policySpec;
    private long inputsSinceSnapshot;
    private Restored restored = new Restored(0, "", false);

    private RecordedReplica(final ReplicaSpec spec, final Relay relay, final ReplicaLoop loop, final ReplicaLoop.Clock clock,
                            final String policySpec) {
        this.spec = spec;
        this.relay = relay;
        this.loop = loop;
        this.clock = clock;
        this.policySpec = policySpec;
    }

    /**
     * A fresh replica.
     *
     * @param events  receives request events and step summaries
     * @param outputs receives plans and the replica end
     * @param journal receives the log entries
     */
    public static RecordedReplica start(final int replicaId, final ReplicaSpec spec, final ReplicaLoop.Clock clock,
                                        final SchedulerListener events, final ReplicaLoop.Outputs outputs, final Journal journal) {
        final Relay relay = new Relay(events);
        final ReplicaLoop loop = new ReplicaLoop(spec.newScheduler(replicaId, relay), clock, outputs);
        final RecordedReplica r = new RecordedReplica(spec, relay, loop, clock, spec.policy().toSpec());
        r.journal = journal;
        relay.recorder = r;
        journal.append(new LogEntry.PolicyInstalled(r.policySpec));
        return r;
    }

    /**
     * The replica rebuilt from its log, continuing under {@code spec}'s policy.
     *
     * @param entries the log from its latest snapshot on (or the whole log if it has none), in order
     * @throws IllegalStateException if the log is inconsistent (a recorded decision that does not apply)
     */
    public static RecordedReplica restore(final int replicaId, final List<LogEntry> entries, final ReplicaSpec spec,
                                          final ReplicaLoop.Clock clock, final SchedulerListener events,
                                          final ReplicaLoop.Outputs outputs, final Journal journal) {
        int from = 0;
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i) instanceof LogEntry.Snapshot) {
                from = i;
                break;
            }
        }
        final Relay relay = new Relay(events);
        final Replay replay = new Replay();
        String recorded = spec.policy().toSpec();
        long[] policyState = Policy.NO_STATE;
        final ReplicaLoop loop;
        if (!entries.isEmpty() && entries.get(from) instanceof LogEntry.Snapshot snap) {
            loop = ReplicaLoop.restore(spec.restoreScheduler(snap.scheduler(), replay, relay), clock, DISCARD, snap.loop());
            recorded = snap.policy();
            policyState = snap.policyState();
            from++;
        } else {
            loop = new ReplicaLoop(new Scheduler(replicaId, replay, spec.context().kvCapacityTokens(), spec.context().blockSize(),
                    relay), clock, DISCARD);
        }
        final RecordedReplica r = new RecordedReplica(spec, relay, loop, clock, recorded);
        r.journal = Journal.NONE;
        relay.recorder = r;
        relay.live = false;
        for (int i = from; i < entries.size(); i++) {
            final LogEntry e = entries.get(i);
            if (e instanceof LogEntry.PolicyInstalled p) {
                recorded = p.policy();
                policyState = Policy.NO_STATE;
            } else if (e instanceof LogEntry.Decided d) {
                policyState = d.policyState();
            } else if (e.isInput()) {
                for (int j = i + 1; j < entries.size() && entries.get(j) instanceof LogEntry.Decided d; j++) {
                    replay.queue.add(d.decision());
                }
                r.apply(e);
                r.inputsSinceSnapshot++;
                if (!replay.queue.isEmpty()) {
                    throw new IllegalStateException("replica log of replica " + replicaId + ": " + replay.queue.size()
                            + " recorded decisions after entry " + i + " were not asked for on restore");
                }
            }
        }
        final Policy next = spec.newPolicy();
        final String configured = spec.policy().toSpec();
        final boolean swapped = !configured.equals(recorded);
        if (!swapped) {
            next.restoreState(policyState);
        }
        loop.scheduler().replacePolicy(next);
        loop.outputTo(outputs);
        relay.live = true;
        r.journal = journal;
        r.policySpec = configured;
        r.restored = new Restored(entries.size() - from, recorded, swapped);
        if (swapped) {
            journal.append(new LogEntry.PolicyInstalled(configured));
        }
        return r;
    }

    /** What the restore that built this replica did (0 entries for a fresh start). */
    public Restored restored() {
        return restored;
    }

    public ReplicaLoop loop() {
        return loop;
    }

    public Scheduler scheduler() {
        return loop.scheduler();
    }

    /** Inputs applied since the last snapshot (or the start). */
    public long inputsSinceSnapshot() {
        return inputsSinceSnapshot;
    }

    /** Why this arrival must be refused, or null (see {@link ReplicaLoop#rejectReason}). */
    public String rejectReason(final Request request) {
        return loop.rejectReason(request);
    }

    /** Records and applies an arrival that passed {@link #rejectReason}. */
    public void arrival(final Request request) {
        record(new LogEntry.Arrival(request));
    }

    /** Records and applies the end-of-input marker. */
    public void endOfInput(final int replicas) {
        record(new LogEntry.EndOfInput(replicas));
    }

    /** Records and applies a refused input (counted in the replica end). */
    public void refused() {
        record(new LogEntry.Refused());
    }

    /** Records and applies a timer (live). */
    public void tick(final long atUs) {
        record(new LogEntry.Tick(atUs));
    }

    /**
     * Records and applies a worker report; a stale or duplicate one (not the plan in flight) is neither
     * recorded nor applied and false is returned.
     *
     * @throws IllegalArgumentException if the report contradicts its plan (nothing is recorded or changed)
     */
    public boolean report(final StepReport report, final long atUs) {
        if (!loop.scheduler().awaits(report)) {
            return false;
        }
        loop.scheduler().checkReport(report);
        record(new LogEntry.Report(report, atUs));
        return true;
    }

    /** Appends a snapshot of the whole state; the entries before it are no longer needed for a restore. */
    public LogEntry.Snapshot snapshot() {
        final LogEntry.Snapshot s = new LogEntry.Snapshot(loop.scheduler().snapshot(), loop.state(), policySpec,
                loop.scheduler().policy().saveState().clone());
        journal.append(s);
        inputsSinceSnapshot = 0;
        return s;
    }

    private void record(final LogEntry input) {
        journal.append(input);
        apply(input);
        inputsSinceSnapshot++;
    }

    private void apply(final LogEntry input) {
        long at = loop.scheduler().clockUs();
        if (input instanceof LogEntry.Arrival a) {
            loop.onArrival(a.request());
            at = a.request().arrivalUs();
        } else if (input instanceof LogEntry.EndOfInput e) {
            loop.onEndOfInput(e.replicas());
        } else if (input instanceof LogEntry.Report r) {
            loop.onReport(r.report());
            at = r.atUs();
        } else if (input instanceof LogEntry.Refused) {
            loop.onError();
        } else if (input instanceof LogEntry.Tick t) {
            at = t.atUs();
        } else {
            throw new IllegalArgumentException("not an input: " + input);
        }
        if (clock instanceof ReplicaLoop.Clock.Virtual) {
            loop.advance();
        } else {
            loop.advanceAt(at);
        }
    }

    private static final ReplicaLoop.Outputs DISCARD = plan -> { };

    /** Forwards the scheduler's events while live and records its decisions. */
    private static final class Relay implements SchedulerListener {
        private final SchedulerListener events;
        private RecordedReplica recorder;
        private boolean live = true;

        Relay(final SchedulerListener events) {
            this.events = events;
        }

        @Override
        public void onRequestEvent(final RequestEvent event) {
            if (live) {
                events.onRequestEvent(event);
            }
        }

        @Override
        public void onStep(final StepSummary summary) {
            if (live) {
                events.onStep(summary);
            }
        }

        @Override
        public void onDecision(final long nowUs, final Decision decision) {
            final long[] state = recorder.loop.scheduler().policy().saveState();
            recorder.journal.append(new LogEntry.Decided(nowUs, decision, state.length == 0 ? state : state.clone()));
        }
    }

    /** The policy during a restore: hands out the recorded decisions in order. */
    private static final class Replay implements Policy {
        private final ArrayDeque<Decision> queue = new ArrayDeque<>();

        @Override
        public String name() {
            return "recorded decisions";
        }

        @Override
        public Decision decide(final SchedulerView view) {
            final Decision d = queue.poll();
            if (d == null) {
                throw new IllegalStateException("replica log has no recorded decision for the decision at " + view.nowUs() + " us");
            }
            return d;
        }
    }
}
