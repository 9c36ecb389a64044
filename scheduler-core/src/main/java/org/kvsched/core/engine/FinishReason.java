package org.kvsched.core.engine;

import java.util.Locale;

/** Why a worker ended a request, as an inference server reports it (vLLM's {@code finish_reason}, extended). */
public enum FinishReason {
    /** The {@code max_tokens} cap was reached. */
    LENGTH,
    /** The model emitted its end-of-sequence token before the cap. */
    EOS,
    /** A stop string or stop token matched. */
    STOP,
    /** The request was cancelled (a client or an operator aborted it). */
    ABORT,
    /** The worker could not serve it (an HTTP error, a timeout, a server that went away); the report says why. */
    ERROR;

    /** The lower-case wire name ({@code length}, {@code eos}, ...). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; fails naming the accepted values. */
    public static FinishReason parse(final String name) {
        for (final FinishReason r : values()) {
            if (r.wireName().equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown finish reason '" + name + "'; accepted: length, eos, stop, abort, error");
    }
}
