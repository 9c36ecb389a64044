package org.kvsched.schemas.service;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The flat key-value configuration every service reads: a properties file (optional), then
 * environment variables mapped onto the same keys, later sources winning. Immutable.
 *
 * <p>Environment mapping: strip {@value #ENV_PREFIX}, lower-case, {@code __} becomes {@code -} and
 * {@code _} becomes {@code .}. So {@code KVSCHED_BOOTSTRAP_SERVERS} sets {@code bootstrap.servers} and
 * {@code KVSCHED_POLICY_FCFS__VLLM_MAX__NUM__SEQS} sets {@code policy.fcfs-vllm.max-num-seqs}.
 *
 * <p>Keys starting with {@value #KAFKA_PREFIX} are passed, without the prefix, to the service's Kafka
 * clients (e.g. {@code kafka.linger.ms=1}). Every bad value fails with one line naming the key.
 */
public final class ServiceConfig {

    /** Prefix of the environment variables that configure a service. */
    public static final String ENV_PREFIX = "KVSCHED_";
    /** Prefix of keys passed through to Kafka clients. */
    public static final String KAFKA_PREFIX = "kafka.";

    private final Map<String, String> values;

    private ServiceConfig(final Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** A configuration holding exactly these values. */
    public static ServiceConfig of(final Map<String, String> values) {
        return new ServiceConfig(values);
    }

    /**
     * Loads a service's configuration.
     *
     * @param args the service's command-line arguments: none, or the path of a properties file
     * @param env  the environment (System.getenv() in a real service)
     */
    public static ServiceConfig load(final String[] args, final Map<String, String> env) {
        if (args.length > 1) {
            throw new IllegalArgumentException("usage: <service> [config.properties] (got " + args.length + " arguments)");
        }
        final Map<String, String> map = new LinkedHashMap<>();
        if (args.length == 1) {
            final Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (final IOException e) {
                throw new UncheckedIOException("config file " + args[0] + ": " + e.getMessage(), e);
            }
            p.stringPropertyNames().forEach(k -> map.put(k.trim(), p.getProperty(k).trim()));
        }
        env.forEach((k, v) -> {
            if (k.startsWith(ENV_PREFIX) && k.length() > ENV_PREFIX.length()) {
                map.put(envToKey(k), v.trim());
            }
        });
        return new ServiceConfig(map);
    }

    /** The key an environment variable sets (see the class note). */
    public static String envToKey(final String env) {
        return env.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace("__", "\u0000").replace('_', '.').replace('\u0000', '-');
    }

    /** This configuration with other values added (they win). */
    public ServiceConfig with(final Map<String, String> more) {
        final Map<String, String> map = new LinkedHashMap<>(values);
        map.putAll(more);
        return new ServiceConfig(map);
    }

    public String get(final String key, final String defaultValue) {
        final String v = values.get(key);
        return v == null || v.isEmpty() ? defaultValue : v;
    }

    /** The value, or a one-line failure naming the key. */
    public String require(final String key) {
        final String v = values.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("config: missing required key '" + key + "' (env " + ENV_PREFIX
                    + key.toUpperCase(Locale.ROOT).replace('-', '\u0000').replace('.', '_').replace("\u0000", "__") + ")");
        }
        return v;
    }

    public int getInt(final String key, final int defaultValue) {
        final String v = get(key, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v);
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("config: key '" + key + "' must be an integer, got '" + v + "'", e);
        }
    }

    public long getLong(final String key, final long defaultValue) {
        final String v = get(key, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v);
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("config: key '" + key + "' must be an integer, got '" + v + "'", e);
        }
    }

    public double getDouble(final String key, final double defaultValue) {
        final String v = get(key, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(v);
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("config: key '" + key + "' must be a number, got '" + v + "'", e);
        }
    }

    /** Every value, sorted by key. */
    public Map<String, String> asMap() {
        return new TreeMap<>(values);
    }

    /** The {@value #KAFKA_PREFIX} keys with the prefix removed, for Kafka client properties. */
    public Map<String, Object> kafkaOverrides() {
        final Map<String, Object> map = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(KAFKA_PREFIX)) {
                map.put(k.substring(KAFKA_PREFIX.length()), v);
            }
        });
        return map;
    }
}
