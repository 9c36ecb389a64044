package org.kvsched.cli.rerun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.LogEntry;
import org.kvsched.core.engine.PlanExecutor;
import org.kvsched.core.engine.RecordedReplica;
import org.kvsched.core.engine.StepReport;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.metrics.MetricsCollector;
import org.kvsched.core.metrics.RequestOutcome;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.Request;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.workload.Workload;
import org.kvsched.schemas.payload.SimulatedOutput;
import org.kvsched.stream.config.LiveTime;
import org.kvsched.stream.processor.ReplicaLogFile;

/**
 * {@link Rerun} on a live run recorded in memory (no Kafka): one replica on the wall clock whose reports come
 * back a little after their modelled end, as a live worker's do, and timers while requests wait idle. The re-run
 * re-derives it exactly; one report applied at another time breaks it; another policy on the same arrivals
 * serves every request.
 */
class RerunTest {

    private static final ModelProfile MODEL = ModelCatalog.byName(ModelCatalog.DEFAULT_NAME).withKvCapacityTokens(8_192);
    private static final LiveTime LIVE = new LiveTime(100, 20, 10.0, 0);
    private static final int N = 40;

    /** A recorded live run of {@code policy}. */
    private static RunRecord record(final String policy) {
        final Random rnd = new Random(7);
        final List<LogEntry> log = new ArrayList<>();
        final MetricsCollector measured = new MetricsCollector();
        final ArrayDeque<BatchPlan> plans = new ArrayDeque<>();
        final Map<Long, ByteBuffer> payloads = new HashMap<>();
        final Map<Long, Integer> truth = new HashMap<>();
        final RunRecord shape = new RunRecord(Path.of("memory"), null, MODEL, 1L, null, LIVE, null);
        final RecordedReplica r = RecordedReplica.start(0, shape.spec(PolicyConfig.parse(policy)), LIVE.clock(), measured, plans::add, log::add);
        final PlanExecutor worker = new PlanExecutor(MODEL.timeModel());
        final long[] arrivals = new long[N];
        for (int i = 1; i < N; i++) {
            arrivals[i] = arrivals[i - 1] + 5_000 + rnd.nextInt(40_000);
        }
        long t = 0;
        int next = 0;
        StepReport pending = null;
        long readyAt = Long.MAX_VALUE;
        while (true) {
            if (pending == null && !plans.isEmpty()) {
                pending = worker.execute(plans.poll(), id -> truth.getOrDefault(id, -1));
                // A live report is applied when it reaches the scheduler: after the modelled end, by a transport delay.
                readyAt = pending.endUs() + 200 + rnd.nextInt(600);
            }
            final long arrival = next < N ? arrivals[next] : Long.MAX_VALUE;
            final long report = pending != null ? readyAt : Long.MAX_VALUE;
            // The timer asks an idle replica with waiting requests again (policies that wait need it).
            final long tick = !r.scheduler().hasPlanInFlight() && r.scheduler().waitingCount() > 0 ? t + 20_000 : Long.MAX_VALUE;
            final long now = Math.min(arrival, Math.min(report, tick));
            if (now == Long.MAX_VALUE) {
                break;
            }
            t = now;
            if (now == report) {
                assertTrue(r.report(pending, readyAt));
                pending = null;
            } else if (now == arrival) {
                final int output = 5 + rnd.nextInt(120);
                final Request q = new Request(next, t, 50 + rnd.nextInt(900), output + rnd.nextInt(60), LengthPredictor.UNKNOWN);
                truth.put(q.id(), output);
                payloads.put(q.id(), SimulatedOutput.encode(output));
                r.arrival(q);
                if (++next == N) {
                    r.endOfInput(1);
                }
            } else {
                r.tick(t);
            }
        }
        assertTrue(r.loop().ended(), "the recorded replica finished");
        return withLog(log, payloads, measured.outcomes());
    }

    private static RunRecord withLog(final List<LogEntry> log, final Map<Long, ByteBuffer> payloads, final List<RequestOutcome> outcomes) {
        final SortedMap<Integer, List<LogEntry>> logs = new TreeMap<>(Map.of(0, List.copyOf(log)));
        return new RunRecord(Path.of("memory"), new ReplicaLogFile.Recording(Map.of(), logs, Map.of(0, 0L), Map.of(0, payloads)), MODEL, 1L,
                null, LIVE, outcomes);
    }

