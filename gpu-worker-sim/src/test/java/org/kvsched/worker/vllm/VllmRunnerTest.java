package org.kvsched.worker.vllm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.ReplicaLoop;
import org.kvsched.core.engine.ReplicaSpec;
import org.kvsched.core.engine.StepReport;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.model.Request;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.vllmsim.VllmSimServer;
import org.kvsched.vllmsim.VllmSimSettings;

/**
 * The adapter between a real core scheduler (fcfs-vllm on the wall clock) and vllm-sim over HTTP, with no Kafka in
 * between: every report the adapter builds must pass the scheduler's checks against its plan, every request must end,
 * a preemption must close the stream and a re-admission send it again, and a request the server refuses must end with
 * reason {@code error} while the others go on.
 */
class VllmRunnerTest {

    private static final double SPEED = 20;

    /** Drives one replica: the loop's plans go to the adapter, the adapter's reports back to the loop. */
    private static Map<Long, List<RequestEvent>> drive(final VllmRunner runner, final ReplicaSpec spec, final List<Request> requests,
                                                        final long epochMs) throws InterruptedException {
        final Map<Long, List<RequestEvent>> events = new HashMap<>();
        final List<BatchPlan> plans = new ArrayList<>();
        final ReplicaLoop loop = new ReplicaLoop(spec.newScheduler(0, e -> events.computeIfAbsent(e.requestId(), k -> new ArrayList<>()).add(e)),
                new ReplicaLoop.Clock.Wall(100_000), plans::add);
        for (final Request r : requests) {
            loop.onArrival(r);
        }
        loop.onEndOfInput(1);
        final long deadline = System.currentTimeMillis() + 60_000;
        loop.advanceAt(now(epochMs));
        while (!loop.ended()) {
            assertTrue(System.currentTimeMillis() < deadline, "the run did not end in 60 s; events so far: " + events);
            for (final BatchPlan p : plans) {
                runner.accept(p, Map.of(), System.currentTimeMillis());
            }
            plans.clear();
            for (final StepReport report : runner.due(System.currentTimeMillis())) {
                assertTrue(loop.onReport(report), "a report of the adapter was not the one awaited");
            }
            loop.advanceAt(now(epochMs));
            Thread.sleep(1);
        }
        return events;
    }

    private static long now(final long epochMs) {
        return Math.round((System.currentTimeMillis() - epochMs) * 1000.0 * SPEED);
    }

    private static VllmSettings settings(final String url, final ModelProfile ours, final long epochMs) {
        return new VllmSettings(List.of(URI.create(url)), "", true, 30_000, 2_000, 5, 50, ours.kvCapacityTokens(),
                ours.blockSize(), epochMs, SPEED);
    }

    @Test
    void everyRequestEndsThroughTheServerWithPreemptionAndAServerError() throws Exception {
        final ModelProfile server = ModelCatalog.configured("llama2-7b-a100", 8192, "test");
        // kvsched's capacity is smaller than the server's, so kvsched preempts (aborts) and the server never has to.
        final ModelProfile ours = ModelCatalog.configured("llama2-7b-a100", 2048, "test");
        final VllmSimSettings simSettings = VllmSimSettings.defaults(server).withPort(0).withSpeed(SPEED);
        try (VllmSimServer sim = VllmSimServer.start(new VllmSimSettings(simSettings.profile(), simSettings.servedModelName(),
                simSettings.host(), 0, SPEED, simSettings.maxNumSeqs(), simSettings.maxNumBatchedTokens(), 1500, simSettings.eos()))) {
            final long epochMs = System.currentTimeMillis();
            final VllmRunner runner = VllmRunner.start(settings(sim.url(), ours, epochMs));
            final List<Request> requests = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                requests.add(new Request(i, 0, 300, 200, -1));
            }
            // prompt + max_tokens = 1,600 fits kvsched's 2,048 tokens but not the server's --max-model-len of 1,500: HTTP 400.
            requests.add(new Request(99, 0, 1_400, 200, -1));
            final ReplicaSpec spec = new ReplicaSpec(new PolicyConfig("fcfs-vllm", Map.of()),
                    new PolicyContext(ours.timeModel(), ours.kvCapacityTokens(), ours.blockSize(), 1));
            final Map<Long, List<RequestEvent>> events;
            try (runner) {
                events = drive(runner, spec, requests, epochMs);
            }
            int preempted = 0;
            for (final Request r : requests) {
                final List<RequestEvent> ev = events.get(r.id());
                final RequestEvent last = ev.get(ev.size() - 1);
                assertEquals(RequestEventKind.COMPLETED, last.kind(), "request " + r.id() + ": " + ev);
                preempted += (int) ev.stream().filter(e -> e.kind() == RequestEventKind.PREEMPTED).count();
                if (r.id() == 99) {
                    assertTrue(last.reason().startsWith("error: HTTP 400"), last.reason());
                    assertEquals(0, last.generatedTokens());
                } else {
                    assertEquals("length", last.reason(), "request " + r.id());
                    assertEquals(200, last.generatedTokens(), "request " + r.id());
                    assertTrue(ev.stream().anyMatch(e -> e.kind() == RequestEventKind.FIRST_TOKEN), "request " + r.id() + ": " + ev);
                }
            }
            assertTrue(preempted > 0, "kvsched's small KV should have preempted something");
            assertTrue(runner.aborted() >= 1, "a preemption closes the stream");
            assertEquals(requests.size() + runner.aborted(), runner.started(), "each abort is followed by one resend");
            assertEquals(1, runner.errors());
        }
    }

    @Test
    void aServerThatNeverAnswersFailsAtStartNamingTheKey() throws Exception {
        final int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        final ModelProfile ours = ModelCatalog.configured("llama2-7b-a100", 2048, "test");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VllmRunner.start(new VllmSettings(List.of(URI.create("http://127.0.0.1:" + port)), "", true, 1000, 600, 5, 0,
                        ours.kvCapacityTokens(), ours.blockSize(), 0, 1)));
        assertTrue(e.getMessage().startsWith("config: key 'vllm.url'"), e.getMessage());
    }

    @Test
    void metricsParseVllmNamesAndTheOlderGaugeAsAFallback() {
        final ServerMetrics m = ServerMetrics.parse("# HELP x\nvllm:kv_cache_usage_perc{engine=\"0\",model_name=\"m\"} 0.25\n"
                + "vllm:num_requests_running{engine=\"0\"} 3.0\nvllm:num_requests_waiting{engine=\"0\"} 1.0\n"
                + "vllm:num_preemptions_total{engine=\"0\"} 2.0\n");
        assertEquals(0.25, m.kvUsage(), 1e-9);
        assertEquals(3, m.running(), 1e-9);
        assertEquals(1, m.waiting(), 1e-9);
        assertEquals(2, m.preemptions(), 1e-9);
        assertEquals(0.5, ServerMetrics.parse("vllm:gpu_cache_usage_perc{engine=\"0\"} 0.5\n").kvUsage(), 1e-9);
        assertTrue(Double.isNaN(ServerMetrics.parse("other 1\n").kvUsage()));
    }
}
