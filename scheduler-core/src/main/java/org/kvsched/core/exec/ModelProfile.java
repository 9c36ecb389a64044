package org.kvsched.core.exec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A named deployment: how long iterations take and how much KV cache a replica has.
 *
 * <p>KV accounting is in tokens grouped into blocks: {@code kvCapacityTokens} is always a multiple of
 * {@code blockSize}, and the replica has {@link #kvCapacityBlocks()} = kvCapacityTokens / blockSize
 * blocks; a request holding t tokens occupies ceil(t / blockSize) blocks.
 *
 * @param name             catalog name, e.g. {@code llama2-7b-a100} (see {@link ModelCatalog})
 * @param description      one line for humans
 * @param kvCapacityTokens KV-cache capacity of one replica, tokens (&gt;= 1, multiple of blockSize)
 * @param blockSize        tokens per KV block (16 for the vLLM-style deployments, 1 for the theory model)
 * @param maxContextTokens longest context (prompt + output) a request may reach, tokens (4096 for Llama-2);
 *                         a separate limit from the capacity, which admission must also check
 * @param timeModel        iteration-time model (microseconds per iteration)
 * @param parameters       the parameters in effect, for display only, in a stable order (key -&gt; value)
 */
public record ModelProfile(
        String name,
        String description,
        int kvCapacityTokens,
        int blockSize,
        int maxContextTokens,
        ExecutionTimeModel timeModel,
        Map<String, String> parameters) {

    /** Display key of the KV capacity in {@link #parameters()} (same as the spec key). */
    public static final String KV_KEY = "kv";

    public ModelProfile {
        if (name == null || name.isBlank() || description == null || timeModel == null || parameters == null) {
            throw new IllegalArgumentException("name, description, timeModel and parameters are required");
        }
        if (description.contains("\n")) {
            throw new IllegalArgumentException("description must be one line: " + name);
        }
        if (blockSize < 1 || kvCapacityTokens < 1 || maxContextTokens < 1) {
            throw new IllegalArgumentException("model " + name + ": kv capacity, block size and max context must be >= 1"
                    + " (kv=" + kvCapacityTokens + ", block=" + blockSize + ", ctx=" + maxContextTokens + ")");
        }
        if (kvCapacityTokens % blockSize != 0) {
            final int below = kvCapacityTokens - kvCapacityTokens % blockSize;
            throw new IllegalArgumentException("model " + name + ": kv capacity " + kvCapacityTokens
                    + " tokens is not a multiple of the block size " + blockSize
                    + (below > 0 ? " (use " + below + " or " + (below + blockSize) + ")" : " (use " + blockSize + ")"));
        }
        // Keep the caller's order for display, but never share the caller's mutable map.
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** KV-cache capacity in blocks: kvCapacityTokens / blockSize (exact, see the class note). */
    public int kvCapacityBlocks() {
        return kvCapacityTokens / blockSize;
    }

    /** The same profile with another KV capacity in tokens (must be a multiple of the block size). */
    public ModelProfile withKvCapacityTokens(final int tokens) {
        final Map<String, String> updated = new LinkedHashMap<>(parameters);
        updated.put(KV_KEY, Integer.toString(tokens));
        return new ModelProfile(name, description, tokens, blockSize, maxContextTokens, timeModel, updated);
    }
}