    @Test
    void aRecordedLiveRunReDerivesEveryDecisionAndRequestTime() {
        for (final String policy : new String[] {"fcfs-vllm", "sarathi", "mcsf"}) {
            final RunRecord run = record(policy);
            assertEquals(N, run.outcomes().size());
            final Rerun.Derived d = Rerun.rederive(run);
            assertTrue(d.decisions().identical(), policy + ": " + d.decisions().message());
            final long recorded = run.log().logs().get(0).stream().filter(e -> e instanceof LogEntry.Decided).count();
            assertEquals(recorded, d.decisions().total());
            assertTrue(recorded >= N / 2, "decisions " + recorded);
            final RerunCheck.Result requests = RerunCheck.requests(run.outcomes(), d.outcomes());
            assertTrue(requests.identical(), policy + ": " + requests.message());
            assertEquals(N, requests.same());
        }
    }

    @Test
    void aReportAppliedAtAnotherTimeIsCaught() {
        final RunRecord run = record("fcfs-vllm");
        final List<LogEntry> log = new ArrayList<>(run.log().logs().get(0));
        int changed = -1;
        for (int i = log.size() / 2; i < log.size(); i++) {
            if (log.get(i) instanceof LogEntry.Report rep) {
                log.set(i, new LogEntry.Report(rep.report(), rep.atUs() + 5_000));
                changed = i;
                break;
            }
        }
        assertTrue(changed > 0);
        final Rerun.Derived d = Rerun.rederive(withLog(log, run.log().payloads().get(0), run.outcomes()));
        final boolean requestsSame = RerunCheck.requests(run.outcomes(), d.outcomes()).identical();
        assertFalse(d.decisions().identical() && requestsSame, d.decisions().message());
        assertFalse(d.decisions().identical(), "a decision follows the report at its time: " + d.decisions().message());
    }

    @Test
    void anotherPolicyServesTheSameArrivalsWithTheirTrueLengths() {
        final RunRecord run = record("fcfs-vllm");
        final Rerun.Modelled m = Rerun.modelled(run, PolicyConfig.parse("sarathi"), "sarathi");
        assertEquals(N, m.run().outcomes().size());
        assertEquals(new Rerun.Truths(N, 0, 0), m.truths());
        final Map<Long, RequestOutcome> recorded = new HashMap<>();
        run.outcomes().forEach(o -> recorded.put(o.requestId(), o));
        for (final RequestOutcome o : m.run().outcomes()) {
            assertTrue(o.completed(), "request " + o.requestId());
            // Same arrivals, same true lengths: only the schedule differs.
            assertEquals(recorded.get(o.requestId()).arrivalUs(), o.arrivalUs());
            assertEquals(recorded.get(o.requestId()).outputTokens(), o.outputTokens());
        }
    }

    @Test
    void aLogWhoseHeadWasDeletedIsRefused() {
        final RunRecord run = record("fcfs-vllm");
        final List<LogEntry> tail = run.log().logs().get(0).subList(5, run.log().logs().get(0).size());
        final RunRecord cut = new RunRecord(run.source(), new ReplicaLogFile.Recording(Map.of(), new TreeMap<>(Map.of(0, tail)),
                Map.of(0, 5L), run.log().payloads()), MODEL, 1L, null, LIVE, run.outcomes());
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rerun.rederive(cut));
        assertTrue(e.getMessage().contains("snapshot.every=0"), e.getMessage());
    }

    @Test
    void outcomesAndWorkloadSurviveTheirFilesExactly(@TempDir final Path dir) throws Exception {
        final List<RequestOutcome> outcomes = new ArrayList<>(record("fcfs-vllm").outcomes());
        outcomes.add(new RequestOutcome(1_000, 1, 123_456_789_012L, -1, -1, -1, 10, 0, 0, "left, \"waiting\"", ""));
        final Path csv = dir.resolve("requests.csv");
        org.kvsched.reports.OutcomesCsv.write(csv, outcomes);
        assertEquals(outcomes, RunRecord.readOutcomes(csv));
        Files.writeString(csv, "x\n");
        assertThrows(IllegalArgumentException.class, () -> RunRecord.readOutcomes(csv));
        final Workload w = new Workload("w", List.of(new WorkloadRequest(0, 0, 10, 3, 8), new WorkloadRequest(1, 999_999_999L, 4096, 1, 1)));
        assertEquals(w, RunRecord.decode("w", RunRecord.encode(w)));
    }
}
