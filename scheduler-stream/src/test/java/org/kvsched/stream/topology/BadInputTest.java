package org.kvsched.stream.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kvsched.core.engine.StepSummary;
import org.kvsched.core.metrics.MetricsCollector;
import org.kvsched.core.metrics.RequestOutcome;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.workload.Workload;
import org.kvsched.schemas.avro.ArrivalEvent;
import org.kvsched.schemas.avro.BatchPlan;
import org.kvsched.schemas.avro.ErrorRecord;
import org.kvsched.schemas.avro.ReplicaEnd;
import org.kvsched.schemas.avro.RequestArrival;
import org.kvsched.schemas.avro.StepReport;
import org.kvsched.schemas.avro.TokenProgress;
import org.kvsched.schemas.payload.SimulatedOutput;
import org.kvsched.schemas.serde.AvroSerdes;
import org.kvsched.schemas.serde.SchemaHistory;
import org.kvsched.stream.config.SchedulerSettings;
import org.kvsched.pipeline.mapping.PlanMapping;
import org.kvsched.pipeline.mapping.EventMapping;
import org.kvsched.pipeline.mapping.SummaryMapping;
import org.kvsched.pipeline.mapping.ReportMapping;
import org.kvsched.stream.processor.SchedulerProcessor;
import org.kvsched.stream.topology.SchedulerTopologyTest.Harness;

/**
 * Bad input tried on purpose (docs/kafka-pipeline.md, "Bad input and bad settings"): the same good traffic runs
 * twice through the topology, once clean and once with every kind of bad record mixed in. Each bad record must
 * land in {@code errors} with its reason (and be counted in the replica end's error count) or be handled by its
 * stated rule (a too-large prompt is REJECTED with a reason, a duplicate report is ignored), and every good
 * request's events, every plan and every step summary must be the same as in the clean run.
 */
class BadInputTest {

    private static final AvroSerdes SERDES = AvroSerdes.singleObject();
    /** Ids of the bad requests: far from the workload's 0..n-1. */
    private static final long BAD = 1_000_000L;

    @TempDir
    Path stateDir;

    /** What a run put out. */
    private record Run(Map<Long, List<org.kvsched.schemas.avro.RequestEvent>> events, List<BatchPlan> plans,
                       List<org.kvsched.schemas.avro.StepSummary> steps, List<RequestOutcome> outcomes, ReplicaEnd end,
                       List<ErrorRecord> errors, MetricsCollector metrics) {
    }

    /** The bad records of one run and what each must give. */
    private static final class Plan {
        final List<String> expectedErrors = new ArrayList<>();
        int answered;
    }

