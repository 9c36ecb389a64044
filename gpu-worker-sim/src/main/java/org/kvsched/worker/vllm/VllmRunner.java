package org.kvsched.worker.vllm;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.FinishReason;
import org.kvsched.core.engine.PlanEntry;
import org.kvsched.core.engine.StepReport;
import org.kvsched.core.engine.TokenProgress;
import org.kvsched.core.kv.KvCache;
import org.kvsched.worker.run.PlanRunner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The vLLM worker adapter: runs kvsched's plans on vLLM servers through their OpenAI-compatible HTTP API
 * (docs/vllm-adapter.md).
 *
 * <p>A server batches by itself, iteration by iteration, so a plan is read as an admission-control instruction: a
 * request of the plan that is not streaming yet is sent as a streaming {@code POST /v1/completions} (a token-id prompt
 * of its prompt length, plus the output it kept if it was preempted; {@code max_tokens} = the cap left); a request the
 * plan preempted has its stream closed, which makes vLLM abort it and free its KV; a re-admission sends it again. Its
 * streams go on between plans. The report of a plan is sent as soon as a first token or a finish is there to tell, else
 * after {@link VllmSettings#reportMs}; it gives each running request of the plan the tokens counted since the previous
 * report, at most what the plan reserved KV for (the rest wait for the next plan, so the scheduler's KV accounting never
 * runs ahead of its own plans), and a finished request all its tokens and the finish (its KV is freed with it). An HTTP error, a broken connection or a
 * silent stream finishes that request with reason {@code error} and the cause; the run goes on.
 *
 * <p>A background thread scrapes each server's {@code /metrics} and the adapter puts the server's KV use beside
 * kvsched's accounting of the same requests; it warns once when the server preempts on its own (kvsched's capacity
 * is then set larger than the server's). Plans are accepted on the worker's loop thread only.
 */
public final class VllmRunner implements PlanRunner {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long LOG_EVERY_MS = 10_000;
    private static final long ACCOUNT_EVERY_MS = 100;

    private final VllmSettings settings;
    private final HttpClient http;
    private final Map<URI, String> models = new ConcurrentHashMap<>();
    private final Map<Integer, Replica> replicas = new HashMap<>();
    private final AtomicBoolean news = new AtomicBoolean();
    private final Map<URI, ServerMetrics> serverMetrics = new ConcurrentHashMap<>();
    private final AtomicBoolean warnedPreemption = new AtomicBoolean();
    private final ScheduledExecutorService scraper;
    private final ExecutorService sender = Executors.newCachedThreadPool(r -> {
        final Thread t = new Thread(r, "vllm-send");
        t.setDaemon(true);
        return t;
    });
    private long started;
    private long aborted;
    private long errors;
    private long timedOut;
    private double serverKvPeak;
    private double kvschedKvPeak;
    private long lastLogMs;
    private long lastAccountMs;

    /** One replica's streams and the plan whose report is pending. */
    private static final class Replica {
        final Map<Long, ServerStream> streams = new LinkedHashMap<>();
        BatchPlan plan;
        long planReceivedMs;
    }

    /** An adapter that has not connected yet: {@link #open} connects. Reads nothing but its settings. */
    public VllmRunner(final VllmSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        this.scraper = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "vllm-metrics");
            t.setDaemon(true);
            return t;
        });
    }

    /** A connected adapter ({@link #open} done). */
    public static VllmRunner start(final VllmSettings settings) {
        final VllmRunner runner = new VllmRunner(settings);
        runner.open();
        return runner;
    }

    /**
     * Connects to every server (retrying a refused connection with backoff for {@link VllmSettings#connectTimeoutMs}),
     * learns its served model and starts the {@code /metrics} scrape.
     *
     * @throws IllegalArgumentException naming {@code vllm.url} or {@code vllm.model} when a server never answers or
     *                                  does not serve the configured model
     */
    @Override
    public void open() {
        for (final URI url : new LinkedHashSet<>(settings.urls())) {
            models.put(url, servedModel(http, url, settings));
        }
        if (settings.metricsMs() > 0) {
            scraper.scheduleWithFixedDelay(this::scrape, 0, settings.metricsMs(), TimeUnit.MILLISECONDS);
        }
    }

    /** The model {@code url} serves that {@code settings} asks for (see {@link #open} for the retries and errors). */
    static String servedModel(final HttpClient http, final URI url, final VllmSettings settings) {
        final long deadline = System.currentTimeMillis() + settings.connectTimeoutMs();
        long backoffMs = 250;
        while (true) {
            try {
                final HttpResponse<String> r = http.send(HttpRequest.newBuilder(url.resolve("/v1/models"))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IOException("GET /v1/models answered HTTP " + r.statusCode());
                }
                final List<String> served = new ArrayList<>();
                JSON.readTree(r.body()).path("data").forEach(m -> served.add(m.path("id").asText()));
                if (settings.model().isEmpty()) {
                    if (served.isEmpty()) {
                        throw new IllegalArgumentException("config: key 'vllm.url': " + url + " serves no model (GET /v1/models is empty)");
                    }
                    return served.get(0);
                }
                if (!served.contains(settings.model())) {
                    throw new IllegalArgumentException("config: key 'vllm.model' is '" + settings.model() + "' but " + url
                            + " serves " + served);
                }
                return settings.model();
            } catch (final IOException e) {
                if (System.currentTimeMillis() + backoffMs > deadline) {
                    throw new IllegalArgumentException("config: key 'vllm.url': no vLLM server answered at " + url + " within "
                            + settings.connectTimeoutMs() + " ms (" + ServerStream.describe(e) + ")", e);
                }
                System.err.println("vllm: " + url + " does not answer yet (" + ServerStream.describe(e) + "); retrying in "
                        + backoffMs + " ms");
                sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 4_000);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while connecting to " + url, e);
            }
        }
    }

    @Override
    public void accept(final BatchPlan plan, final Map<Long, ByteBuffer> payloads, final long wallMs) {
        final Replica r = replicas.computeIfAbsent(plan.replicaId(), id -> new Replica());
        for (final long id : plan.preempted()) {
            final ServerStream s = r.streams.remove(id);
            if (s != null) {
                s.cancel();
                aborted++;
            }
        }
        for (final PlanEntry e : plan.entries()) {
            if (!r.streams.containsKey(e.requestId())) {
                r.streams.put(e.requestId(), send(plan.replicaId(), e, wallMs));
            }
        }
        r.plan = plan;
        r.planReceivedMs = wallMs;
    }

    /** Sends one request; the stream counts its tokens from now on. */
    private ServerStream send(final int replicaId, final PlanEntry e, final long wallMs) {
        final int prompt = e.promptTokens() + e.generatedBefore();
        final int maxTokens = e.maxTokens() - e.generatedBefore();
        final ServerStream stream = new ServerStream(e.requestId(), prompt, e.generatedBefore(), maxTokens, wallMs, () -> news.set(true));
        final URI url = settings.urlOf(replicaId);
        final HttpRequest request = completionRequest(url, models.get(url), e.requestId(), prompt, maxTokens, settings.ignoreEos());
        // The JDK client sets up a new connection on the calling thread (about 6 ms each, measured): send from a
        // thread of our own so that a plan admitting many requests does not hold up the reports of the others.
        sender.execute(() -> stream(http, request, stream));
        started++;
        return stream;
    }

    /**
     * The streaming {@code POST /v1/completions} of one request without text: a token-id prompt of {@code prompt}
     * tokens ({@link #promptTokenIds}), {@code max_tokens}, usage on every chunk, and for a trace replay
     * ({@code ignoreEos}) {@code ignore_eos} with {@code min_tokens = max_tokens}, so the server generates exactly the cap.
     */
    static HttpRequest completionRequest(final URI url, final String model, final long requestId, final int prompt, final int maxTokens,
                                         final boolean ignoreEos) {
        final ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        final ArrayNode ids = body.putArray("prompt");
        for (final int t : promptTokenIds(requestId, prompt)) {
            ids.add(t);
        }
        body.put("max_tokens", maxTokens);
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true).put("continuous_usage_stats", true);
        if (ignoreEos) {
            body.put("ignore_eos", true);
            body.put("min_tokens", maxTokens);
        }
        return HttpRequest.newBuilder(url.resolve("/v1/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    }

    /** Sends {@code request} and feeds its event stream (or its HTTP error, or a failed connection) to {@code stream}. */
    static void stream(final HttpClient http, final HttpRequest request, final ServerStream stream) {
        http.sendAsync(request, info -> info.statusCode() == 200
                        ? HttpResponse.BodySubscribers.fromLineSubscriber(stream)
                        : HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8), text -> {
                            stream.finishIfOpen(FinishReason.ERROR, "HTTP " + info.statusCode() + ": " + errorMessage(text),
                                    System.currentTimeMillis());
                            return null;
                        }))
                .whenComplete((response, failure) -> {
                    if (failure != null) {
                        stream.onError(failure);
                    }
                });
    }

    /**
     * A token-id prompt of {@code n} tokens for a request that came without text: ids drawn from the request id, so
     * that different requests do not share a prefix (which a server's prefix cache would reward) while a resent
     * request repeats its own prompt, as a real client's would.
     */
    static int[] promptTokenIds(final long requestId, final int n) {
        final int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 1000 + (int) Math.floorMod(requestId * 7919L + i * 104_729L, 20_000L);
        }
        return ids;
    }

    private static String errorMessage(final String body) {
        try {
            final JsonNode n = JSON.readTree(body);
            if (n.path("error").has("message")) {
                return n.path("error").path("message").asText();
            }
            if (n.has("detail")) {
                return n.path("detail").asText();
            }
        } catch (final IOException | RuntimeException e) {
            // Not JSON: the body itself says it.
        }
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    @Override
    public List<StepReport> due(final long wallMs) {
        news.set(false);
        final List<StepReport> out = new ArrayList<>();
        for (final Map.Entry<Integer, Replica> en : replicas.entrySet()) {
            final Replica r = en.getValue();
            expireSilentStreams(r, wallMs);
            if (r.plan != null && (hasNews(r) || wallMs - r.planReceivedMs >= settings.reportMs())) {
                out.add(report(r, wallMs));
                r.plan = null;
            }
        }
        account(wallMs);
        return out;
    }

    @Override
    public long nextDueMs() {
        long next = Long.MAX_VALUE;
        for (final Replica r : replicas.values()) {
            if (r.plan != null) {
                next = Math.min(next, hasNews(r) ? 0 : r.planReceivedMs + settings.reportMs());
            }
        }
        return next;
    }

    /** Something in the pending plan that the scheduler should hear at once: a first token or a finish it may report. */
    private static boolean hasNews(final Replica r) {
        for (final PlanEntry e : r.plan.entries()) {
            final ServerStream s = r.streams.get(e.requestId());
            if (s != null && (s.finish() != null || (s.reported() == 0 && s.unreported() > 0 && allowed(r.plan, e) > 0))) {
                return true;
            }
        }
        return false;
    }

    /** Output tokens the plan lets the report give this entry: what the scheduler reserved KV for. */
    private static int allowed(final BatchPlan plan, final PlanEntry e) {
        return e.emitsToken() ? Math.min(1 + plan.maxDecodeContinuation(), e.maxTokens() - e.generatedBefore()) : 0;
    }

    private StepReport report(final Replica r, final long wallMs) {
        final BatchPlan plan = r.plan;
        final long end = Math.max(plan.startUs(), settings.schedulerUs(wallMs));
        final List<TokenProgress> progress = new ArrayList<>();
        for (final PlanEntry e : plan.entries()) {
            final ServerStream s = r.streams.get(e.requestId());
            if (s == null) {
                continue;
            }
            // A finished stream is reported whole: the scheduler frees its KV with this report.
            final int tokens = s.finish() != null ? s.unreported() : Math.min(s.unreported(), allowed(plan, e));
            final long first = s.reported() == 0 && tokens > 0
                    ? Math.min(end, Math.max(plan.startUs(), settings.schedulerUs(s.firstTokenWallMs()))) : TokenProgress.NONE;
            s.markReported(tokens);
            FinishReason finish = null;
            String message = "";
            if (s.fullyReported()) {
                finish = s.finish();
                message = s.message();
                r.streams.remove(e.requestId());
                if (finish == FinishReason.ERROR) {
                    errors++;
                }
            } else if (s.generatedBefore() + s.reported() >= e.maxTokens()) {
                // The cap is reached: the scheduler completes it with this report; the server's stream ends by itself.
                r.streams.remove(e.requestId());
            }
            if (tokens > 0 || finish != null) {
                progress.add(new TokenProgress(e.requestId(), tokens, first, finish, message));
            }
        }
        return new StepReport(plan.replicaId(), plan.planId(), plan.startUs(), new long[] {end}, progress);
    }

    private void expireSilentStreams(final Replica r, final long wallMs) {
        for (final ServerStream s : r.streams.values()) {
            if (s.finish() == null && wallMs - s.lastActivityMs() > settings.requestTimeoutMs()) {
                s.finishIfOpen(FinishReason.ERROR, "no data from the server for " + settings.requestTimeoutMs() + " ms", wallMs);
                s.cancel();
                timedOut++;
            }
        }
    }

    /** kvsched's accounting of the streams beside the servers' own KV figure; a line every 10 s. */
    private void account(final long wallMs) {
        // Not on every loop turn: the sum runs over every stream, and the server's figure changes once a scrape.
        if (wallMs - lastAccountMs < ACCOUNT_EVERY_MS) {
            return;
        }
        lastAccountMs = wallMs;
        final int capacity = settings.kvCapacityTokens() / settings.blockSize();
        double worst = 0;
        final StringBuilder line = new StringBuilder();
        for (final Map.Entry<Integer, Replica> en : replicas.entrySet()) {
            long blocks = 0;
            for (final ServerStream s : en.getValue().streams.values()) {
                // As the scheduler counts: the newest token's KV is written by the next iteration.
                final long cached = (long) s.promptSent() + s.reported() - (s.reported() > 0 ? 1 : 0);
                blocks += KvCache.blocksFor(cached, settings.blockSize());
            }
            final double ours = capacity > 0 ? (double) blocks / capacity : 0;
            worst = Math.max(worst, ours);
            final ServerMetrics m = serverMetrics.get(settings.urlOf(en.getKey()));
            if (m != null) {
                line.append(String.format(" replica %d: server KV %.1f%% (kvsched %.1f%%), running %.0f, waiting %.0f;",
                        en.getKey(), 100 * m.kvUsage(), 100 * ours, m.running(), m.waiting()));
            }
        }
        kvschedKvPeak = Math.max(kvschedKvPeak, worst);
        if (line.length() > 0 && wallMs - lastLogMs >= LOG_EVERY_MS) {
            lastLogMs = wallMs;
            System.err.println("vllm:" + line);
        }
    }

    private void scrape() {
        for (final URI url : models.keySet()) {
            try {
                final HttpResponse<String> r = http.send(HttpRequest.newBuilder(url.resolve("/metrics"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    continue;
                }
                final ServerMetrics m = ServerMetrics.parse(r.body());
                serverMetrics.put(url, m);
                synchronized (this) {
                    if (!Double.isNaN(m.kvUsage())) {
                        serverKvPeak = Math.max(serverKvPeak, m.kvUsage());
                    }
                }
                if (m.preemptions() > 0 && warnedPreemption.compareAndSet(false, true)) {
                    System.err.println("vllm: WARNING " + url + " preempted requests on its own (vllm:num_preemptions_total = "
                            + (long) m.preemptions() + "): kvsched's KV capacity (" + settings.kvCapacityTokens()
                            + " tokens, key kv.capacity) is larger than the server's; lower it or pin the server's with"
                            + " --num-gpu-blocks-override");
                }
            } catch (final IOException e) {
                // A missed scrape only delays the comparison.
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Requests sent so far (admissions and re-admissions). */
    public long started() {
        return started;
    }

    /** Streams closed because the scheduler preempted their request. */
    public long aborted() {
        return aborted;
    }

    /** Requests finished with reason {@code error}. */
    public long errors() {
        return errors;
    }

    @Override
    public synchronized String summary() {
        final StringBuilder s = new StringBuilder(String.format("vllm adapter: %d requests sent, %d streams aborted on preemption,"
                + " %d finished with error (%d silent), kvsched KV accounting peak %.1f%%", started, aborted, errors, timedOut,
                100 * kvschedKvPeak));
        if (!serverMetrics.isEmpty()) {
            double preemptions = 0;
            for (final ServerMetrics m : serverMetrics.values()) {
                preemptions += Double.isNaN(m.preemptions()) ? 0 : m.preemptions();
            }
            s.append(String.format(", server KV peak %.1f%%, server's own preemptions %.0f", 100 * serverKvPeak, preemptions));
        }
        return s.toString();
    }

    @Override
    public void close() {
        scraper.shutdownNow();
        sender.shutdownNow();
        for (final Replica r : replicas.values()) {
            for (final Iterator<ServerStream> it = r.streams.values().iterator(); it.hasNext(); ) {
                it.next().cancel();
                it.remove();
            }
        }
    }

    private static void sleep(final long ms) {
        try {
            Thread.sleep(ms);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
