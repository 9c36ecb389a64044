package org.kvsched.worker.vllm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.kvsched.core.engine.FinishReason;

/** How the adapter reads one server-sent event stream of vLLM's completions API, line by line. */
class ServerStreamTest {

    private final AtomicInteger news = new AtomicInteger();

    private ServerStream stream(final int maxTokens) {
        return new ServerStream(7, 100, 0, maxTokens, 0, news::incrementAndGet);
    }

    private static String chunk(final String text, final String finish, final Integer completionTokens) {
        return "data: {\"id\":\"cmpl-7\",\"object\":\"text_completion\",\"choices\":[{\"index\":0,\"text\":\"" + text
                + "\",\"logprobs\":null,\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"")
                + ",\"stop_reason\":null}]" + (completionTokens == null ? "" : ",\"usage\":{\"prompt_tokens\":100,"
                + "\"completion_tokens\":" + completionTokens + ",\"total_tokens\":" + (100 + completionTokens) + "}") + "}";
    }

    @Test
    void usageCountsTokensAndTheFirstOneIsNews() {
        final ServerStream s = stream(10);
        s.onLine(chunk(" a", null, 1), 1_000);
        assertEquals(1, s.unreported());
        assertEquals(1_000, s.firstTokenWallMs());
        assertEquals(1, news.get(), "the first token is news");
        // One chunk may carry several tokens (detokenization): usage says how many.
        s.onLine("", 1_001);
        s.onLine(chunk(" b c d", null, 4), 1_002);
        assertEquals(4, s.unreported());
        assertEquals(1, news.get(), "later tokens are not");
        s.markReported(3);
        assertEquals(1, s.unreported());
        s.onLine(chunk(" e", "length", 5), 1_003);
        s.onLine("data: {\"id\":\"cmpl-7\",\"choices\":[],\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":5,\"total_tokens\":105}}", 1_004);
        s.onLine("data: [DONE]", 1_005);
        assertEquals(FinishReason.LENGTH, s.finish());
        assertEquals(2, news.get(), "the finish is news");
        assertEquals(2, s.unreported());
    }

    @Test
    void withoutUsageEachChunkWithTextIsOneToken() {
        final ServerStream s = stream(10);
        s.onLine(chunk(" a", null, null), 1);
        s.onLine(chunk("", null, null), 2);
        s.onLine(chunk(" b", "stop", null), 3);
        assertEquals(2, s.unreported());
        assertEquals(FinishReason.EOS, s.finish(), "stop with a null stop_reason is the EOS token");
    }

    @Test
    void aStopStringIsStopAndErrorsFinishWithTheirMessage() {
        final ServerStream stop = stream(10);
        stop.onLine(chunk(" a", null, 1).replace("\"finish_reason\":null,\"stop_reason\":null",
                "\"finish_reason\":\"stop\",\"stop_reason\":\"###\""), 1);
        assertEquals(FinishReason.STOP, stop.finish());

        final ServerStream err = stream(10);
        err.onLine(chunk(" a", null, 1), 1);
        err.onLine("data: {\"error\":{\"message\":\"engine died\",\"type\":\"InternalServerError\",\"param\":null,\"code\":500}}", 2);
        assertEquals(FinishReason.ERROR, err.finish());
        assertTrue(err.message().contains("engine died"), err.message());

        final ServerStream cut = stream(10);
        cut.onLine(chunk(" a", null, 1), 1);
        cut.onLine("data: [DONE]", 2);
        assertEquals(FinishReason.ERROR, cut.finish(), "a stream that ends without a finish_reason is an error");

        final ServerStream closed = stream(10);
        closed.onComplete();
        assertEquals(FinishReason.ERROR, closed.finish());
    }

    @Test
    void aCancelledStreamCountsNothingMoreAndNeverFinishes() {
        final ServerStream s = stream(10);
        s.onLine(chunk(" a", null, 1), 1);
        s.cancel();
        s.onError(new java.io.IOException("closed by us"));
        assertNull(s.finish(), "closing the stream on a preemption is not a failure of the request");
        assertTrue(s.unreported() <= 1);
    }

    @Test
    void tokensNeverExceedWhatWasAskedFor() {
        final ServerStream s = stream(3);
        s.onLine(chunk(" a b c d", null, 4), 1);
        assertEquals(3, s.unreported());
    }
}
