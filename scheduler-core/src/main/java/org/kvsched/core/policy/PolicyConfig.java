package org.kvsched.core.policy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A policy choice as the user writes it: a kind plus parameter values.
 *
 * <p>Two spellings, one meaning: the CLI form {@code fcfs-vllm:max-num-batched-tokens=2048,max-num-seqs=128}
 * and the properties form {@code policy=fcfs-vllm}, {@code policy.fcfs-vllm.max-num-batched-tokens=2048}.
 *
 * @param kind   registry name
 * @param params parameter values by key (without prefix)
 */
public record PolicyConfig(String kind, Map<String, String> params) {

    public PolicyConfig {
        params = Map.copyOf(params);
    }

    /** Parses the CLI form {@code kind[:key=value,key=value]}. */
    public static PolicyConfig parse(final String spec) {
        final String s = spec.trim();
        final int colon = s.indexOf(':');
        if (colon < 0) {
            return new PolicyConfig(s, Map.of());
        }
        final Map<String, String> params = new LinkedHashMap<>();
        for (final String part : s.substring(colon + 1).split(",")) {
            if (part.isBlank()) {
                continue;
            }
            final int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("policy '" + spec + "': parameter '" + part + "' is not key=value");
            }
            params.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        return new PolicyConfig(s.substring(0, colon).trim(), params);
    }

    /** Reads {@code policy} and {@code policy.<kind>.*} from a flat key-value configuration. */
    public static PolicyConfig fromProperties(final Map<String, String> config, final String defaultKind) {
        final String kind = config.getOrDefault("policy", defaultKind).trim();
        final String prefix = "policy." + kind + ".";
        final Map<String, String> params = new LinkedHashMap<>();
        for (final Map.Entry<String, String> e : config.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                params.put(e.getKey().substring(prefix.length()), e.getValue());
            }
        }
        return new PolicyConfig(kind, params);
    }

    /** The CLI form of this configuration. */
    public String toSpec() {
        if (params.isEmpty()) {
            return kind;
        }
        final StringBuilder sb = new StringBuilder(kind).append(':');
        params.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> sb.append(e.getKey()).append('=').append(e.getValue()).append(','));
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }
}
