package org.kvsched.vllmsim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kvsched.core.exec.BatchShape;
import org.kvsched.core.exec.ExecutionTimeModel;

/**
 * Tokens come at the modelled times divided by the speed: at --speed 50, a lone request's tokens 2..n arrive
 * over the sum of its modelled decode iterations / 50. Loose bounds: the check is that the wall clock follows
 * the model, not the precision of a shared 2-core CI machine.
 */
class TimingTest {

    private static final double SPEED = 50;
    private static final int PROMPT = 100;
    private static final int OUTPUT = 1000;

    @Test
    void streamedTokensFollowTheModelledDecodeTimeOverTheSpeed() throws Exception {
        final VllmSimSettings settings = SimHarness.settings("llama2-7b-a100", SPEED, "fixed:5");
        final ExecutionTimeModel model = settings.profile().timeModel();
        // Output token j (j >= 2) comes from a decode whose context is the prompt plus the j - 1 tokens before it.
        double modelledUs = 0;
        for (int j = 2; j <= OUTPUT; j++) {
            modelledUs += model.iterationMicros(BatchShape.decodeOnly(1, PROMPT + j - 1));
        }
        final double expectedMs = modelledUs / SPEED / 1000;
        try (SimHarness sim = new SimHarness(settings)) {
            // Warm up the JIT and the connection on two requests of the same shape (the first runs about 2x slow).
            for (int i = 0; i < 2; i++) {
                SimHarness.readEvents(sim.postStreaming(body()).body());
            }
            final HttpResponse<InputStream> r = sim.postStreaming(body());
            final List<SimHarness.TimedEvent> events = SimHarness.readEvents(r.body());
            assertEquals(OUTPUT + 1, events.size(), "one event per token, then [DONE]");
            final double measuredMs = (events.get(OUTPUT - 1).nanos() - events.get(0).nanos()) / 1e6;
            System.out.printf("vllm-sim timing: %d decode iterations modelled %.1f ms, / %.0f = %.2f ms expected, %.2f ms measured%n",
                    OUTPUT - 1, modelledUs / 1000, SPEED, expectedMs, measuredMs);
            assertTrue(measuredMs >= 0.75 * expectedMs && measuredMs <= 3.0 * expectedMs,
                    "tokens 2.." + OUTPUT + " took " + measuredMs + " ms, expected about " + expectedMs + " ms");
        }
    }

    private static String body() {
        return "{\"prompt\":" + MetricsTest.ids(PROMPT) + ",\"max_tokens\":" + OUTPUT + ",\"ignore_eos\":true,\"stream\":true}";
    }
}
