package org.kvsched.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kvsched.arrivals.app.ArrivalsProducerApp;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.metrics.RequestOutcome;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.policy.PolicyFactory;
import org.kvsched.core.policy.PolicyKind;
import org.kvsched.core.sim.PolicySwap;
import org.kvsched.core.sim.Simulation;
import org.kvsched.core.sim.SimulationSetup;
import org.kvsched.core.testing.SharedData;
import org.kvsched.core.workload.Workload;
import org.kvsched.core.workload.WorkloadOptions;
import org.kvsched.core.workload.Workloads;
import org.kvsched.metrics.app.MetricsSinkApp;
import org.kvsched.schemas.avro.ArrivalEvent;
import org.kvsched.schemas.avro.RequestArrival;
import org.kvsched.schemas.serde.AvroSerdes;
import org.kvsched.pipeline.service.ServiceConfig;
import org.kvsched.pipeline.topic.TopicProvisioner;
import org.kvsched.schemas.topic.TopicCatalog;
import org.kvsched.stream.app.SchedulerApp;
import org.kvsched.stream.config.SchedulerSettings;
import org.kvsched.worker.app.WorkerApp;

/**
 * The pipeline on a real KRaft broker (one embedded broker for the class, one topic set per test):
 * policies give per-request results identical to the in-memory engine, before and after a swap; bad arrivals
 * go to {@code errors} without stopping the partition; a scheduler restarted mid-run from its
 * changelog finishes with the same results as an uninterrupted run.
 */
class ReplayPipelineIT {

    private static final String MODEL = ModelCatalog.DEFAULT_NAME;
    private static final int KV = 32_768;
    private static EmbeddedKafka broker;
    private static Workload trace;

    @BeforeAll
    static void startBroker() throws Exception {
        trace = Workloads.readTrace(SharedData.require("data/traces/splitwise_conv.csv"),
                WorkloadOptions.defaults().withMaxRequests(200).withRateScale(2));
        broker = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static ReplayRun.Spec spec(final Workload w, final PolicyConfig policy, final int replicas, final String prefix) {
        return new ReplayRun.Spec(w, policy, MODEL, KV, "oracle", 1L, replicas, replicas, 0, broker.bootstrapServers(), prefix, null,
                false, Map.of(), new PrintStream(PrintStream.nullOutputStream()));
    }

    private static List<RequestOutcome> inMemory(final Workload w, final PolicyConfig policy, final int replicas) {
        final ModelProfile model = ModelCatalog.byName(MODEL).withKvCapacityTokens(KV);
        return Simulation.run(new SimulationSetup(w, policy, model, LengthPredictor.oracle(), replicas, "round-robin", 1L),
                (d, t, v) -> { }).result().outcomes();
    }

    /**
     * An uninterrupted run of a stateful policy (GSA keeps pipeline state across decisions) proves the transport on a
     * real broker. The baseline fcfs-vllm runs through a real broker in ReplayCommandIT (in-process services) and
     * ClusterIT (separate processes under SIGKILLs), both with --verify; the predictor-driven MC-SF and sarathi run
     * here in the swap and restart tests, whose whole runs must equal the in-memory engine too. Every online policy
     * goes through the same processor in SchedulerTopologyTest (TopologyTestDriver), which checks all of them against
     * the in-memory engine.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gsa"})
    @Timeout(120)
    void policiesAreIdenticalToTheInMemoryEngine(final String name) throws Exception {
        final PolicyFactory kind = PolicyKind.byName(name);
        final PolicyConfig policy = PolicyConfig.parse(kind.name());
        final ReplayRun.Outcome out = ReplayRun.run(spec(trace, policy, 2, "it-" + kind.name() + "."));
        final Verification.Result check = Verification.compare(inMemory(trace, policy, 2), out.run().outcomes());
        assertTrue(check.identical(), check.message());
        assertEquals(trace.size(), check.identicalCount());
        assertTrue(out.roundTrips() > 0);
        assertTrue(out.errors().isEmpty(), out.errors().toString());
    }

    /**
     * A policy swap by redeploy on a real broker: the scheduler app stops once half the requests have
     * arrived and starts again with another policy on the same state (snapshots every 20 inputs, so the
     * restore starts from one). Every request completes, per-request times equal the in-memory engine
     * switching at the same point, and requests done before the swap have their uninterrupted times.
     */
    @ParameterizedTest
    @ValueSource(strings = {"mcsf>wait"})
    @Timeout(180)
    void aPolicySwapKeepsTheExactStateAndMatchesTheInMemorySwitch(final String pair) throws Exception {
        final PolicyConfig from = PolicyConfig.parse(pair.split(">")[0]);
        final PolicyConfig to = PolicyConfig.parse(pair.split(">")[1]);
        final PolicySwap swap = PolicySwap.parse("50%:" + to.toSpec(), trace.size());
        final ReplayRun.Spec base = spec(trace, from, 2, "it-swap-" + from.kind() + ".");
        final ReplayRun.Spec spec = new ReplayRun.Spec(base.workload(), from, MODEL, KV, "oracle", 1L, 2, 2, 0, broker.bootstrapServers(),
                base.topicPrefix(), null, false, Map.of("snapshot.every", "20"), base.log(), swap);
        final ReplayRun.Outcome out = ReplayRun.run(spec);
        final ModelProfile model = ModelCatalog.byName(MODEL).withKvCapacityTokens(KV);
        final List<RequestOutcome> expected = Simulation.run(new SimulationSetup(trace, from, model, LengthPredictor.oracle(), 2,
                "round-robin", 1L), (d, t, v) -> { }, swap).result().outcomes();
        final Verification.Result check = Verification.compare(expected, out.run().outcomes());
        assertTrue(check.identical(), check.message());
        assertEquals(trace.size(), out.run().summary().completed());
        assertTrue(out.swap().restoredEntries() > 0 && out.swap().restoredEntries() <= 2 * (1 + 20 * 10),
                "the restore starts from the latest snapshot of each replica: " + out.swap().restoredEntries() + " entries");
        final List<RequestOutcome> plain = inMemory(trace, from, 2);
        long before = 0;
        for (final RequestOutcome o : out.run().outcomes()) {
            if (o.completed() && o.completionUs() < out.swap().swapTimesUs()[o.replicaId()]) {
                assertEquals(plain.get((int) o.requestId()), o, "finished before the swap: request " + o.requestId());
                before++;
            }
        }
        assertTrue(before > 10, "some requests finished before the swap: " + before);
    }

    @Test
    @Timeout(120)
    void badArrivalsGoToErrorsAndAreCountedWhileTheRestCompletes() throws Exception {
        final String prefix = "it-bad.";
        final TopicCatalog topics = TopicCatalog.withPrefix(prefix);
        TopicProvisioner.create(broker.bootstrapServers(), topics, 1);
        final Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        try (KafkaProducer<Integer, byte[]> producer = new KafkaProducer<>(p, new IntegerSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.arrivals().name(), 0, 0, new byte[] {0x42, 0x13, 0x37})).get();
            final byte[] zeroPrompt = AvroSerdes.singleObject().serde(ArrivalEvent.class).serializer().serialize("a",
                    new ArrivalEvent(0, 0L, new RequestArrival(9_999L, 0L, 0, 10, -1, null)));
            producer.send(new ProducerRecord<>(topics.arrivals().name(), 0, 0, zeroPrompt)).get();
        }
        final Workload w = new Workload("first 50", trace.requests().subList(0, 50));
        final PolicyConfig policy = PolicyConfig.parse("fcfs-vllm");
        final ReplayRun.Outcome out = ReplayRun.run(spec(w, policy, 1, prefix));
        assertEquals(2, out.errors().size(), out.errors().toString());
        assertTrue(out.errors().get(0).startsWith("undecodable arrival"), out.errors().get(0));
        assertTrue(out.errors().get(1).contains("prompt tokens must be >= 1"), out.errors().get(1));
        assertEquals(50, out.run().summary().completed());
        final Verification.Result check = Verification.compare(inMemory(w, policy, 1), out.run().outcomes());
        assertTrue(check.identical(), check.message());
    }

