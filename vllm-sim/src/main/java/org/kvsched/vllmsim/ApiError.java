package org.kvsched.vllmsim;

/**
 * A request vLLM would refuse, with the HTTP status and error type vLLM answers with. The body is vLLM's
 * error object, {@code {"error": {"message", "type", "param", "code"}}} (the v0.12-era shape; v0.10-era
 * servers answered with the same fields flat, beside {@code "object": "error"}).
 */
final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String param;

    /**
     * @param status  HTTP status (400 for a bad request, 404 for an unknown model)
     * @param type    vLLM's error type name ({@code BadRequestError}, {@code NotFoundError}, ...)
     * @param param   the request field at fault, or null
     * @param message one line for the client
     */
    ApiError(final int status, final String type, final String param, final String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
    }

    /** A 400 {@code BadRequestError} about {@code param} (may be null). */
    static ApiError badRequest(final String param, final String message) {
        return new ApiError(400, "BadRequestError", param, message);
    }

    int status() {
        return status;
    }

    String type() {
        return type;
    }

    /** The field at fault, or null. */
    String param() {
        return param;
    }

    /** The body vLLM sends for this error. */
    Wire.ErrorResponse body() {
        return new Wire.ErrorResponse(new Wire.ErrorInfo(getMessage(), type, param, status));
    }
}
