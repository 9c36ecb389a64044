package org.kvsched.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.metrics.RequestOutcome;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.workload.Workload;
import org.kvsched.core.workload.WorkloadOptions;
import org.kvsched.core.workload.Workloads;
import org.kvsched.vllmsim.VllmSimServer;
import org.kvsched.vllmsim.VllmSimSettings;

/**
 * A live replay through a real KRaft broker with the vLLM adapter in front of vllm-sim over HTTP: about 100
 * requests of the default workload at 20x, with kvsched's KV smaller than the server's (so kvsched preempts, which
 * closes streams and resends them) and the server's {@code --max-model-len} one token short of the longest request
 * (so the server refuses it with HTTP 400). Every request must be accounted for: completed at its cap with a first
 * token, or finished with the server's error, and the run must end.
 */
class LiveVllmReplayIT {

    private static final double SPEED = 20;
    private static final int KV = 16_384;

    @Test
    @Timeout(180)
    void everyRequestIsAccountedForWithPreemptionsAndAServerError() throws Exception {
        final Workload w = Workloads.defaultWorkload(WorkloadOptions.defaults().withMaxRequests(100).withRateScale(4), 3L);
        int longest = 0;
        for (final WorkloadRequest r : w.requests()) {
            longest = Math.max(longest, r.promptTokens() + r.maxTokens());
        }
        final VllmSimSettings d = VllmSimSettings.defaults(ModelCatalog.byName(ModelCatalog.DEFAULT_NAME));
        try (EmbeddedKafka broker = EmbeddedKafka.start();
             VllmSimServer sim = VllmSimServer.start(new VllmSimSettings(d.profile(), d.servedModelName(), "127.0.0.1", 0, SPEED,
                     d.maxNumSeqs(), d.maxNumBatchedTokens(), longest - 1, d.eos()))) {
            final Map<String, String> extra = new HashMap<>();
            extra.put("time", "live");
            extra.put("worker", "vllm");
            extra.put("vllm.url", sim.url());
            final ReplayRun.Spec spec = new ReplayRun.Spec(w, PolicyConfig.parse("fcfs-vllm"), ModelCatalog.DEFAULT_NAME, KV, "oracle", 1L,
                    1, 1, SPEED, broker.bootstrapServers(), "live-vllm.", null, false, extra, new PrintStream(PrintStream.nullOutputStream()));
            final ReplayRun.Outcome out = ReplayRun.run(spec);
            final List<RequestOutcome> outcomes = out.run().outcomes();
            assertEquals(w.size(), outcomes.size(), "every request accounted for");
            int errors = 0;
            int preemptions = 0;
            for (final RequestOutcome o : outcomes) {
                final WorkloadRequest r = w.requests().stream().filter(x -> x.id() == o.requestId()).findFirst().orElseThrow();
                assertTrue(o.completed(), "request " + o.requestId() + " did not complete: " + o);
                preemptions += o.preemptions();
                if (r.promptTokens() + r.maxTokens() > longest - 1) {
                    errors++;
                    assertTrue(o.finishReason().startsWith("error: HTTP 400"), o.toString());
                } else {
                    assertEquals("length", o.finishReason(), o.toString());
                    assertEquals(r.maxTokens(), o.outputTokens(), o.toString());
                    assertTrue(o.firstTokenUs() >= o.arrivalUs(), o.toString());
                }
            }
            assertTrue(errors >= 1, "the server refused the longest request");
            assertTrue(preemptions >= 1, "kvsched's smaller KV preempted at least once (a stream closed and resent)");
        }
    }
}