    @Test
    @Timeout(180)
    void aSchedulerRestartedMidRunRestoresFromItsChangelogAndTheSinkWritesItsReport() throws Exception {
        final String prefix = "it-restart.";
        final PolicyConfig policy = PolicyConfig.parse("sarathi");
        final ReplayRun.Spec spec = spec(trace, policy, 1, prefix);
        TopicProvisioner.create(broker.bootstrapServers(), TopicCatalog.withPrefix(prefix), 1);
        final Path state1 = Files.createTempDirectory("kvsched-it-state1");
        final Path state2 = Files.createTempDirectory("kvsched-it-state2");
        final ServiceConfig base = ServiceConfig.of(ReplayRun.serviceConfig(spec, broker.bootstrapServers(), state1));
        final Path out = Files.createTempDirectory("kvsched-it-out");
        final MetricsSinkApp sink = new MetricsSinkApp(base.with(Map.of("group.id", prefix + "sink", "output.dir", out.toString())),
                new PrintStream(PrintStream.nullOutputStream()));
        final WorkerApp worker = new WorkerApp(base.with(Map.of("group.id", prefix + "workers")));
        // Pace the arrivals in wall-clock time so the restart surely falls in the middle of the run.
        final ArrivalsProducerApp producer = new ArrivalsProducerApp(base.with(Map.of("speed", "40")), trace);
        SchedulerApp first = new SchedulerApp(SchedulerSettings.fromConfig(base, trace));
        try {
            sink.start();
            worker.start();
            first.start();
            assertTrue(first.awaitRunning(java.time.Duration.ofSeconds(60)), String.valueOf(first.failure()));
            producer.start();
            Thread.sleep(1500);
            first.close();
            // A fresh state directory: the second instance must rebuild everything from the changelog.
            first = new SchedulerApp(SchedulerSettings.fromConfig(base.with(Map.of("state.dir", state2.toString())), trace));
            first.start();
            assertTrue(sink.awaitDone(150_000), "the run did not finish after the restart: " + first.failure());
            assertTrue(first.restoredRecords() > 0, "the restarted scheduler restored nothing from its changelog");
            assertTrue(first.restoredEntries() > 0, "the restarted scheduler re-applied nothing from its replica log");
        } finally {
            producer.close();
            first.close();
            worker.close();
            sink.close();
        }
        final Verification.Result check = Verification.compare(inMemory(trace, policy, 1), sink.result().run().outcomes());
        assertTrue(check.identical(), check.message());
        // The standalone sink's outputs: the HTML report and run.json with the simulate keys.
        assertTrue(Files.exists(out.resolve("index.html")));
        final String run = Files.readString(out.resolve("run.json"));
        assertTrue(run.contains("\"kafka_round_trips\"") && run.contains("\"kv_util_mean\""), run);
    }
}
