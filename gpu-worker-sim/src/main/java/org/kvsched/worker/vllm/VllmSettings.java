package org.kvsched.worker.vllm;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.kvsched.core.exec.ModelProfile;
import org.kvsched.pipeline.service.ServiceConfig;

/**
 * How the vLLM worker adapter reaches its servers and turns their streams into reports (docs/vllm-adapter.md).
 *
 * @param urls              base URLs of the servers, e.g. {@code http://127.0.0.1:8000}; replica r is served by
 *                          {@code urls[r % urls.size()]} (one server per replica is the intended deployment)
 * @param model             the served model name sent as {@code model}; empty: the first one {@code /v1/models} lists
 * @param ignoreEos         trace replay: {@code ignore_eos} and {@code min_tokens = max_tokens}, so every request
 *                          generates exactly its cap, as the trace row did; false for real prompts
 * @param requestTimeoutMs  a request that sends nothing for this long is finished with reason {@code error}, wall ms
 * @param connectTimeoutMs  how long the adapter keeps retrying a server that refuses connections at start, wall ms
 * @param reportMs          the longest a plan waits for its report when nothing happens, wall ms; a first token or
 *                          a finish is reported at once
 * @param metricsMs         period of the {@code /metrics} scrape, wall ms (0: never)
 * @param kvCapacityTokens  kvsched's KV capacity per replica, tokens (to put kvsched's accounting beside the server's)
 * @param blockSize         kvsched's block size, tokens
 * @param epochMs           wall time of scheduler time 0, epoch ms (the scheduler's {@code live.epoch.ms})
 * @param speed             scheduler seconds per wall second (the scheduler's {@code live.speed}; the server must
 *                          run at the same speed, e.g. {@code vllm-sim --speed})
 */
public record VllmSettings(List<URI> urls, String model, boolean ignoreEos, long requestTimeoutMs, long connectTimeoutMs,
                           long reportMs, long metricsMs, int kvCapacityTokens, int blockSize, long epochMs, double speed) {

    public VllmSettings {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("config: key 'vllm.url' is required with worker=vllm (e.g. http://127.0.0.1:8000)");
        }
        if (requestTimeoutMs < 1 || connectTimeoutMs < 0 || reportMs < 1 || metricsMs < 0) {
            throw new IllegalArgumentException("config: keys 'vllm.timeout.ms', 'vllm.report.ms' must be >= 1 and "
                    + "'vllm.connect.timeout.ms', 'vllm.metrics.ms' >= 0");
        }
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("config: key 'live.speed' must be > 0, got " + speed);
        }
    }

    /** Reads the {@code vllm.*} keys (and the scheduler's {@code live.epoch.ms}, {@code live.speed}). */
    public static VllmSettings fromConfig(final ServiceConfig config, final ModelProfile profile) {
        final List<URI> urls = new ArrayList<>();
        for (final String u : config.require("vllm.url").split(",")) {
            final String url = u.trim().replaceAll("/+$", "");
            if (url.isEmpty()) {
                continue;
            }
            final URI uri;
            try {
                uri = URI.create(url);
            } catch (final IllegalArgumentException e) {
                throw new IllegalArgumentException("config: key 'vllm.url' has a bad URL '" + url + "': " + e.getMessage(), e);
            }
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException("config: key 'vllm.url' must be http(s)://host:port, got '" + url + "'");
            }
            urls.add(uri);
        }
        final String ignore = config.get("vllm.ignore-eos", "true");
        if (!ignore.equals("true") && !ignore.equals("false")) {
            throw new IllegalArgumentException("config: key 'vllm.ignore-eos' must be true or false, got '" + ignore + "'");
        }
        return new VllmSettings(urls, config.get("vllm.model", ""), Boolean.parseBoolean(ignore),
                config.getLong("vllm.timeout.ms", 600_000L), config.getLong("vllm.connect.timeout.ms", 30_000L),
                config.getLong("vllm.report.ms", 5L), config.getLong("vllm.metrics.ms", 1_000L),
                profile.kvCapacityTokens(), profile.blockSize(), config.getLong("live.epoch.ms", 0L),
                config.getDouble("live.speed", 1.0));
    }

    /** The server of replica {@code replicaId}. */
    public URI urlOf(final int replicaId) {
        return urls.get(Math.floorMod(replicaId, urls.size()));
    }

    /** Scheduler time of a wall time in epoch ms, microseconds (the scheduler's own conversion). */
    public long schedulerUs(final long wallMs) {
        return Math.round((wallMs - epochMs) * 1000.0 * speed);
    }
}
