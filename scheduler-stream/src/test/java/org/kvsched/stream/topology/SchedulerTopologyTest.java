package org.kvsched.stream.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.kvsched.core.engine.PlanExecutor;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.workload.EosModel;
import org.kvsched.schemas.payload.SimulatedOutput;
import org.kvsched.pipeline.mapping.PlanMapping;
import org.kvsched.pipeline.mapping.EventMapping;
import org.kvsched.pipeline.mapping.SummaryMapping;
import org.kvsched.pipeline.mapping.ArrivalMapping;
import org.kvsched.pipeline.mapping.ReportMapping;
import org.kvsched.stream.processor.ReplicaStatus;
import org.kvsched.core.engine.StepSummary;
import org.kvsched.core.metrics.MetricsCollector;
import org.kvsched.core.metrics.RequestOutcome;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.policy.PolicyFactory;
import org.kvsched.core.policy.baseline.FcfsVllmFactory;
import org.kvsched.core.policy.PolicyKind;
import org.kvsched.core.sim.Simulation;
import org.kvsched.core.sim.SimulationSetup;
import org.kvsched.core.workload.Workload;
import org.kvsched.core.workload.WorkloadOptions;
import org.kvsched.core.workload.Workloads;
import org.kvsched.schemas.avro.ArrivalEvent;
import org.kvsched.schemas.avro.BatchPlan;

import org.kvsched.schemas.avro.ErrorRecord;
import org.kvsched.schemas.avro.ReplicaEnd;
import org.kvsched.schemas.avro.RequestArrival;
import org.kvsched.schemas.avro.StepReport;
import org.kvsched.schemas.serde.AvroSerdes;
import org.kvsched.pipeline.service.ServiceConfig;
import org.kvsched.schemas.topic.TopicCatalog;
import org.kvsched.stream.config.SchedulerSettings;

/**
 * The topology on TopologyTestDriver, one replica (the driver has one partition per topic): a test
 * worker answers every plan with the core executor, and the results must equal the in-memory engine's.
 */
class SchedulerTopologyTest {

    private static final AvroSerdes SERDES = AvroSerdes.singleObject();
    private static final TopicCatalog TOPICS = TopicCatalog.defaults();

    @TempDir
    Path stateDir;

    private static SchedulerSettings settings(final String policy) {
        return settings(policy, null);
    }

    static SchedulerSettings settings(final String policy, final Workload w) {
        return settings(policy, w, "1000");
    }

    private static SchedulerSettings settings(final String policy, final Workload w, final String snapshotEvery) {
        return SchedulerSettings.fromConfig(ServiceConfig.of(Map.of("bootstrap.servers", "unused:9092", "policy", policy,
                "kv.capacity", "16384", "seed", "3", "snapshot.every", snapshotEvery)), w);
    }

    static Workload workload() {
        return Workloads.defaultWorkload(WorkloadOptions.defaults().withMaxRequests(120).withRateScale(3), 7);
    }

    /** The topology, its inputs and outputs (also used by {@link BadInputTest}). */
    static final class Harness implements AutoCloseable {
        final TopologyTestDriver driver;
        final TestInputTopic<Integer, byte[]> arrivals;
        final TestInputTopic<Integer, byte[]> reports;
        final TestOutputTopic<Integer, byte[]> plans;
        final TestOutputTopic<Long, byte[]> events;
        final TestOutputTopic<Integer, byte[]> steps;
        final TestOutputTopic<Integer, byte[]> ends;
        final TestOutputTopic<byte[], byte[]> errors;
        final Serde<ArrivalEvent> arrivalSerde = SERDES.serde(ArrivalEvent.class);
        final PlanExecutor executor;

