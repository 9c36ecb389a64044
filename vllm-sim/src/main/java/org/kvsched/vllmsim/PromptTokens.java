package org.kvsched.vllmsim;

/**
 * The simulated tokenizer: a text prompt of n Unicode code points is ceil(n / 4) tokens (at least 1),
 * about what a BPE tokenizer such as Llama-2's gives for English text. Deterministic and free of any
 * vocabulary; a token-id prompt is simply its length.
 */
final class PromptTokens {

    /** Characters per token of the simulated tokenizer. */
    static final int CHARS_PER_TOKEN = 4;

    private PromptTokens() {
    }

    /** Tokens of a non-empty text prompt. */
    static int count(final String text) {
        final int chars = text.codePointCount(0, text.length());
        return Math.max(1, (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN);
    }
}