    @ParameterizedTest
    @ValueSource(strings = {"fcfs-vllm", "mcsf", "sarathi"})
    void badInputIsRefusedOrHandledAndTheGoodRequestsComeOutTheSame(final String policy) {
        final Workload w = SchedulerTopologyTest.workload();
        final SchedulerSettings s = SchedulerTopologyTest.settings(policy, null);
        final int kvTokens = (int) s.model().kvCapacityTokens();
        // The v1 arrival stands for a good request whose true length is its cap (what a v1 record meant).
        final WorkloadRequest v1Request = w.requests().stream().skip(5).filter(r -> r.outputTokens() == r.maxTokens()).findFirst()
                .orElseThrow();

        final Run clean = run(s, w, stateDir.resolve("clean"), null, new Plan());
        final Plan bad = new Plan();
        final Run dirty = run(s, w, stateDir.resolve("dirty"), v1Request.id(), bad);

        // 1. Every bad record that must be refused is in errors, in order, with its reason, and nothing else is.
        final List<String> reasons = dirty.errors().stream().map(ErrorRecord::getReason).toList();
        assertEquals(bad.expectedErrors.size(), reasons.size(), "errors: " + reasons);
        for (int i = 0; i < reasons.size(); i++) {
            assertTrue(reasons.get(i).contains(bad.expectedErrors.get(i)), "error " + i + ": expected '" + bad.expectedErrors.get(i)
                    + "' in '" + reasons.get(i) + "'");
            assertEquals(SchedulerProcessor.SERVICE, dirty.errors().get(i).getService().toString());
        }
        assertTrue(clean.errors().isEmpty(), "the clean run has no errors: " + clean.errors());
        // 2. ... and counted in the replica end.
        assertEquals(0, clean.end().getErrors());
        assertEquals(reasons.size(), dirty.end().getErrors());

        // 3. The prompt larger than the KV cache is REJECTED with a reason, counted as rejected.
        final List<org.kvsched.schemas.avro.RequestEvent> big = dirty.events().get(BAD + 10);
        assertNotNull(big, "the too-large prompt got no event");
        final org.kvsched.schemas.avro.RequestEvent last = big.get(big.size() - 1);
        assertEquals(org.kvsched.schemas.avro.RequestEventKind.REJECTED, last.getKind(), big.toString());
        assertTrue(last.getReason().toString().contains("prompt " + (kvTokens + 1)) && last.getReason().toString().contains("capacity of " + kvTokens),
                "the reason names the prompt and the KV capacity: " + last.getReason());
        final long cleanRejected = clean.metrics().summary(1, kvTokens).rejected();
        assertEquals(cleanRejected + 1, dirty.metrics().summary(1, kvTokens).rejected());
        assertEquals(clean.end().getFinishedRequests() + 1, dirty.end().getFinishedRequests(),
                "finished = every good request + the rejected one; none lost, none twice");

        // 4. No other bad request got any event; every good request's events are the same, as are plans and steps.
        assertEquals(Set.of(BAD + 10), dirty.events().keySet().stream().filter(id -> id >= BAD).collect(java.util.stream.Collectors.toSet()));
        assertEquals(w.size(), clean.events().size());
        for (final WorkloadRequest r : w.requests()) {
            assertEquals(clean.events().get(r.id()), dirty.events().get(r.id()), "events of request " + r.id());
        }
        final List<RequestOutcome> good = dirty.outcomes().stream().filter(o -> o.requestId() < BAD).toList();
        assertEquals(clean.outcomes(), good);
        // Plans compare without the worker payloads (the v1 request has none); the first difference is named.
        assertEquals(clean.plans().size(), dirty.plans().size(), "plans");
        for (int i = 0; i < clean.plans().size(); i++) {
            assertEquals(PlanMapping.decode(clean.plans().get(i)), PlanMapping.decode(dirty.plans().get(i)), "plan " + i);
        }
        assertEquals(clean.steps(), dirty.steps());
        assertTrue(bad.answered > 30, "the run answered only " + bad.answered + " plans: the bad reports were not all sent");
    }