        Harness(final SchedulerSettings s, final Path stateDir) {
            final Properties p = new Properties();
            p.put(StreamsConfig.APPLICATION_ID_CONFIG, "ttd");
            p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            driver = new TopologyTestDriver(SchedulerTopology.build(TOPICS, SERDES, s.replicaSpec(), s.snapshotEvery(), ReplicaStatus.NONE, s.live()), p,
                    java.time.Instant.ofEpochMilli(5_000));
            arrivals = driver.createInputTopic(TOPICS.arrivals().name(), new IntegerSerializer(), new ByteArraySerializer());
            reports = driver.createInputTopic(TOPICS.stepReports().name(), new IntegerSerializer(), new ByteArraySerializer());
            plans = driver.createOutputTopic(TOPICS.plans().name(), new IntegerDeserializer(), new ByteArrayDeserializer());
            events = driver.createOutputTopic(TOPICS.requestEvents().name(), new LongDeserializer(), new ByteArrayDeserializer());
            steps = driver.createOutputTopic(TOPICS.stepSummaries().name(), new IntegerDeserializer(), new ByteArrayDeserializer());
            ends = driver.createOutputTopic(TOPICS.replicaEnds().name(), new IntegerDeserializer(), new ByteArrayDeserializer());
            errors = driver.createOutputTopic(TOPICS.errors().name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            executor = new PlanExecutor(s.model().timeModel());
        }

        /** A request as the producer sends it: an oracle prediction, the true length only in the worker payload. */
        void arrive(final long seq, final WorkloadRequest r) {
            arrivals.pipeInput(0, arrivalSerde.serializer().serialize("a", ArrivalMapping.encode(0, seq, r, r.outputTokens())));
        }

        void end(final long count) {
            arrivals.pipeInput(0, arrivalSerde.serializer().serialize("a", ArrivalMapping.endOfTrace(0, count, 1)));
        }

        /** Answers plans until none is outstanding; returns how many were answered. */
        int work() {
            int n = 0;
            while (!plans.isEmpty()) {
                final BatchPlan plan = SERDES.serde(BatchPlan.class).deserializer().deserialize("p", plans.readValue());
                final Map<Long, Integer> truth = new java.util.HashMap<>();
                // No payload (a v1 arrival): the true length is the cap, what the v1 contract said.
                plan.getEntries().forEach(e -> {
                    final int t = SimulatedOutput.decode(e.getWorkerPayload());
                    truth.put(e.getRequestId(), t < 0 ? e.getMaxTokens() : t);
                });
                final org.kvsched.core.engine.StepReport r = executor.execute(PlanMapping.decode(plan), truth::get);
                reports.pipeInput(0, SERDES.serde(StepReport.class).serializer().serialize("r", ReportMapping.encode(r)));
                n++;
            }
            return n;
        }

        /** Feeds every output event and summary into a collector. */
        void collect(final MetricsCollector m) {
            while (!events.isEmpty()) {
                final org.kvsched.schemas.avro.RequestEvent e = SERDES.serde(org.kvsched.schemas.avro.RequestEvent.class).deserializer()
                        .deserialize("e", events.readValue());
                m.onRequestEvent(EventMapping.decode(e));
            }
            while (!steps.isEmpty()) {
                final org.kvsched.schemas.avro.StepSummary s = SERDES.serde(org.kvsched.schemas.avro.StepSummary.class).deserializer()
                        .deserialize("s", steps.readValue());
                m.onStep(SummaryMapping.decode(s));
            }
        }

        @Override
        public void close() {
            driver.close();
        }
    }

    /** Every online policy (an offline one is built from the whole workload in advance, not from a stream). */
    static java.util.stream.Stream<PolicyFactory> onlinePolicies() {
        return PolicyKind.all().stream().filter(k -> !k.offline());
    }

    @ParameterizedTest
    @MethodSource("onlinePolicies")
    void resultsEqualTheInMemoryEngine(final PolicyFactory kind) {
        assertIdentical(kind, workload(), "1000");
    }

    /** Requests end before their cap (EOS): the true lengths reach the worker through the payload only. */
    @ParameterizedTest
    @ValueSource(strings = {"fcfs-vllm", "mcsf", "sarathi", "gsa"})
    void requestsThatEndEarlyGiveTheSameResultsAsInMemory(final String policy) {
        final Workload w = EosModel.parse("uniform:1:40", 5).apply(workload());
        assertTrue(w.requests().stream().filter(r -> r.outputTokens() < r.maxTokens()).count() > w.size() / 2);
        assertIdentical(PolicyKind.byName(policy), w, "1000");
    }

