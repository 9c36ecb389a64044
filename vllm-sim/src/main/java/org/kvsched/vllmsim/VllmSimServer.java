package org.kvsched.vllmsim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.kvsched.core.engine.FinishReason;

/**
 * vllm-sim: an HTTP server that speaks the subset of vLLM's OpenAI-compatible API an external scheduler
 * uses, backed by a {@link SimEngine} instead of a GPU (docs/vllm-sim.md).
 *
 * <ul>
 *   <li>{@code POST /v1/completions}: streaming (server-sent events, an optional usage chunk, {@code data: [DONE]})
 *       and not; text or token-id prompts; {@code max_tokens}, {@code min_tokens}, {@code ignore_eos}. Closing the
 *       connection aborts the request and frees its KV cache.</li>
 *   <li>{@code GET /v1/models}, {@code GET /health} (200, or 503 once the engine has stopped),
 *       {@code GET /metrics} ({@link SimMetrics}).</li>
 * </ul>
 *
 * <p>Output text is fake: one word per token from a fixed cycle; a request that ends on its emulated EOS sends
 * an empty last chunk carrying {@code finish_reason: "stop"}, as vLLM does when it skips the special token.
 * Started with {@link #start}; {@link #close} stops it.
 */
public final class VllmSimServer implements AutoCloseable {

    private static final String[] WORDS = {" the", " quick", " brown", " fox", " jumps", " over", " a", " lazy", " dog", "."};
    private static final byte[] DONE = SseWriter.event("[DONE]");
    private static final String JSON_TYPE = "application/json";

    private final VllmSimSettings settings;
    private final SimEngine engine;
    private final Server server;
    private final ServerConnector connector;
    private final long createdSeconds = System.currentTimeMillis() / 1000;

    private VllmSimServer(final VllmSimSettings settings) {
        this.settings = settings;
        this.engine = new SimEngine(settings);
        final QueuedThreadPool threads = new QueuedThreadPool(256, 4);
        threads.setName("vllm-sim-http");
        threads.setDaemon(true);
        this.server = new Server(threads);
        final HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        server.addConnector(connector);
        server.setHandler(new Routes());
        server.setStopTimeout(2_000);
    }

    /**
     * Starts a server: the engine's scheduler thread and the HTTP listener.
     *
     * @throws UncheckedIOException if the port cannot be bound
     */
    public static VllmSimServer start(final VllmSimSettings settings) {
        final VllmSimServer s = new VllmSimServer(settings);
        try {
            s.server.start();
        } catch (final IOException e) {
            s.close();
            throw new UncheckedIOException("vllm-sim: cannot listen on " + settings.host() + ":" + settings.port() + ": "
                    + e.getMessage(), e);
        } catch (final Exception e) {
            s.close();
            throw new IllegalStateException("vllm-sim: the HTTP server did not start: " + e, e);
        }
        return s;
    }

