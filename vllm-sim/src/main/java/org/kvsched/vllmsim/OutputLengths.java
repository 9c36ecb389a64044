package org.kvsched.vllmsim;

import java.util.SplittableRandom;

import org.kvsched.core.workload.EosModel;

/**
 * The emulated end-of-sequence: how many output tokens a request generates. With {@code ignore_eos} it is
 * exactly {@code max_tokens}; without, a draw from the configured distribution, clipped to
 * [max(1, min_tokens), max_tokens] (vLLM suppresses EOS before {@code min_tokens}; the cap ends a request
 * with reason {@code length}). Each draw depends only on (seed, request id), as in the core's
 * {@link EosModel}, so a server that receives the same requests in the same order gives the same lengths.
 */
final class OutputLengths {

    private final EosModel eos;

    OutputLengths(final EosModel eos) {
        this.eos = eos;
    }

    /**
     * The true output length of request {@code id}, tokens, in [max(1, minTokens), maxTokens].
     *
     * @param id        the request's id (its arrival order at this server)
     * @param minTokens {@code min_tokens}, &gt;= 0
     * @param maxTokens {@code max_tokens}, &gt;= 1
     * @param ignoreEos {@code ignore_eos}
     */
    int draw(final long id, final int minTokens, final int maxTokens, final boolean ignoreEos) {
        if (ignoreEos) {
            return maxTokens;
        }
        final SplittableRandom rng = new SplittableRandom(eos.seed() * 0x9E3779B97F4A7C15L + id * 0xBF58476D1CE4E5B9L + 0x5117);
        final int drawn = eos.lengths().sample(rng);
        return Math.max(Math.max(1, minTokens), Math.min(drawn, maxTokens));
    }
}
