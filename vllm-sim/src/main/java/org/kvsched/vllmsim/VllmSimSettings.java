package org.kvsched.vllmsim;

import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.workload.EosModel;

/**
 * How a vllm-sim server is set up: the deployment it models and the vLLM server flags that matter to an
 * external scheduler (docs/vllm-sim.md).
 *
 * @param profile             the deployment: execution-time model and KV geometry (capacity in tokens, block size)
 * @param servedModelName     the name clients send as {@code model} and {@code /v1/models} lists (vLLM's
 *                            {@code --served-model-name})
 * @param host                interface to listen on
 * @param port                TCP port; 0 picks a free one ({@link VllmSimServer#port()} says which)
 * @param speed               how much faster than modelled time the server runs: wall time = modelled time / speed; &gt; 0
 * @param maxNumSeqs          cap on running requests (vLLM's {@code --max-num-seqs})
 * @param maxNumBatchedTokens token budget per iteration (vLLM's {@code --max-num-batched-tokens})
 * @param maxModelLen         longest prompt + {@code max_tokens} accepted, tokens (vLLM's {@code --max-model-len});
 *                            at most the KV capacity, so every accepted request fits the cache alone
 * @param eos                 output lengths of requests without {@code ignore_eos} (the emulated EOS) and their seed
 * @param streamInterval      tokens per streamed chunk (vLLM's {@code --stream-interval}): a chunk leaves once this many
 *                            tokens are pending; the first token and the finish always leave at once; &gt;= 1
 */
public record VllmSimSettings(ModelProfile profile, String servedModelName, String host, int port, double speed,
                              int maxNumSeqs, int maxNumBatchedTokens, int maxModelLen, EosModel eos, int streamInterval) {

    /** vLLM's default {@code --max-num-seqs} for its OpenAI server on an A100. */
    public static final int DEFAULT_MAX_NUM_SEQS = 256;
    /** vLLM's default {@code --max-num-batched-tokens} for its OpenAI server on an A100 (chunked prefill). */
    public static final int DEFAULT_MAX_NUM_BATCHED_TOKENS = 2048;
    /** Default output-length distribution without {@code ignore_eos}: median 200 tokens (README, {@code --eos}). */
    public static final String DEFAULT_EOS = "lognormal:200:1:1:4096";

    public VllmSimSettings {
        if (profile == null || servedModelName == null || servedModelName.isBlank() || host == null || eos == null) {
            throw new IllegalArgumentException("vllm-sim: profile, served model name, host and eos model are required");
        }
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("vllm-sim: --speed must be a finite number > 0, got " + speed);
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("vllm-sim: --port must be in 0..65535, got " + port);
        }
        if (maxNumSeqs < 1) {
            throw new IllegalArgumentException("vllm-sim: --max-num-seqs must be >= 1, got " + maxNumSeqs);
        }
        if (maxNumBatchedTokens < 1) {
            throw new IllegalArgumentException("vllm-sim: --max-num-batched-tokens must be >= 1, got " + maxNumBatchedTokens);
        }
        if (maxModelLen < 2 || maxModelLen > profile.kvCapacityTokens()) {
            // vLLM refuses to start when one request of max_model_len tokens cannot fit the KV cache.
            throw new IllegalArgumentException("vllm-sim: --max-model-len must be in 2.." + profile.kvCapacityTokens()
                    + " (the KV capacity in tokens), got " + maxModelLen);
        }
        if (streamInterval < 1) {
            throw new IllegalArgumentException("vllm-sim: --stream-interval must be >= 1, got " + streamInterval);
        }
    }

    /** The same settings without the stream interval (one token per chunk, vLLM's default). */
    public VllmSimSettings(final ModelProfile profile, final String servedModelName, final String host, final int port, final double speed,
                           final int maxNumSeqs, final int maxNumBatchedTokens, final int maxModelLen, final EosModel eos) {
        this(profile, servedModelName, host, port, speed, maxNumSeqs, maxNumBatchedTokens, maxModelLen, eos, 1);
    }

    /**
     * The defaults for {@code profile}: served under its own name on 127.0.0.1:8000, real time, vLLM's
     * server limits, max model length = the smaller of the profile's context and its KV capacity,
     * {@link #DEFAULT_EOS} with seed 0.
     */
    public static VllmSimSettings defaults(final ModelProfile profile) {
        return new VllmSimSettings(profile, profile.name(), "127.0.0.1", 8000, 1.0, DEFAULT_MAX_NUM_SEQS,
                DEFAULT_MAX_NUM_BATCHED_TOKENS, Math.min(profile.maxContextTokens(), profile.kvCapacityTokens()),
                EosModel.parse(DEFAULT_EOS, 0));
    }

    /** The same settings on another port. */
    public VllmSimSettings withPort(final int newPort) {
        return new VllmSimSettings(profile, servedModelName, host, newPort, speed, maxNumSeqs, maxNumBatchedTokens,
                maxModelLen, eos, streamInterval);
    }

    /** The same settings at another speed. */
    public VllmSimSettings withSpeed(final double newSpeed) {
        return new VllmSimSettings(profile, servedModelName, host, port, newSpeed, maxNumSeqs, maxNumBatchedTokens,
                maxModelLen, eos, streamInterval);
    }

    /** The same settings with another cap on running requests. */
    public VllmSimSettings withMaxNumSeqs(final int seqs) {
        return new VllmSimSettings(profile, servedModelName, host, port, speed, seqs, maxNumBatchedTokens, maxModelLen, eos, streamInterval);
    }

    /** The same settings with another output-length model. */
    public VllmSimSettings withEos(final EosModel newEos) {
        return new VllmSimSettings(profile, servedModelName, host, port, speed, maxNumSeqs, maxNumBatchedTokens,
                maxModelLen, newEos, streamInterval);
    }

    /** The same settings with another stream interval. */
    public VllmSimSettings withStreamInterval(final int tokens) {
        return new VllmSimSettings(profile, servedModelName, host, port, speed, maxNumSeqs, maxNumBatchedTokens, maxModelLen, eos,
                tokens);
    }
}