    /** The port the server listens on (the one picked when the settings said 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The server's base URL, e.g. {@code http://127.0.0.1:8000} (the loopback address when bound to all interfaces). */
    public String url() {
        final String host = settings.host().equals("0.0.0.0") || settings.host().isEmpty() ? "127.0.0.1" : settings.host();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    /** The settings it runs with. */
    public VllmSimSettings settings() {
        return settings;
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        server.join();
    }

    /** Stops the engine (requests still held end with an error) and the HTTP server. */
    @Override
    public void close() {
        engine.close();
        try {
            server.stop();
        } catch (final Exception e) {
            // Stopping is best effort: the JVM may be on its way out (Ctrl-C).
        }
    }

    /** The token text of output position {@code index} (1-based). */
    static String word(final int index) {
        return WORDS[(index - 1) % WORDS.length];
    }

    /** The text of a whole output of {@code tokens} tokens ending for {@code finish}. */
    static String text(final int tokens, final FinishReason finish) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= tokens; i++) {
            if (i < tokens || finish != FinishReason.EOS) {
                sb.append(word(i));
            }
        }
        return sb.toString();
    }

    private static byte[] json(final Object body) {
        try {
            return Wire.JSON.writeValueAsBytes(body);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + body.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static void writeJson(final Response response, final int status, final Object body, final Callback callback) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
        response.write(true, ByteBuffer.wrap(json(body)), callback);
    }

    /** The routes: exact paths, as vLLM serves them. */
    private final class Routes extends Handler.Abstract {
        @Override
        public boolean handle(final Request request, final Response response, final Callback callback) throws Exception {
            final long received = System.nanoTime();
            final String path = Request.getPathInContext(request);
            final String method = request.getMethod();
            final String allowed;
            switch (path) {
                case "/v1/completions":
                    allowed = "POST";
                    break;
                case "/v1/models":
                case "/health":
                case "/metrics":
                    allowed = "GET";
                    break;
                default:
                    writeJson(response, 404, new Wire.Detail("Not Found"), callback);
                    return true;
            }
            if (!allowed.equals(method)) {
                response.getHeaders().put(HttpHeader.ALLOW, allowed);
                writeJson(response, 405, new Wire.Detail("Method Not Allowed"), callback);
                return true;
            }
            switch (path) {
                case "/v1/completions":
                    completions(request, response, callback, received);
                    break;
                case "/v1/models":
                    writeJson(response, 200, new Wire.ModelList("list", List.of(new Wire.ModelCard(settings.servedModelName(),
                            "model", createdSeconds, "vllm", settings.profile().name(), null, settings.maxModelLen(),
                            List.of()))), callback);
                    break;
                case "/health":
                    response.setStatus(engine.stats().alive() ? 200 : 503);
                    response.write(true, ByteBuffer.allocate(0), callback);
                    break;
                default:
                    final ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
                    engine.metrics().write(out);
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, engine.metrics().contentType());
                    response.write(true, ByteBuffer.wrap(out.toByteArray()), callback);
                    break;
            }
            return true;
        }
    }

    private void completions(final Request request, final Response response, final Callback callback, final long received)
            throws IOException {
        final CompletionParams p;
        try {
            final JsonNode body = Wire.JSON.readTree(Content.Source.asString(request, StandardCharsets.UTF_8));
            p = CompletionParams.parse(body, settings.servedModelName(), settings.maxModelLen());
        } catch (final ApiError e) {
            writeJson(response, e.status(), e.body(), callback);
            return;
        } catch (final JsonProcessingException e) {
            writeJson(response, 400, ApiError.badRequest(null, "JSON decode error: " + e.getOriginalMessage()).body(), callback);
            return;
        }
        if (!engine.stats().alive()) {
            writeJson(response, 503, new ApiError(503, "ServiceUnavailableError", null, "the engine has stopped").body(),
                    callback);
            return;
        }
        final String id = "cmpl-" + (p.requestId() != null ? p.requestId() : UUID.randomUUID().toString().replace("-", ""));
        final long created = System.currentTimeMillis() / 1000;
        final long rid = engine.newId();
        final SimEngine.Client client;
        if (p.stream()) {
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            final SseWriter out = new SseWriter(response, callback, () -> engine.abort(rid));
            out.open();
            client = new Streaming(out, id, created, p);
        } else {
            client = new Whole(response, callback, id, created, p);
        }
        // Closing the connection aborts the request (vLLM races every request against the client's disconnect).
        request.addFailureListener(failure -> engine.abort(rid));
        // A request may wait in the queue far longer than an idle connection is allowed to; only a real close ends it.
        request.addIdleTimeoutListener(timeout -> false);
        engine.submit(rid, new SimEngine.Generation(p.promptTokens(), p.maxTokens(), p.minTokens(), p.ignoreEos()), received,
                client);
    }

    /** A streamed request: one chunk per token, then the usage chunk if asked, then {@code [DONE]}. */
    private final class Streaming implements SimEngine.Client {
        private final SseWriter out;
        private final String id;
        private final long created;
        private final CompletionParams p;

        Streaming(final SseWriter out, final String id, final long created, final CompletionParams p) {
            this.out = out;
            this.id = id;
            this.created = created;
            this.p = p;
        }

        @Override
        public void onToken(final int index, final FinishReason finish) {
            final String text = finish == FinishReason.EOS ? "" : word(index);
            final Wire.Usage usage = p.continuousUsage() ? Wire.Usage.of(p.promptTokens(), index) : null;
            final byte[] chunk = SseWriter.event(new String(json(new Wire.Completion(id, "text_completion", created,
                    settings.servedModelName(), List.of(new Wire.Choice(0, text, null,
                    finish == null ? null : Wire.finishReason(finish), null)), usage)), StandardCharsets.UTF_8));
            if (finish == null) {
                out.send(chunk);
            } else if (p.includeUsage()) {
                out.close(chunk, usageChunk(index), DONE);
            } else {
                out.close(chunk, DONE);
            }
        }

        private byte[] usageChunk(final int tokens) {
            return SseWriter.event(new String(json(new Wire.Completion(id, "text_completion", created,
                    settings.servedModelName(), List.of(), Wire.Usage.of(p.promptTokens(), tokens))), StandardCharsets.UTF_8));
        }

        @Override
        public void onEnd(final FinishReason reason, final String message) {
            if (reason == FinishReason.ABORT) {
                out.abort(new EofException(message));
            } else {
                // vLLM reports an error inside a stream as a data line holding its error object, then [DONE].
                out.close(SseWriter.event(new String(json(new ApiError(500, "InternalServerError", null, message).body()),
                        StandardCharsets.UTF_8)), DONE);
            }
        }
    }

    /** A non-streamed request: one body once it has finished. */
    private final class Whole implements SimEngine.Client {
        private final Response response;
        private final Callback callback;
        private final String id;
        private final long created;
        private final CompletionParams p;
        private final AtomicBoolean answered = new AtomicBoolean();

        Whole(final Response response, final Callback callback, final String id, final long created,
              final CompletionParams p) {
            this.response = response;
            this.callback = callback;
            this.id = id;
            this.created = created;
            this.p = p;
        }

        @Override
        public void onToken(final int index, final FinishReason finish) {
            if (finish != null && answered.compareAndSet(false, true)) {
                writeJson(response, 200, new Wire.Completion(id, "text_completion", created, settings.servedModelName(),
                        List.of(new Wire.Choice(0, text(index, finish), null, Wire.finishReason(finish), null)),
                        Wire.Usage.of(p.promptTokens(), index)), callback);
            }
        }

        @Override
        public void onEnd(final FinishReason reason, final String message) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            if (reason == FinishReason.ABORT) {
                callback.failed(new EofException(message));
            } else {
                writeJson(response, 500, new ApiError(500, "InternalServerError", null, message).body(), callback);
            }
        }
    }
}
