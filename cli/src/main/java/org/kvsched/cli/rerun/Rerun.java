package org.kvsched.cli.rerun;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.LogEntry;
import org.kvsched.core.engine.PlanExecutor;
import org.kvsched.core.engine.RecordedReplica;
import org.kvsched.core.engine.ReplicaLoop;
import org.kvsched.core.engine.ReplicaSpec;
import org.kvsched.core.engine.StepReport;
import org.kvsched.core.metrics.MetricsCollector;
import org.kvsched.core.metrics.RequestOutcome;
import org.kvsched.core.metrics.RunResult;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.schemas.payload.SimulatedOutput;

/**
 * Re-runs a {@link RunRecord} offline, without Kafka and without a wall clock, in two ways.
 *
 * <p>{@link #rederive}: every replica is started afresh with the recorded policy and fed its recorded inputs
 * (arrivals, reports, timers, refusals, the end marker) with the times the live scheduler used, through
 * {@link RecordedReplica}'s public API on the recorded clock (a live run's {@code Clock.Wall} with its horizon:
 * the clock decides only how a stamped input advances the replica, the stamps themselves come from the log).
 * The scheduler is deterministic given its inputs, so it must make the recorded decisions and emit the
 * request events the live run emitted; {@link RerunCheck} checks both.
 *
 * <p>{@link #modelled}: a what-if. The recorded arrivals (same requests, same predictions, same replica, the
 * arrival times as logged) go to fresh replicas under a chosen policy in virtual time, and plans run on the
 * simulated worker ({@link PlanExecutor} with the run's execution-time model), each request ending at its true
 * length. Reports, timers and decisions of the log are not used: they are what the recorded policy caused.
 */
public final class Rerun {

    /**
     * A re-derivation.
     *
     * @param outcomes  per-request outcomes from the re-derived request events
     * @param decisions recorded against re-derived decisions
     * @param inputs    recorded inputs re-applied
     * @param seconds   wall seconds it took (measured here, in the CLI; the core has no clock)
     */
    public record Derived(List<RequestOutcome> outcomes, RerunCheck.Result decisions, long inputs, double seconds) {
    }

    /**
     * Where a modelled run's output lengths came from.
     *
     * @param payload  requests whose true length the worker payload carried (the workload's truth)
     * @param recorded requests whose length the run's finish revealed (eos or stop before the cap)
     * @param cap      requests run to their cap (no truth known: finished at the cap, aborted, or never finished)
     */
    public record Truths(long payload, long recorded, long cap) {
    }

    /**
     * A modelled run.
     *
     * @param run    its result, labelled with the policy
     * @param truths where the output lengths came from
     */
    public record Modelled(RunResult run, Truths truths) {
    }

    private Rerun() {
    }

    /**
     * Re-derives the recorded run from its inputs.
     *
     * @throws IllegalArgumentException if a log does not start at the run's start (its head was deleted by a
     *                                  snapshot) or changes policy part-way
     */
    public static Derived rederive(final RunRecord run) {
        final long t0 = System.nanoTime();
        final MetricsCollector events = new MetricsCollector();
        RerunCheck.Result decisions = new RerunCheck.Result(true, 0, 0, "decisions", null);
        long inputs = 0;
        for (final Map.Entry<Integer, List<LogEntry>> e : run.log().logs().entrySet()) {
            final int replica = e.getKey();
            final List<LogEntry> entries = e.getValue();
            final String policy = installedPolicy(run, replica, entries);
            final List<LogEntry.Decided> recorded = new ArrayList<>();
            final List<LogEntry.Decided> derived = new ArrayList<>();
            final RecordedReplica r = RecordedReplica.start(replica, run.spec(PolicyConfig.parse(policy)), run.clock(), events, plan -> { },
                    entry -> {
                        if (entry instanceof LogEntry.Decided d) {
                            derived.add(d);
                        }
                    });
            String diverged = null;
            for (int i = 1; i < entries.size() && diverged == null; i++) {
                final LogEntry in = entries.get(i);
                if (in instanceof LogEntry.Decided d) {
                    recorded.add(d);
                    continue;
                }
                if (in instanceof LogEntry.PolicyInstalled p) {
                    throw new IllegalArgumentException("replica " + replica + ": the policy changed to " + p.policy() + " at entry " + i
                            + " (a redeploy with another policy); rerun replays runs with one policy");
                }
                if (in instanceof LogEntry.Snapshot) {
                    // State only: a full log's snapshot adds nothing to the inputs around it.
                    continue;
                }
                try {
                    diverged = apply(r, in);
                } catch (final IllegalArgumentException | IllegalStateException ex) {
                    // The re-run's state no longer accepts the recorded input: it diverged before (the decisions say where).
                    diverged = ex.getMessage();
                }
                inputs++;
                if (diverged != null) {
                    diverged = "replica " + replica + " entry " + i + " (" + in.getClass().getSimpleName() + "): " + diverged;
                }
            }
            RerunCheck.Result check = RerunCheck.decisions(replica, recorded, derived);
            if (diverged != null) {
                check = check.and(new RerunCheck.Result(false, 0, 0, "decisions", diverged));
            }
            decisions = decisions.and(check);
        }
        return new Derived(events.outcomes(), decisions, inputs, (System.nanoTime() - t0) / 1e9);
    }