    /** Snapshots every few inputs (and the deletions behind them) change no result. */
    @ParameterizedTest
    @ValueSource(strings = {"fcfs-vllm", "gsa"})
    void frequentSnapshotsChangeNothing(final String policy) {
        assertIdentical(PolicyKind.byName(policy), workload(), "7");
    }

    private void assertIdentical(final PolicyFactory kind, final Workload w, final String snapshotEvery) {
        // The workload is known in-process, as under replay: policies that derive parameters from it see the same.
        final SchedulerSettings s = settings(kind.name(), w, snapshotEvery);
        final MetricsCollector kafka = new MetricsCollector();
        try (Harness h = new Harness(s, stateDir)) {
            long seq = 0;
            // Interleave arrivals with the worker's answers, as a live run would.
            for (final WorkloadRequest r : w.requests()) {
                h.arrive(seq++, r);
                h.work();
            }
            h.end(seq);
            h.work();
            h.collect(kafka);
            final ReplicaEnd end = SERDES.serde(ReplicaEnd.class).deserializer().deserialize("x", h.ends.readValue());
            assertEquals(w.size(), end.getFinishedRequests());
        }
        final Simulation.Outcome sim = Simulation.run(new SimulationSetup(w, s.policy(), s.model(), LengthPredictor.oracle(), 1, "round-robin", s.seed()),
                (done, total, t) -> { });
        final List<RequestOutcome> expected = sim.result().outcomes();
        final List<RequestOutcome> actual = kafka.outcomes();
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), "request " + i);
        }
        assertEquals(sim.result().summary(), kafka.summary(1, s.model().kvCapacityTokens()));
        assertTrue(sim.result().summary().preemptions() > 0 || !kind.name().equals(FcfsVllmFactory.NAME), "the test should exercise preemption");
        assertEquals(w.size(), sim.result().summary().completed() + sim.result().summary().rejected());
    }

    @Test
    void badArrivalsGoToErrorsAndTheRestFlows() {
        final SchedulerSettings s = settings("fcfs-vllm");
        try (Harness h = new Harness(s, stateDir)) {
            h.arrivals.pipeInput(0, new byte[] {1, 2, 3});
            h.arrivals.pipeInput(0, h.arrivalSerde.serializer().serialize("a", new ArrivalEvent(0, 0L,
                    new RequestArrival(99L, 0L, 0, 10, -1, null))));
            h.arrive(1, new WorkloadRequest(0, 0, 100, 5));
            h.arrive(2, new WorkloadRequest(1, 10, 100, 5));
            h.arrive(3, new WorkloadRequest(1, 20, 100, 5));
            h.arrive(4, new WorkloadRequest(2, 5, 100, 5));
            h.end(5);
            h.work();
            final List<String> reasons = new ArrayList<>();
            while (!h.errors.isEmpty()) {
                reasons.add(SERDES.serde(ErrorRecord.class).deserializer().deserialize("e", h.errors.readValue()).getReason());
            }
            assertEquals(4, reasons.size(), reasons.toString());
            assertTrue(reasons.get(0).startsWith("undecodable arrival"), reasons.get(0));
            assertTrue(reasons.get(1).contains("prompt tokens must be >= 1"), reasons.get(1));
            assertTrue(reasons.get(2).contains("arrived twice"), reasons.get(2));
            assertTrue(reasons.get(3).contains("before the previous arrival"), reasons.get(3));
            final ReplicaEnd end = SERDES.serde(ReplicaEnd.class).deserializer().deserialize("x", h.ends.readValue());
            assertEquals(2, end.getFinishedRequests());
            assertEquals(4, end.getErrors());
        }
    }

    @Test
    void snapshotsKeepTheStoreBounded() {
        final Workload w = workload();
        final long[] entries = new long[2];
        int i = 0;
        for (final String every : List.of("0", "10")) {
            try (Harness h = new Harness(settings("fcfs-vllm", w, every), stateDir)) {
                long seq = 0;
                for (final WorkloadRequest r : w.requests()) {
                    h.arrive(seq++, r);
                    h.work();
                }
                final KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> store = h.driver.getKeyValueStore(Names.REPLICA_LOG_STORE);
                try (var it = store.all()) {
                    while (it.hasNext()) {
                        it.next();
                        entries[i]++;
                    }
                }
            }
            i++;
        }
        // Without snapshots every input and decision stays (two entries or more per request); with one every
        // 10 inputs at most the entries since the last snapshot remain.
        assertTrue(entries[0] > 2L * w.size(), "no snapshots: " + entries[0]);
        assertTrue(entries[1] <= 1 + 10 * 3, "snapshot every 10 inputs: " + entries[1]);
    }

    /**
     * Live (wall clock): an arrival's time is its record timestamp (the log-append time), the first request after a
     * lull is scheduled at once (in virtual time it would wait for a later arrival), a plan runs at most the
     * horizon ahead, and the timer asks again a replica whose policy waits.
     */
    @Test
    void liveSchedulingDecidesOnEachArrivalWithAHorizon() {
        final SchedulerSettings s = SchedulerSettings.fromConfig(ServiceConfig.of(Map.of("bootstrap.servers", "unused:9092",
                "policy", "fcfs-vllm", "kv.capacity", "16384", "time", "live", "live.horizon.ms", "50", "live.tick.ms", "10")));
        try (Harness h = new Harness(s, stateDir)) {
            final WorkloadRequest r = new WorkloadRequest(0, 0, 100, 3);
            h.arrivals.pipeInput(0, h.arrivalSerde.serializer().serialize("a", new ArrivalEvent(0, 0L,
                    new RequestArrival(r.id(), 777L, r.promptTokens(), r.maxTokens(), 3, SimulatedOutput.encode(3)))), 5_000L);
            final BatchPlan plan = SERDES.serde(BatchPlan.class).deserializer().deserialize("p", h.plans.readValue());
            assertEquals(5_000_000L, plan.getStartUs(), "the arrival's time is its record timestamp, 5 s, not the trace's 777 us");
            assertEquals(5_050_000L, plan.getStopAtUs(), "a plan runs at most the 50 ms horizon ahead");
            assertTrue(h.plans.isEmpty());
            // The worker answers; the report is applied at the driver's wall clock.
            final org.kvsched.core.engine.StepReport done = h.executor.execute(PlanMapping.decode(plan), id -> 3);
            h.reports.pipeInput(0, SERDES.serde(StepReport.class).serializer().serialize("r", ReportMapping.encode(done)));
            h.driver.advanceWallClockTime(java.time.Duration.ofMillis(20));
            while (!h.plans.isEmpty()) {
                h.work();
            }
            // The replica is idle; a request arriving after the lull is planned at its own time.
            h.arrivals.pipeInput(0, h.arrivalSerde.serializer().serialize("a", new ArrivalEvent(0, 1L,
                    new RequestArrival(1L, 778L, 50, 2, 2, SimulatedOutput.encode(2)))), 9_000L);
            final BatchPlan second = SERDES.serde(BatchPlan.class).deserializer().deserialize("p", h.plans.readValue());
            assertEquals(9_000_000L, second.getStartUs());
        }
    }

    @Test
    void aBadTimeSettingFailsNamingTheKey() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SchedulerSettings.fromConfig(
                ServiceConfig.of(Map.of("bootstrap.servers", "x:1", "time", "sometimes"))));
        assertTrue(e.getMessage().contains("'time'"), e.getMessage());
    }

    @Test
    void unknownPolicyFailsAtStartWithTheValidNames() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings("nope"));
        assertTrue(e.getMessage().contains("valid: " + PolicyKind.names()), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void topologyDescriptionNamesEveryNode() {
        final String d = SchedulerTopology.build(TOPICS, SERDES, settings("fcfs-vllm").replicaSpec(), 1000, ReplicaStatus.NONE, null).describe().toString();
        for (final String n : List.of(Names.ARRIVALS_SOURCE, Names.STEP_REPORTS_SOURCE, Names.SCHEDULER_PROCESSOR, Names.PLANS_SINK,
                Names.REQUEST_EVENTS_SINK, Names.STEP_SUMMARIES_SINK, Names.REPLICA_ENDS_SINK, Names.ERRORS_SINK, Names.REPLICA_LOG_STORE)) {
            assertTrue(d.contains(n), n + " missing in\n" + d);
        }
    }
}
