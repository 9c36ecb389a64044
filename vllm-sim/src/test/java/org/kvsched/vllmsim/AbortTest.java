package org.kvsched.vllmsim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * Closing the connection aborts the request, as in vLLM: the scheduler ends it with reason {@code abort}, its
 * KV blocks are freed, and {@code /metrics} shows the running and waiting counts and the KV use going back to 0.
 * Runs at speed 5 so that a 2,000-token request is still generating (about 5 s) when the test closes it.
 */
class AbortTest {

    private static final String LONG = "{\"prompt\":[1,2,3,4,5,6,7,8,9,10],\"max_tokens\":2000,\"ignore_eos\":true,\"stream\":true}";
    private static final Duration WITHIN = Duration.ofSeconds(5);

    private static boolean state(final SimHarness sim, final int running, final int waiting, final boolean kvFree) {
        try {
            final SimHarness.Scrape s = sim.scrape();
            return s.value("vllm:num_requests_running") == running && s.value("vllm:num_requests_waiting") == waiting
                    && (s.value("vllm:kv_cache_usage_perc") == 0) == kvFree;
        } catch (final Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Reads until the first token event: the request is running. */
    private static void firstToken(final InputStream in) throws Exception {
        final StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                if (line.toString().startsWith("data: {")) {
                    return;
                }
                line.setLength(0);
            } else {
                line.append((char) c);
            }
        }
        throw new AssertionError("the stream ended before its first token");
    }

    @Test
    void closingARunningStreamFreesItsKv() throws Exception {
        try (SimHarness sim = new SimHarness(SimHarness.settings("llama2-7b-a100", 5, "fixed:5"))) {
            final HttpResponse<InputStream> r = sim.postStreaming(LONG);
            assertEquals(200, r.statusCode());
            firstToken(r.body());
            assertTrue(state(sim, 1, 0, false), "running with KV in use before the close");
            r.body().close();
            assertTrue(SimHarness.await(WITHIN, () -> state(sim, 0, 0, true)), "running 0 and KV 0 after the close");
            assertEquals(1, aborted(sim));
        }
    }

    @Test
    void closingAWaitingStreamRemovesItFromTheQueue() throws Exception {
        try (SimHarness sim = new SimHarness(SimHarness.settings("llama2-7b-a100", 5, "fixed:5").withMaxNumSeqs(1))) {
            final HttpResponse<InputStream> first = sim.postStreaming(LONG);
            firstToken(first.body());
            // The response starts (status and headers) before the request is scheduled, as vLLM's does.
            final HttpResponse<InputStream> second = sim.postStreaming(LONG);
            assertEquals(200, second.statusCode());
            assertTrue(SimHarness.await(WITHIN, () -> state(sim, 1, 1, false)), "the second request waits (max-num-seqs 1)");
            second.body().close();
            assertTrue(SimHarness.await(WITHIN, () -> state(sim, 1, 0, false)), "the waiting request is gone, the first runs on");
            assertEquals(1, aborted(sim));
            first.body().close();
            assertTrue(SimHarness.await(WITHIN, () -> state(sim, 0, 0, true)));
        }
    }

    @Test
    void closingANonStreamingRequestAbortsItToo() throws Exception {
        try (SimHarness sim = new SimHarness(SimHarness.settings("llama2-7b-a100", 5, "fixed:5"))) {
            // A raw socket: the JDK HttpClient cannot drop a connection while it waits for a response body.
            final String body = LONG.replace(",\"stream\":true", "");
            try (Socket socket = new Socket("127.0.0.1", sim.server.port())) {
                final OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                assertTrue(SimHarness.await(WITHIN, () -> state(sim, 1, 0, false)), "the request runs");
            }
            assertTrue(SimHarness.await(WITHIN, () -> state(sim, 0, 0, true)), "running 0 and KV 0 after the close");
            assertEquals(1, aborted(sim), "ended by the abort, not by finishing");
        }
    }

    /** Requests that ended with reason abort, from /metrics. */
    private static int aborted(final SimHarness sim) throws Exception {
        final Double n = sim.scrape().samples().get(
                "vllm:request_success_total{engine=\"0\",finished_reason=\"abort\",model_name=\"llama2-7b-a100\"}");
        return n == null ? 0 : n.intValue();
    }
}