    /**
     * One run: the workload's requests interleaved with the worker's answers, as in {@link SchedulerTopologyTest};
     * with {@code v1Id} set, the bad records too, that request written with the v1 schema.
     */
    private Run run(final SchedulerSettings s, final Workload w, final Path dir, final Long v1Id, final Plan bad) {
        final boolean dirty = v1Id != null;
        final int kvTokens = (int) s.model().kvCapacityTokens();
        final Map<Long, List<org.kvsched.schemas.avro.RequestEvent>> events = new TreeMap<>();
        final List<BatchPlan> plans = new ArrayList<>();
        final List<org.kvsched.schemas.avro.StepSummary> steps = new ArrayList<>();
        final List<ErrorRecord> errors = new ArrayList<>();
        final MetricsCollector metrics = new MetricsCollector();
        final ReplicaEnd end;
        try (Harness h = new Harness(s, dir)) {
            long seq = 0;
            long lastArrival = 0;
            for (int i = 0; i < w.size(); i++) {
                final WorkloadRequest r = w.requests().get(i);
                if (dirty && i == 2) {
                    h.arrivals.pipeInput(0, new byte[] {(byte) 0xC3, 0x01, 0x02, 0x03, 0x04});
                    bad.expectedErrors.add("undecodable arrival");
                    h.arrivals.pipeInput(0, (byte[]) null);
                    bad.expectedErrors.add("arrival record without a value");
                }
                if (dirty && i == 4) {
                    // A newer producer added a field (with a default) in a schema not released here.
                    h.arrivals.pipeInput(0, newerSchemaArrival(seq, BAD + 1, r.arrivalUs()));
                    bad.expectedErrors.add("undecodable arrival");
                }
                if (dirty && i == 6) {
                    arrive(h, seq, new RequestArrival(BAD + 2, lastArrival, 0, 10, -1, null));
                    bad.expectedErrors.add("prompt tokens must be >= 1");
                    arrive(h, seq, new RequestArrival(BAD + 3, lastArrival, -7, 10, -1, null));
                    bad.expectedErrors.add("prompt tokens must be >= 1");
                    arrive(h, seq, new RequestArrival(BAD + 4, lastArrival, 10, 0, -1, null));
                    bad.expectedErrors.add("max_tokens must be >= 1");
                    arrive(h, seq, new RequestArrival(BAD + 5, lastArrival, 10, -3, -1, null));
                    bad.expectedErrors.add("max_tokens must be >= 1");
                    arrive(h, seq, new RequestArrival(BAD + 6, -5L, 10, 10, -1, null));
                    bad.expectedErrors.add("arrival time must be >= 0");
                    arrive(h, seq, new RequestArrival(BAD + 7, lastArrival, 10, 10, 0, null));
                    bad.expectedErrors.add("predicted output tokens");
                }
                if (dirty && i == 9) {
                    // Out of time order: before the previous arrival.
                    assertTrue(lastArrival > 0, "the workload's 9th request arrives at 0");
                    arrive(h, seq, new RequestArrival(BAD + 8, lastArrival - 1, 10, 10, -1, null));
                    bad.expectedErrors.add("before the previous arrival");
                }
                if (dirty && i == 11) {
                    // A report for a plan never issued.
                    h.reports.pipeInput(0, SERDES.serde(StepReport.class).serializer().serialize("r",
                            new StepReport(0, 1_000_000L, lastArrival, List.of(lastArrival + 1), List.of())));
                    bad.expectedErrors.add("unknown plan 1000000");
                    h.reports.pipeInput(0, new byte[] {0x00, 0x7F});
                    bad.expectedErrors.add("undecodable step report");
                    h.reports.pipeInput(0, SERDES.serde(StepReport.class).serializer().serialize("r",
                            new StepReport(3, 0L, lastArrival, List.of(lastArrival + 1), List.of())));
                    bad.expectedErrors.add("step report for replica 3 on partition 0");
                }
                if (dirty && r.id() == v1Id) {
                    h.arrivals.pipeInput(0, v1Arrival(seq, r));
                } else {
                    h.arrive(seq, r);
                }
                seq++;
                lastArrival = r.arrivalUs();
                if (dirty && i == 13) {
                    // The same id again while the first is live (buffered or scheduled, not finished).
                    h.arrive(seq, r);
                    bad.expectedErrors.add("arrived twice");
                }
                if (dirty && i == 15) {
                    // A prompt larger than the whole KV cache, at the time of the last good arrival: valid, never fits.
                    arrive(h, seq, new RequestArrival(BAD + 10, lastArrival, kvTokens + 1, 5, 5, SimulatedOutput.encode(5)));
                }
                work(h, plans, dirty ? bad : null);
            }
            h.end(seq);
            work(h, plans, dirty ? bad : null);
            collect(h, events, steps, metrics);
            while (!h.errors.isEmpty()) {
                errors.add(SERDES.serde(ErrorRecord.class).deserializer().deserialize("e", h.errors.readValue()));
            }
            end = SERDES.serde(ReplicaEnd.class).deserializer().deserialize("x", h.ends.readValue());
            assertTrue(h.ends.isEmpty(), "one replica end");
        }
        return new Run(events, plans, steps, metrics.outcomes(), end, errors, metrics);
    }

    private static void arrive(final Harness h, final long seq, final RequestArrival a) {
        h.arrivals.pipeInput(0, h.arrivalSerde.serializer().serialize("a", new ArrivalEvent(0, seq, a)));
    }

    /**
     * Answers plans until none is outstanding (the test worker of {@link Harness#work}); with {@code bad} set, some
     * plans first get bad reports: one that contradicts the plan (more tokens than allowed), one that names a request
     * not in the plan; and after its true report, the same report again (a duplicate).
     */
    private static void work(final Harness h, final List<BatchPlan> plans, final Plan bad) {
        while (!h.plans.isEmpty()) {
            final BatchPlan plan = SERDES.serde(BatchPlan.class).deserializer().deserialize("p", h.plans.readValue());
            plans.add(plan);
            final Map<Long, Integer> truth = new LinkedHashMap<>();
            plan.getEntries().forEach(e -> {
                final int t = SimulatedOutput.decode(e.getWorkerPayload());
                truth.put(e.getRequestId(), t < 0 ? e.getMaxTokens() : t);
            });
            final StepReport report = ReportMapping.encode(h.executor.execute(PlanMapping.decode(plan), truth::get));
            final byte[] bytes = SERDES.serde(StepReport.class).serializer().serialize("r", report);
            final int n = bad == null ? -1 : bad.answered++;
            if (n == 20 || n == 21) {
                h.reports.pipeInput(0, serialize(tampered(report, p -> p.setOutputTokens(p.getOutputTokens() + 100_000))));
                bad.expectedErrors.add("more than the");
                h.reports.pipeInput(0, serialize(tampered(report, p -> p.setRequestId(BAD + 20))));
                bad.expectedErrors.add("which is not in the plan");
            }
            h.reports.pipeInput(0, bytes);
            if (n == 20 || n == 30) {
                h.reports.pipeInput(0, bytes);
            }
        }
    }