    /** Applies one recorded input; a reason if the replica refuses it, else null. */
    private static String apply(final RecordedReplica r, final LogEntry in) {
        if (in instanceof LogEntry.Arrival a) {
            final String why = r.rejectReason(a.request());
            if (why != null) {
                return why;
            }
            r.arrival(a.request());
        } else if (in instanceof LogEntry.EndOfInput end) {
            r.endOfInput(end.replicas());
        } else if (in instanceof LogEntry.Report rep) {
            if (!r.report(rep.report(), rep.atUs())) {
                return "the recorded report of plan " + rep.report().planId() + " is not the plan the re-run awaits";
            }
        } else if (in instanceof LogEntry.Refused) {
            r.refused();
        } else if (in instanceof LogEntry.Tick t) {
            r.tick(t.atUs());
        } else {
            throw new IllegalArgumentException("not an input: " + in);
        }
        return null;
    }

    private static String installedPolicy(final RunRecord run, final int replica, final List<LogEntry> entries) {
        if (entries.isEmpty() || !(entries.get(0) instanceof LogEntry.PolicyInstalled p) || run.log().first().get(replica) != 0) {
            throw new IllegalArgumentException("the log of replica " + replica + " in " + run.source() + " starts at entry "
                    + run.log().first().get(replica) + " (" + (entries.isEmpty() ? "empty" : entries.get(0).getClass().getSimpleName())
                    + "), not at the start of the run: snapshots deleted its head; record with snapshot.every=0");
        }
        return p.policy();
    }

    /**
     * The recorded arrivals under {@code policy}, in virtual time on the simulated worker.
     *
     * @param label the run's label in tables
     */
    public static Modelled modelled(final RunRecord run, final PolicyConfig policy, final String label) {
        final long t0 = System.nanoTime();
        final ReplicaSpec spec = run.spec(policy);
        final PlanExecutor worker = new PlanExecutor(run.model().timeModel());
        final MetricsCollector events = new MetricsCollector();
        final Map<Long, RequestOutcome> measured = new HashMap<>();
        if (run.outcomes() != null) {
            run.outcomes().forEach(o -> measured.put(o.requestId(), o));
        }
        long fromPayload = 0;
        long fromFinish = 0;
        long atCap = 0;
        for (final Map.Entry<Integer, List<LogEntry>> e : run.log().logs().entrySet()) {
            final int replica = e.getKey();
            final Map<Long, ByteBuffer> payloads = run.log().payloads().getOrDefault(replica, Map.of());
            final Map<Long, Integer> truth = new HashMap<>();
            final ArrayDeque<BatchPlan> plans = new ArrayDeque<>();
            final RecordedReplica r = RecordedReplica.start(replica, spec, ReplicaLoop.Clock.VIRTUAL, events, plans::add,
                    RecordedReplica.Journal.NONE);
            boolean ended = false;
            int replicas = run.log().logs().size();
            for (final LogEntry in : e.getValue()) {
                if (in instanceof LogEntry.Arrival a) {
                    final long id = a.request().id();
                    final int known = SimulatedOutput.decode(payloads.get(id));
                    final RequestOutcome o = measured.get(id);
                    if (known >= 1) {
                        truth.put(id, known);
                        fromPayload++;
                    } else if (o != null && (o.finishReason().equals("eos") || o.finishReason().equals("stop"))) {
                        truth.put(id, o.outputTokens());
                        fromFinish++;
                    } else {
                        atCap++;
                    }
                    r.arrival(a.request());
                } else if (in instanceof LogEntry.Refused) {
                    r.refused();
                } else if (in instanceof LogEntry.EndOfInput end) {
                    replicas = end.replicas();
                    ended = true;
                }
            }
            // The end marker last: it tells the virtual clock no arrival is still on its way.
            r.endOfInput(replicas);
            while (!plans.isEmpty()) {
                final BatchPlan plan = plans.poll();
                final StepReport report = worker.execute(plan, id -> truth.getOrDefault(id, -1));
                r.report(report, report.endUs());
            }
            if (!r.loop().ended()) {
                throw new IllegalStateException("replica " + replica + " did not finish under " + policy.toSpec()
                        + (ended ? "" : " (the recorded run had no end marker)"));
            }
        }
        final RunResult result = new RunResult(label, run.model().name(), 1.0,
                events.summary(run.log().logs().size(), run.model().kvCapacityTokens()), events.outcomes(), events.kvSamples(),
                (System.nanoTime() - t0) / 1e9);
        return new Modelled(result, new Truths(fromPayload, fromFinish, atCap));
    }
}
