package org.kvsched.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.workload.Workload;
import org.kvsched.core.workload.WorkloadOptions;
import org.kvsched.core.workload.Workloads;
import org.kvsched.vllmsim.VllmSimServer;
import org.kvsched.vllmsim.VllmSimSettings;

/**
 * {@code kvsched vllm-direct} against vllm-sim over real HTTP: every request of the workload is sent, streamed
 * and accounted for; the ones the server refuses (longer than its {@code --max-model-len}) end with an error
 * and the run goes on; a server that never answers fails in one line naming the option.
 */
class VllmDirectCommandTest {

    private static final int REQUESTS = 40;

    @Test
    @Timeout(120)
    void everyRequestIsSentAndAccountedForAndRefusedOnesEndWithAnError() throws Exception {
        // The CLI's default workload for --requests 40 (seed 1).
        final Workload w = Workloads.defaultWorkload(WorkloadOptions.defaults().withMaxRequests(REQUESTS), 1L);
        int longest = 0;
        for (final WorkloadRequest r : w.requests()) {
            longest = Math.max(longest, r.promptTokens() + r.maxTokens());
        }
        final int limit = longest - 1;
        final long refused = w.requests().stream().filter(r -> r.promptTokens() + r.maxTokens() > limit).count();
        final VllmSimSettings d = VllmSimSettings.defaults(ModelCatalog.byName(ModelCatalog.DEFAULT_NAME));
        try (VllmSimServer sim = VllmSimServer.start(new VllmSimSettings(d.profile(), d.servedModelName(), "127.0.0.1", 0, 20,
                d.maxNumSeqs(), d.maxNumBatchedTokens(), limit, d.eos()))) {
            final CliRunner.Result r = CliRunner.run("vllm-direct", "--vllm-url", sim.url(), "--speed", "20", "--requests",
                    Integer.toString(REQUESTS), "--verify");
            assertEquals(1, r.exitCode(), r.out() + r.err());
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("direct ") && l.contains(" " + REQUESTS + "/" + REQUESTS + " ")), r.out());
            assertTrue(r.out().contains("direct: " + refused + " of " + REQUESTS + " requests ended with an error (first: error: HTTP 400"),
                    r.out());
            final Matcher m = Pattern.compile("direct against simulate \\(fcfs-vllm:max-num-batched-tokens=2048\\): mean TTFT ([\\d.]+) ms "
                    + "vs ([\\d.]+) ms .* mean E2E ([\\d.]+) ms vs ([\\d.]+) ms").matcher(r.out());
            assertTrue(m.find(), r.out());
            // Times are in scheduler time (wall x speed): a first token can come no sooner than the engine's.
            assertTrue(Double.parseDouble(m.group(1)) > 0 && Double.parseDouble(m.group(3)) > Double.parseDouble(m.group(1)), m.group());
        }
    }

    @Test
    void aServerThatNeverAnswersFailsInOneLineNamingTheOption() throws Exception {
        final int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        final CliRunner.Result r = CliRunner.run("vllm-direct", "--vllm-url", "http://127.0.0.1:" + port, "--connect-timeout-s", "0",
                "--requests", "5");
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains("--vllm-url") && r.err().contains("no vLLM server answered"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