    private static byte[] serialize(final StepReport r) {
        return SERDES.serde(StepReport.class).serializer().serialize("r", r);
    }

    /** A copy of {@code r} whose first progress entry {@code change} altered. */
    private static StepReport tampered(final StepReport r, final Consumer<TokenProgress> change) {
        final StepReport copy = StepReport.newBuilder(r).build();
        assertFalse(copy.getProgress().isEmpty(), "a plan whose report has no progress");
        final List<TokenProgress> progress = new ArrayList<>();
        copy.getProgress().forEach(p -> progress.add(TokenProgress.newBuilder(p).build()));
        change.accept(progress.get(0));
        copy.setProgress(progress);
        return copy;
    }

    private static void collect(final Harness h, final Map<Long, List<org.kvsched.schemas.avro.RequestEvent>> events,
                                final List<org.kvsched.schemas.avro.StepSummary> steps, final MetricsCollector m) {
        while (!h.events.isEmpty()) {
            final org.kvsched.schemas.avro.RequestEvent e = SERDES.serde(org.kvsched.schemas.avro.RequestEvent.class).deserializer()
                    .deserialize("e", h.events.readValue());
            events.computeIfAbsent(e.getRequestId(), id -> new ArrayList<>()).add(e);
            m.onRequestEvent(EventMapping.decode(e));
        }
        while (!h.steps.isEmpty()) {
            final org.kvsched.schemas.avro.StepSummary s = SERDES.serde(org.kvsched.schemas.avro.StepSummary.class).deserializer()
                    .deserialize("s", h.steps.readValue());
            steps.add(s);
            m.onStep(SummaryMapping.decode(s));
        }
    }

    /** {@code r} as a v1 producer wrote it: the released v1 schema, outputTokens (read as maxTokens), no payload. */
    private static byte[] v1Arrival(final long seq, final WorkloadRequest r) {
        final Schema v1 = SchemaHistory.released().versions("ArrivalEvent").get(0);
        final Schema body = v1.getField("body").schema().getTypes().get(0);
        assertNotNull(body.getField("outputTokens"), "v1 has outputTokens");
        final GenericRecord a = new GenericData.Record(body);
        a.put("requestId", r.id());
        a.put("arrivalUs", r.arrivalUs());
        a.put("promptTokens", r.promptTokens());
        a.put("outputTokens", r.maxTokens());
        return encode(v1, event(v1, seq, a));
    }

    /** An arrival written with a schema newer than any released one: RequestArrival has an extra field with a default. */
    private static byte[] newerSchemaArrival(final long seq, final long id, final long arrivalUs) {
        final String now = ArrivalEvent.getClassSchema().toString();
        final String marker = "{\"name\":\"workerPayload\"";
        assertTrue(now.contains(marker), now);
        final Schema v3 = new Schema.Parser().parse(now.replace(marker,
                "{\"name\":\"priority\",\"type\":\"int\",\"default\":0},{\"name\":\"workerPayload\""));
        final Schema body = v3.getField("body").schema().getTypes().get(0);
        final GenericRecord a = new GenericData.Record(body);
        a.put("requestId", id);
        a.put("arrivalUs", arrivalUs);
        a.put("promptTokens", 10);
        a.put("maxTokens", 10);
        a.put("predictedOutputTokens", -1);
        a.put("priority", 3);
        a.put("workerPayload", null);
        return encode(v3, event(v3, seq, a));
    }

    private static GenericRecord event(final Schema schema, final long seq, final GenericRecord body) {
        final GenericRecord e = new GenericData.Record(schema);
        e.put("replicaId", 0);
        e.put("sequence", seq);
        e.put("body", body);
        return e;
    }

    private static byte[] encode(final Schema schema, final GenericRecord record) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record, out);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
