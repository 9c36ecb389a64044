package org.kvsched.worker.vllm;

import java.util.concurrent.Flow;

import org.kvsched.core.engine.FinishReason;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One request's streaming {@code POST /v1/completions} on a vLLM server, as the adapter sees it: the output tokens
 * counted so far (from {@code usage.completion_tokens}, which {@code continuous_usage_stats} puts on every chunk, else
 * one per chunk with text), when the first came, and how it ended. The HTTP client's threads write it as server-sent
 * event lines arrive ({@link #onLine}); the adapter's loop thread reads it and counts what it reported. Thread-safe.
 */
final class ServerStream implements Flow.Subscriber<String> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final long requestId;
    private final int promptSent;
    private final int generatedBefore;
    private final int maxTokens;
    private final Runnable onNews;
    private Flow.Subscription subscription;
    private boolean cancelled;
    private int tokens;
    private long firstTokenWallMs = -1;
    private long finishWallMs = -1;
    private FinishReason finish;
    private String message = "";
    private long lastActivityMs;
    /** Output tokens already put in reports (the loop thread's count). */
    private int reported;

    /**
     * @param requestId       the request
     * @param promptSent      prompt tokens sent: the prompt plus the output kept from before a preemption
     * @param generatedBefore output tokens the scheduler counted before this stream (a re-admission that kept them)
     * @param maxTokens       {@code max_tokens} sent: the cap minus {@code generatedBefore}
     * @param startMs         wall time the request was sent, epoch ms
     * @param onNews          called (on a client thread) when a first token or a finish arrives
     */
    ServerStream(final long requestId, final int promptSent, final int generatedBefore, final int maxTokens, final long startMs, final Runnable onNews) {
        this.requestId = requestId;
        this.promptSent = promptSent;
        this.generatedBefore = generatedBefore;
        this.maxTokens = maxTokens;
        this.lastActivityMs = startMs;
        this.onNews = onNews;
    }

    long requestId() {
        return requestId;
    }

    int promptSent() {
        return promptSent;
    }

    int generatedBefore() {
        return generatedBefore;
    }

    int maxTokens() {
        return maxTokens;
    }

    @Override
    public synchronized void onSubscribe(final Flow.Subscription s) {
        this.subscription = s;
        if (cancelled) {
            s.cancel();
        } else {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(final String line) {
        onLine(line, System.currentTimeMillis());
    }

    /** One line of the event stream, received at {@code wallMs}. */
    void onLine(final String line, final long wallMs) {
        if (!line.startsWith("data:")) {
            synchronized (this) {
                lastActivityMs = wallMs;
            }
            return;
        }
        final String data = line.substring(5).trim();
        if (data.equals("[DONE]")) {
            finishIfOpen(FinishReason.ERROR, "the stream ended without a finish_reason", wallMs);
            return;
        }
        final JsonNode chunk;
        try {
            chunk = JSON.readTree(data);
        } catch (final java.io.IOException e) {
            finishIfOpen(FinishReason.ERROR, "unreadable stream chunk: " + e.getMessage(), wallMs);
            return;
        }
        if (chunk.has("error")) {
            final JsonNode err = chunk.get("error");
            finishIfOpen(FinishReason.ERROR, "server error in stream: " + (err.has("message") ? err.get("message").asText() : err.toString()), wallMs);
            return;
        }
        final JsonNode choice = chunk.path("choices").path(0);
        final JsonNode usage = chunk.path("usage");
        boolean news = false;
        synchronized (this) {
            lastActivityMs = wallMs;
            if (finish != null) {
                return;
            }
            final int before = tokens;
            if (usage.has("completion_tokens")) {
                tokens = Math.max(tokens, usage.get("completion_tokens").asInt());
            } else if (!choice.path("text").asText("").isEmpty()) {
                tokens++;
            }
            tokens = Math.min(tokens, maxTokens);
            if (before == 0 && tokens > 0) {
                firstTokenWallMs = wallMs;
                news = true;
            }
            final JsonNode reason = choice.path("finish_reason");
            if (!reason.isMissingNode() && !reason.isNull()) {
                finish = finishReason(reason.asText(), choice.path("stop_reason"));
                finishWallMs = wallMs;
                message = finish == FinishReason.ERROR ? "server finish_reason '" + reason.asText() + "'" : "";
                news = true;
            }
        }
        if (news) {
            onNews.run();
        }
    }

    private static FinishReason finishReason(final String wire, final JsonNode stopReason) {
        switch (wire) {
            case "length":
                return FinishReason.LENGTH;
            case "stop":
                // vLLM: stop_reason null = the EOS token; a string or token id = a stop sequence.
                return stopReason.isMissingNode() || stopReason.isNull() ? FinishReason.EOS : FinishReason.STOP;
            case "abort":
                return FinishReason.ABORT;
            default:
                return FinishReason.ERROR;
        }
    }

    @Override
    public void onError(final Throwable t) {
        finishIfOpen(FinishReason.ERROR, "connection failed: " + describe(t), System.currentTimeMillis());
    }

    @Override
    public void onComplete() {
        finishIfOpen(FinishReason.ERROR, "the server closed the stream before a finish_reason", System.currentTimeMillis());
    }

    /** Finishes the request with {@code reason} unless it already finished or was cancelled. */
    void finishIfOpen(final FinishReason reason, final String why, final long wallMs) {
        synchronized (this) {
            if (finish != null || cancelled) {
                return;
            }
            finish = reason;
            finishWallMs = wallMs;
            message = why.replace('\n', ' ');
            lastActivityMs = wallMs;
        }
        onNews.run();
    }

    /** Closes the connection (vLLM then aborts the request and frees its KV); nothing more is counted. */
    void cancel() {
        final Flow.Subscription s;
        synchronized (this) {
            cancelled = true;
            s = subscription;
        }
        if (s != null) {
            s.cancel();
        }
    }

    /** Output tokens counted and not yet reported. */
    synchronized int unreported() {
        return tokens - reported;
    }

    /** Marks {@code n} more output tokens as reported. */
    synchronized void markReported(final int n) {
        reported += n;
    }

    synchronized int reported() {
        return reported;
    }

    /** Wall time of the first output token, epoch ms, or -1. */
    synchronized long firstTokenWallMs() {
        return firstTokenWallMs;
    }

    /** Wall time the request ended, epoch ms, or -1 while it goes on. */
    synchronized long finishWallMs() {
        return finishWallMs;
    }

    /** Output tokens counted so far. */
    synchronized int tokens() {
        return tokens;
    }

    /** How the request ended, or null while it goes on. */
    synchronized FinishReason finish() {
        return finish;
    }

    synchronized String message() {
        return message;
    }

    synchronized long lastActivityMs() {
        return lastActivityMs;
    }

    /** Every counted token reported and the end known: the report that says so is the last one. */
    synchronized boolean fullyReported() {
        return finish != null && reported == tokens;
    }

    static String describe(final Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && (c.getMessage() == null || c instanceof java.util.concurrent.CompletionException)) {
            c = c.getCause();
        }
        final String m = c.getMessage();
        return c.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
