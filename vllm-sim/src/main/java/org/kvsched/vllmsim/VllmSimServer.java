package org.kvsched.vllmsim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.AbstractEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;

import org.kvsched.core.engine.FinishReason;

/**
 * vllm-sim: an HTTP server that speaks the subset of vLLM's OpenAI-compatible API an external scheduler
 * uses, backed by a {@link SimEngine} instead of a GPU (docs/vllm-sim.md).
 *
 * <ul>
 *   <li>{@code POST /v1/completions}: streaming (server-sent events, an optional usage chunk, {@code data: [DONE]})
 *       and not; text or token-id prompts; {@code max_tokens}, {@code min_tokens}, {@code ignore_eos}. Closing the
 *       connection aborts the request, waiting or running, and frees its KV cache.</li>
 *   <li>{@code GET /v1/models}, {@code GET /health} (200, or 503 once the engine has stopped),
 *       {@code GET /metrics} ({@link SimMetrics}).</li>
 * </ul>
 *
 * <p>Built on Netty's HTTP codec because Netty reads every connection all the time: a client that closes
 * while its request waits in the queue is seen at once, as vLLM's server (which races each request against
 * the client's disconnect) sees it. HTTP/1.1 with keep-alive; one request at a time per connection.
 *
 * <p>Output text is fake: one word per token from a fixed cycle; a request that ends on its emulated EOS
 * sends an empty last chunk carrying {@code finish_reason: "stop"}, as vLLM does when it skips the special
 * token. Started with {@link #start}; {@link #close} stops it.
 */
public final class VllmSimServer implements AutoCloseable {

    private static final String[] WORDS = {" the", " quick", " brown", " fox", " jumps", " over", " a", " lazy", " dog", "."};
    private static final int MAX_BODY_BYTES = 64 << 20;
    private static final String JSON_TYPE = "application/json";
    private static final byte[] DONE = event("[DONE]".getBytes(StandardCharsets.US_ASCII));
    private static final Runnable NOTHING = () -> { };

    private final VllmSimSettings settings;
    private final SimEngine engine;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final Channel listener;
    private final long createdSeconds = System.currentTimeMillis() / 1000;
    /** Event loops with deferred writes to run; touched by the scheduler thread only. */
    private final Set<EventLoop> toWake = new HashSet<>();

