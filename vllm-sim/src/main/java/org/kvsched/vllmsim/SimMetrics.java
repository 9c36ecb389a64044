package org.kvsched.vllmsim;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Supplier;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * vllm-sim's {@code /metrics}: the vLLM v1 metrics an external scheduler reads, with vLLM's names, types,
 * labels ({@code model_name}, {@code engine}) and histogram buckets (vLLM's {@code vllm/v1/metrics}), in the
 * Prometheus text format written by the official Prometheus Java client. Counters are exposed with the
 * {@code _total} suffix, as vLLM's are.
 *
 * <p>Times are wall-clock seconds as a client sees them (at {@code --speed} X they are the modelled times / X).
 * Thread-safe: the engine records, HTTP threads scrape. Each server has its own registry.
 */
final class SimMetrics {

    /** vLLM's buckets for time to first token, seconds. */
    static final double[] TTFT_BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5,
        5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0};
    /** vLLM's buckets for request latencies (end to end), seconds. */
    static final double[] REQUEST_LATENCY_BUCKETS = {0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0,
        40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};

    /** The engine index label vLLM adds beside the model name (one engine here). */
    static final String ENGINE = "0";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final String model;
    private final Counter preemptions;
    private final Counter promptTokens;
    private final Counter generationTokens;
    private final Counter success;
    private final Histogram ttft;
    private final Histogram e2e;

    /**
     * @param modelName the served model name (label {@code model_name})
     * @param state     the engine's latest state, read at each scrape
     */
    SimMetrics(final String modelName, final Supplier<SimEngine.Stats> state) {
        this.model = modelName;
        GaugeWithCallback.builder().name("vllm:num_requests_running").help("Number of requests in model execution batches.")
                .labelNames("model_name", "engine").callback(cb -> cb.call(state.get().running(), model, ENGINE))
                .register(registry);
        GaugeWithCallback.builder().name("vllm:num_requests_waiting").help("Number of requests waiting to be processed.")
                .labelNames("model_name", "engine").callback(cb -> cb.call(state.get().waiting(), model, ENGINE))
                .register(registry);
        GaugeWithCallback.builder().name("vllm:kv_cache_usage_perc").help("KV-cache usage. 1 means 100 percent usage.")
                .labelNames("model_name", "engine").callback(cb -> cb.call(state.get().kvUsage(), model, ENGINE))
                .register(registry);
        preemptions = Counter.builder().name("vllm:num_preemptions").help("Cumulative number of preemption from the engine.")
                .labelNames("model_name", "engine").register(registry);
        promptTokens = Counter.builder().name("vllm:prompt_tokens").help("Number of prefill tokens processed.")
                .labelNames("model_name", "engine").register(registry);
        generationTokens = Counter.builder().name("vllm:generation_tokens").help("Number of generation tokens processed.")
                .labelNames("model_name", "engine").register(registry);
        success = Counter.builder().name("vllm:request_success").help("Count of successfully processed requests.")
                .labelNames("model_name", "engine", "finished_reason").register(registry);
        ttft = Histogram.builder().name("vllm:time_to_first_token_seconds").help("Histogram of time to first token in seconds.")
                .labelNames("model_name", "engine").classicOnly().classicUpperBounds(TTFT_BUCKETS).register(registry);
        e2e = Histogram.builder().name("vllm:e2e_request_latency_seconds").help("Histogram of e2e request latency in seconds.")
                .labelNames("model_name", "engine").classicOnly().classicUpperBounds(REQUEST_LATENCY_BUCKETS).register(registry);
        // Series appear at 0 from the start, as vLLM's do, so a scraper sees every name before any request.
        preemptions.labelValues(model, ENGINE);
        promptTokens.labelValues(model, ENGINE);
        generationTokens.labelValues(model, ENGINE);
        ttft.labelValues(model, ENGINE);
        e2e.labelValues(model, ENGINE);
    }

    /** A running request lost its KV cache and went back to the queue. */
    void preempted() {
        preemptions.labelValues(model, ENGINE).inc();
    }

    /** A request produced its first token {@code seconds} after it arrived; its prompt counts as processed. */
    void firstToken(final int prompt, final double seconds) {
        promptTokens.labelValues(model, ENGINE).inc(prompt);
        ttft.labelValues(model, ENGINE).observe(seconds);
    }

    /** Output tokens generated. */
    void generated(final int tokens) {
        generationTokens.labelValues(model, ENGINE).inc(tokens);
    }

    /**
     * A request ended.
     *
     * @param reason  vLLM's finish reason ({@code stop}, {@code length}, {@code abort})
     * @param seconds its end-to-end latency, or a negative value to record none (an abort)
     */
    void finished(final String reason, final double seconds) {
        success.labelValues(model, ENGINE, reason).inc();
        if (seconds >= 0) {
            e2e.labelValues(model, ENGINE).observe(seconds);
        }
    }

    /** The media type of {@link #write}. */
    String contentType() {
        return writer.getContentType();
    }

    /** Writes every metric in the Prometheus text format. */
    void write(final OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}
