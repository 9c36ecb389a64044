package org.kvsched.pipeline.service;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.kvsched.schemas.serde.AvroSerdes;

/**
 * The flat key-value configuration every service reads: a properties file (optional), then
 * environment variables mapped onto the same keys, later sources winning. The values are immutable.
 *
 * <p>Environment mapping: strip {@value #ENV_PREFIX}, lower-case, {@code __} becomes {@code -} and
 * {@code _} becomes {@code .}. So {@code KVSCHED_BOOTSTRAP_SERVERS} sets {@code bootstrap.servers} and
 * {@code KVSCHED_POLICY_FCFS__VLLM_MAX__NUM__SEQS} sets {@code policy.fcfs-vllm.max-num-seqs}.
 *
 * <p>Keys starting with {@value #KAFKA_PREFIX} are passed, without the prefix, to the service's Kafka
 * clients (e.g. {@code kafka.linger.ms=1}). Every bad value fails with one line naming the key.
 *
 * <p>Read tracking: a configuration remembers which keys were asked for through {@link #get}, {@link #require},
 * the typed getters, {@link #withPrefix} and {@link #kafkaOverrides}, so a service can name the keys that were set
 * but never read ({@link #unreadKeys()}): a misspelt key otherwise falls back to its default without a word.
 * {@link #asMap()} does not count as reading. Tracking is per instance ({@link #with} starts afresh) and safe
 * to use from several threads.
 */
public final class ServiceConfig {

    /** Prefix of the environment variables that configure a service. */
    public static final String ENV_PREFIX = "KVSCHED_";
    /** Prefix of keys passed through to Kafka clients. */
    public static final String KAFKA_PREFIX = "kafka.";

    private final Map<String, String> values;
    // Keys asked for so far, set or not; a concurrent set because services read some keys on their own threads.
    private final Set<String> read = ConcurrentHashMap.newKeySet();

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

    /** The environment variable that sets a key: the inverse of {@link #envToKey} for keys of lower-case letters, digits, '.' and '-'. */
    public static String keyToEnv(final String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '\u0000').replace('.', '_').replace("\u0000", "__");
    }

    /** This configuration with other values added (they win). */
    public ServiceConfig with(final Map<String, String> more) {
        final Map<String, String> map = new LinkedHashMap<>(values);
        map.putAll(more);
        return new ServiceConfig(map);
    }

    /** The value, or the default when the key is unset or empty. */
    public String get(final String key, final String defaultValue) {
        read.add(key);
        final String v = values.get(key);
        return v == null || v.isEmpty() ? defaultValue : v;
    }

    /** The value, or a one-line failure naming the key. */
    public String require(final String key) {
        read.add(key);
        final String v = values.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("config: missing required key '" + key + "' (env " + keyToEnv(key) + ")");
        }
        return v;
    }

    /** The value as an int, or the default when unset or empty; fails naming the key if not an integer. */
    public int getInt(final String key, final int defaultValue) {
        return parse(key, defaultValue, Integer::valueOf, "an integer");
    }

    /** The value as a long, or the default when unset or empty; fails naming the key if not an integer. */
    public long getLong(final String key, final long defaultValue) {
        return parse(key, defaultValue, Long::valueOf, "an integer");
    }

    /** The value as a double, or the default when unset or empty; fails naming the key if not a number. */
    public double getDouble(final String key, final double defaultValue) {
        return parse(key, defaultValue, Double::valueOf, "a number");
    }

    private <T> T parse(final String key, final T defaultValue, final Function<String, T> parser, final String what) {
        final String v = get(key, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return parser.apply(v);
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("config: key '" + key + "' must be " + what + ", got '" + v + "'", e);
        }
    }

    /**
     * The service's Avro serdes: {@link AvroSerdes#fromConfig(Map)} on {@value AvroSerdes#SCHEMA_REGISTRY_URL}, read through
     * this configuration (so it counts as read).
     */
    public AvroSerdes avroSerdes() {
        return AvroSerdes.fromConfig(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, get(AvroSerdes.SCHEMA_REGISTRY_URL, "")));
    }

    /** Every value, sorted by key (for logs; does not mark any key as read). */
    public Map<String, String> asMap() {
        return new TreeMap<>(values);
    }

    /**
     * The keys starting with {@code prefix}, with the prefix removed, sorted; marks them as read. For a family of
     * keys whose names the caller does not know in advance, e.g. a policy's parameters {@code policy.<kind>.*}.
     */
    public Map<String, String> withPrefix(final String prefix) {
        final Map<String, String> map = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                read.add(k);
                map.put(k.substring(prefix.length()), v);
            }
        });
        return map;
    }

    /** The {@value #KAFKA_PREFIX} keys with the prefix removed, for Kafka client properties. */
    public Map<String, Object> kafkaOverrides() {
        return new LinkedHashMap<>(withPrefix(KAFKA_PREFIX));
    }

    /**
     * Keys that are set but were never read, sorted; {@value #KAFKA_PREFIX} keys are left out, since the Kafka
     * clients, not the service, decide what they mean. Meaningful once the service has read its configuration
     * (for every service, when its constructor returns).
     */
    public Set<String> unreadKeys() {
        final Set<String> unread = new TreeSet<>();
        for (final String k : values.keySet()) {
            if (!k.startsWith(KAFKA_PREFIX) && !read.contains(k)) {
                unread.add(k);
            }
        }
        return unread;
    }

    /**
     * One warning line naming the {@link #unreadKeys()}, e.g.
     * {@code config: key 'polcy' (env KVSCHED_POLCY) is not read by scheduler-stream}; empty when every key was read.
     */
    public Optional<String> unreadWarning(final String serviceName) {
        final Set<String> unread = unreadKeys();
        if (unread.isEmpty()) {
            return Optional.empty();
        }
        final String keys = unread.stream().map(k -> "'" + k + "' (env " + keyToEnv(k) + ")").collect(Collectors.joining(", "));
        return Optional.of("config: " + (unread.size() == 1 ? "key " + keys + " is" : "keys " + keys + " are") + " not read by "
                + serviceName);
    }
}
