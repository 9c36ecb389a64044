package org.kvsched.vllmsim;

import java.util.List;

import org.kvsched.core.engine.FinishReason;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The JSON bodies vllm-sim sends, shaped as vLLM's OpenAI-compatible server shapes them
 * (docs/vllm-sim.md, "API"). Component names are written in snake case on the wire
 * ({@code finishReason} is {@code finish_reason}).
 */
final class Wire {

    /** The one mapper: snake-case names, nulls written (vLLM writes {@code "logprobs": null}). */
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Wire() {
    }

    /** vLLM's {@code finish_reason} for a core finish reason: an EOS is {@code stop} (with a null {@code stop_reason}). */
    static String finishReason(final FinishReason reason) {
        switch (reason) {
            case LENGTH:
                return "length";
            case EOS:
            case STOP:
                return "stop";
            case ABORT:
                return "abort";
            default:
                return "error";
        }
    }

    /**
     * Token counts of a request.
     *
     * @param promptTokens     prompt length, tokens
     * @param totalTokens      prompt + completion, tokens
     * @param completionTokens output tokens generated
     */
    record Usage(int promptTokens, int totalTokens, int completionTokens) {
        static Usage of(final int prompt, final int completion) {
            return new Usage(prompt, prompt + completion, completion);
        }
    }

    /**
     * One choice of a streamed chunk or of a full response.
     *
     * @param index        choice index (always 0: one prompt, n = 1)
     * @param text         the text of the new tokens (streaming) or of the whole output
     * @param logprobs     always null (vllm-sim computes none)
     * @param finishReason {@code length}, {@code stop}, {@code abort}, or null while the choice goes on
     * @param stopReason   the stop string or token that ended the choice; always null here (an EOS gives null too)
     */
    record Choice(int index, String text, Object logprobs, String finishReason, Object stopReason) {
    }

    /**
     * A {@code text_completion} object: one SSE chunk, or the whole non-streaming body.
     *
     * @param id      {@code cmpl-...}, the same on every chunk of a request
     * @param object  always {@code text_completion}
     * @param created the request's arrival, Unix seconds
     * @param model   the served model name
     * @param choices the choice(s); empty on the final usage chunk
     * @param usage   token counts: on the final usage chunk and the non-streaming body, else omitted
     */
    record Completion(String id, String object, long created, String model, List<Choice> choices,
                      @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage) {
    }

    /**
     * vLLM's error details.
     *
     * @param message one line
     * @param type    {@code BadRequestError}, {@code NotFoundError}, {@code InternalServerError}
     * @param param   the request field at fault, or null
     * @param code    the HTTP status
     */
    record ErrorInfo(String message, String type, String param, int code) {
    }

    /** vLLM's error body, also sent as an SSE {@code data:} line when a stream fails. */
    record ErrorResponse(ErrorInfo error) {
    }

    /**
     * One entry of {@code GET /v1/models}.
     *
     * @param id          the served model name
     * @param object      always {@code model}
     * @param created     server start, Unix seconds
     * @param ownedBy     always {@code vllm}
     * @param root        the model the name serves (here the kvsched profile name)
     * @param parent      always null
     * @param maxModelLen longest prompt + max_tokens accepted, tokens
     * @param permission  empty
     */
    record ModelCard(String id, String object, long created, String ownedBy, String root, String parent,
                     int maxModelLen, List<Object> permission) {
    }

    /**
     * The body of {@code GET /v1/models}.
     *
     * @param object always {@code list}
     * @param data   the served model
     */
    record ModelList(String object, List<ModelCard> data) {
    }

    /** The body FastAPI (vLLM's web framework) sends for an unknown path or a wrong method. */
    record Detail(String detail) {
    }
}
