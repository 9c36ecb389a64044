package org.kvsched.core.workload;

import java.util.List;

/**
 * Decodes the fields of one line of a JSON-lines trace ({@link TraceFormat#MOONCAKE_JSONL}).
 *
 * <p>scheduler-core holds no JSON code: {@link Workloads#readTrace} finds the implementation with
 * {@link java.util.ServiceLoader}, and module {@code reports} provides one on Jackson. The trace reader keeps the
 * checks of the values (numbers, ranges) and the {@code file:line} of every error. Implementations must
 * be stateless and thread-safe.
 */
public interface JsonLineFields {

    /**
     * The values of {@code keys} in the JSON object on {@code line}, in the order of {@code keys}: a number
     * as its decimal text, any other value as its JSON text (a string with its quotes); {@code null} for a
     * key the object lacks.
     *
     * @param line one line of the file, trimmed, not blank
     * @param keys the keys wanted
     * @throws IllegalArgumentException when the line is not exactly one JSON object; the message says why
     *                                  and names neither the file nor the line, which the caller adds
     */
    String[] values(String line, List<String> keys);
}