    private VllmSimServer(final VllmSimSettings settings) {
        this.settings = settings;
        this.engine = new SimEngine(settings, this::wakeWriters);
        this.acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("vllm-sim-accept", true),
                NioIoHandler.newFactory());
        this.workers = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("vllm-sim-http", true),
                NioIoHandler.newFactory());
        final ServerBootstrap bootstrap = new ServerBootstrap().group(acceptor, workers)
                .channel(NioServerSocketChannel.class)
                // Every token is a small write: without TCP_NODELAY, Nagle's algorithm holds them for the client's ACKs.
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(final SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_BODY_BYTES), new Routes());
                    }
                });
        Channel bound = null;
        try {
            bound = bootstrap.bind(settings.host(), settings.port()).syncUninterruptibly().channel();
        } catch (final Exception e) {
            // Netty rethrows the bind's IOException (address in use, unknown host) unchecked.
            engine.close();
            shutdown();
            throw new UncheckedIOException("vllm-sim: cannot listen on " + settings.host() + ":" + settings.port() + ": "
                    + e.getMessage(), e instanceof IOException io ? io : new IOException(e));
        }
        this.listener = bound;
    }

    /**
     * Starts a server: the engine's scheduler thread and the HTTP listener.
     *
     * @throws UncheckedIOException if the address cannot be bound
     */
    public static VllmSimServer start(final VllmSimSettings settings) {
        return new VllmSimServer(settings);
    }

    /** The port the server listens on (the one picked when the settings said 0). */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
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

    /** Blocks until the server is closed. */
    public void join() throws InterruptedException {
        listener.closeFuture().sync();
    }

    /** Stops the engine (requests still held end with an error) and the HTTP server. */
    @Override
    public void close() {
        engine.close();
        listener.close().syncUninterruptibly();
        shutdown();
    }

    private void shutdown() {
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Hands a write to its connection's event loop without waking it: the scheduler thread queues the writes of
     * a whole iteration, then wakes each loop once ({@link #wakeWriters}) when it is about to wait anyway. A
     * wake-up per token would cost the scheduler thread its CPU at every token on a busy machine.
     */
    private void deferWrite(final Channel ch, final Runnable write) {
        final EventLoop loop = ch.eventLoop();
        if (loop instanceof AbstractEventExecutor lazy) {
            lazy.lazyExecute(write);
            toWake.add(loop);
        } else {
            loop.execute(write);
        }
    }

    /** Wakes the event loops that got writes since the last call (scheduler thread only). */
    private void wakeWriters() {
        for (final EventLoop loop : toWake) {
            loop.execute(NOTHING);
        }
        toWake.clear();
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

    /** The SSE framing of one event, as vLLM writes it: {@code data: <payload>} and a blank line. */
    static byte[] event(final byte[] payload) {
        final byte[] out = new byte[payload.length + 8];
        System.arraycopy("data: ".getBytes(StandardCharsets.US_ASCII), 0, out, 0, 6);
        System.arraycopy(payload, 0, out, 6, payload.length);
        out[out.length - 2] = '\n';
        out[out.length - 1] = '\n';
        return out;
    }

    private static void send(final Channel ch, final boolean keepAlive, final HttpResponseStatus status,
                             final String contentType, final byte[] body) {
        final FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType).setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (keepAlive) {
            ch.writeAndFlush(r);
        } else {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ch.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static void sendJson(final Channel ch, final boolean keepAlive, final int status, final Object body) {
        send(ch, keepAlive, HttpResponseStatus.valueOf(status), JSON_TYPE, json(body));
    }

    /** The routes: exact paths, as vLLM serves them. One instance per connection. */
    private final class Routes extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request) throws IOException {
            final long received = System.nanoTime();
            final Channel ch = ctx.channel();
            final boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (request.decoderResult().isFailure()) {
                sendJson(ch, false, 400, new Wire.Detail("Bad Request"));
                return;
            }
            final String path = new QueryStringDecoder(request.uri()).path();
            final HttpMethod allowed;
            switch (path) {
                case "/v1/completions":
                    allowed = HttpMethod.POST;
                    break;
                case "/v1/models":
                case "/health":
                case "/metrics":
                    allowed = HttpMethod.GET;
                    break;
                default:
                    sendJson(ch, keepAlive, 404, new Wire.Detail("Not Found"));
                    return;
            }
            if (!allowed.equals(request.method())) {
                sendJson(ch, keepAlive, 405, new Wire.Detail("Method Not Allowed"));
                return;
            }
            switch (path) {
                case "/v1/completions":
                    completions(ch, keepAlive, request.content().toString(StandardCharsets.UTF_8), received);
                    break;
                case "/v1/models":
                    sendJson(ch, keepAlive, 200, new Wire.ModelList("list", List.of(new Wire.ModelCard(
                            settings.servedModelName(), "model", createdSeconds, "vllm", settings.profile().name(), null,
                            settings.maxModelLen(), List.of()))));
                    break;
                case "/health":
                    send(ch, keepAlive, engine.stats().alive() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                            JSON_TYPE, new byte[0]);
                    break;
                default:
                    final ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
                    engine.metrics().write(out);
                    send(ch, keepAlive, HttpResponseStatus.OK, engine.metrics().contentType(), out.toByteArray());
                    break;
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            // A reset connection or a protocol error: close it; a request in progress aborts through the close.
            ctx.close();
        }
    }

    private void completions(final Channel ch, final boolean keepAlive, final String body, final long received) {
        final CompletionParams p;
        try {
            final JsonNode json = Wire.JSON.readTree(body);
            p = CompletionParams.parse(json, settings.servedModelName(), settings.maxModelLen());
        } catch (final ApiError e) {
            sendJson(ch, keepAlive, e.status(), e.body());
            return;
        } catch (final JsonProcessingException e) {
            sendJson(ch, keepAlive, 400, ApiError.badRequest(null, "JSON decode error: " + e.getOriginalMessage()).body());
            return;
        }
        if (!engine.stats().alive()) {
            sendJson(ch, keepAlive, 503, new ApiError(503, "ServiceUnavailableError", null, "the engine has stopped").body());
            return;
        }
        final String id = "cmpl-" + (p.requestId() != null ? p.requestId() : UUID.randomUUID().toString().replace("-", ""));
        final long created = System.currentTimeMillis() / 1000;
        final long rid = engine.newId();
        // Closing the connection aborts the request (vLLM races every request against the client's disconnect).
        final ChannelFutureListener abortOnClose = closed -> engine.abort(rid);
        final Exchange exchange = new Exchange(ch, keepAlive, abortOnClose);
        final SimEngine.Client client;
        if (p.stream()) {
            // The response starts before the request is scheduled, as vLLM's streaming response does.
            final HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            HttpUtil.setTransferEncodingChunked(head, true);
            ch.writeAndFlush(head);
            client = new Streaming(exchange, id, created, p);
        } else {
            client = new Whole(exchange, id, created, p);
        }
        engine.submit(rid, new SimEngine.Generation(p.promptTokens(), p.maxTokens(), p.minTokens(), p.ignoreEos()), received,
                client);
        // After the submit, so that the abort of a connection already closed comes after its arrival (a listener
        // added to a completed close future runs at once).
        ch.closeFuture().addListener(abortOnClose);
    }

    /**
     * One request's connection, written from the scheduler thread: ends the exchange once, and then no longer
     * aborts on a close.
     */
    private final class Exchange {
        private final Channel ch;
        private final boolean keepAlive;
        private final ChannelFutureListener abortOnClose;
        private final AtomicBoolean ended = new AtomicBoolean();

        Exchange(final Channel ch, final boolean keepAlive, final ChannelFutureListener abortOnClose) {
            this.ch = ch;
            this.keepAlive = keepAlive;
            this.abortOnClose = abortOnClose;
        }

        /** Writes part of a streamed body. */
        void chunk(final byte[] bytes) {
            if (!ended.get()) {
                deferWrite(ch, () -> ch.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes))));
            }
        }

        /** Writes the end of a streamed body. */
        void lastChunk(final byte[] bytes) {
            if (ended.compareAndSet(false, true)) {
                ch.closeFuture().removeListener(abortOnClose);
                deferWrite(ch, () -> {
                    final ChannelFuture done = ch.writeAndFlush(new DefaultLastHttpContent(Unpooled.wrappedBuffer(bytes)));
                    if (!keepAlive) {
                        done.addListener(ChannelFutureListener.CLOSE);
                    }
                });
            }
        }

        /** Writes a whole response. */
        void whole(final int status, final byte[] json) {
            if (ended.compareAndSet(false, true)) {
                ch.closeFuture().removeListener(abortOnClose);
                deferWrite(ch, () -> send(ch, keepAlive, HttpResponseStatus.valueOf(status), JSON_TYPE, json));
            }
        }

        /** The request was aborted: the connection is gone or must go (the response cannot be completed). */
        void abandon() {
            if (ended.compareAndSet(false, true)) {
                ch.close();
            }
        }
    }

    /** What both kinds of answer know of their request. */
    private abstract class Answer implements SimEngine.Client {
        final Exchange exchange;
        final String id;
        final long created;
        final CompletionParams p;

        Answer(final Exchange exchange, final String id, final long created, final CompletionParams p) {
            this.exchange = exchange;
            this.id = id;
            this.created = created;
            this.p = p;
        }

        /** A {@code text_completion} object of this request, as JSON. */
        final byte[] completion(final List<Wire.Choice> choices, final Wire.Usage usage) {
            return json(new Wire.Completion(id, "text_completion", created, settings.servedModelName(), choices, usage));
        }

        /** vLLM's error object for a request the server could not finish, as JSON. */
        final byte[] failure(final String message) {
            return json(new ApiError(500, "InternalServerError", null, message).body());
        }
    }

    /**
     * A streamed request: a chunk per {@code --stream-interval} tokens (the first token and the finish at once),
     * then the usage chunk if asked, then {@code [DONE]}.
     */
    private final class Streaming extends Answer {
        /** Text of the tokens generated but not sent yet (more than one only with a stream interval above 1). */
        private final StringBuilder pending = new StringBuilder();
        private int sent;

        Streaming(final Exchange exchange, final String id, final long created, final CompletionParams p) {
            super(exchange, id, created, p);
        }

        @Override
        public void onToken(final int index, final FinishReason finish) {
            pending.append(finish == FinishReason.EOS ? "" : word(index));
            if (finish == null && index > 1 && index - sent < settings.streamInterval()) {
                return;
            }
            final String text = pending.toString();
            pending.setLength(0);
            sent = index;
            final Wire.Usage usage = p.continuousUsage() ? Wire.Usage.of(p.promptTokens(), index) : null;
            final byte[] chunk = event(completion(List.of(new Wire.Choice(0, text, null,
                    finish == null ? null : Wire.finishReason(finish), null)), usage));
            if (finish == null) {
                exchange.chunk(chunk);
            } else if (p.includeUsage()) {
                exchange.lastChunk(concat(chunk, event(completion(List.of(), Wire.Usage.of(p.promptTokens(), index))), DONE));
            } else {
                exchange.lastChunk(concat(chunk, DONE));
            }
        }

        @Override
        public void onEnd(final FinishReason reason, final String message) {
            if (reason == FinishReason.ABORT) {
                exchange.abandon();
            } else {
                // vLLM reports an error inside a stream as a data line holding its error object, then [DONE].
                exchange.lastChunk(concat(event(failure(message)), DONE));
            }
        }
    }

    /** A non-streamed request: one body once it has finished. */
    private final class Whole extends Answer {
        Whole(final Exchange exchange, final String id, final long created, final CompletionParams p) {
            super(exchange, id, created, p);
        }

        @Override
        public void onToken(final int index, final FinishReason finish) {
            if (finish != null) {
                exchange.whole(200, completion(List.of(new Wire.Choice(0, text(index, finish), null,
                        Wire.finishReason(finish), null)), Wire.Usage.of(p.promptTokens(), index)));
            }
        }

        @Override
        public void onEnd(final FinishReason reason, final String message) {
            if (reason == FinishReason.ABORT) {
                exchange.abandon();
            } else {
                exchange.whole(500, failure(message));
            }
        }
    }

    private static byte[] concat(final byte[]... parts) {
        int size = 0;
        for (final byte[] p : parts) {
            size += p.length;
        }
        final byte[] out = new byte[size];
        int at = 0;
        for (final byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
