package org.kvsched.stream.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.kvsched.core.engine.ReplicaSpec;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.policy.PolicyKind;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.workload.Workload;
import org.kvsched.pipeline.service.ServiceConfig;
import org.kvsched.schemas.topic.TopicCatalog;

/**
 * Everything the scheduler service is configured with, validated at construction so a bad value fails
 * at start-up with one line naming the key.
 *
 * <p>Keys: {@code bootstrap.servers} (required), {@code application.id} (kvsched-scheduler),
 * {@code topic.prefix} (""), {@code state.dir}, {@code policy} (fcfs-vllm) and
 * {@code policy.<kind>.<param>}, {@code model} (llama2-7b-a100), {@code kv.capacity} (0 = the model's),
 * {@code seed} (1), {@code snapshot.every} (1000 inputs per replica; 0 = never), {@code time} ({@code virtual}, or
 * {@code live}: wall-clock scheduling, with {@code live.horizon.ms} (100), {@code live.tick.ms} (20), {@code live.speed} (1)
 * and {@code live.epoch.ms} (0), see {@link LiveTime}), {@code processing.guarantee} (exactly_once_v2),
 * {@code commit.interval.ms} (5), {@code poll.ms} (1), {@code num.stream.threads} (1), {@code schema.registry.url} (unset =
 * single-object encoding), and {@code kafka.*} passed to Kafka Streams.
 *
 * @param config     the raw configuration (for the serde mode and Kafka overrides)
 * @param topics     topic names
 * @param policy     policy kind and parameters
 * @param model      deployment of every replica
 * @param seed       seed handed to the policy
 * @param snapshotEvery inputs between two snapshots of a replica's log (0: never)
 * @param live       wall-clock scheduling settings, or null for virtual time (replays)
 * @param workload   the workload, when the caller knows it (in-process replay), for policies that derive
 *                   parameters from it; null for a standalone service
 */
public record SchedulerSettings(ServiceConfig config, TopicCatalog topics, PolicyConfig policy, ModelProfile model,
                                long seed, int snapshotEvery, LiveTime live, Workload workload) {

    /** Default application id (consumer group and changelog prefix). */
    public static final String DEFAULT_APPLICATION_ID = "kvsched-scheduler";

    public SchedulerSettings {
        if (snapshotEvery < 0) {
            throw new IllegalArgumentException("config: key 'snapshot.every' must be >= 0, got " + snapshotEvery);
        }
        // Build the spec now: an unknown policy or bad parameter fails before any Kafka work.
        spec(policy, model, seed, workload);
        // The scheduler knows what a real one knows: an offline (clairvoyant) policy reads every request's true
        // output length in advance, so it runs in the in-memory engine only, as a baseline.
        if (PolicyKind.byName(policy.kind()).offline()) {
            throw new IllegalArgumentException("config: key 'policy' is '" + policy.kind() + "': an offline policy (it reads true "
                    + "output lengths in advance) runs in 'kvsched simulate' only, not in the scheduler service");
        }
    }

    /** Reads and validates the settings of a standalone service (the workload is unknown). */
    public static SchedulerSettings fromConfig(final ServiceConfig config) {
        return fromConfig(config, null);
    }

    /**
     * Reads and validates the settings, with the workload when the caller knows it (in-process replay):
     * policies that derive parameters from the workload (WAIT's thresholds) then need none given.
     */
    public static SchedulerSettings fromConfig(final ServiceConfig config, final Workload workload) {
        config.require(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
        // Only the chosen kind's parameters are read: policy.sarathi.* under policy=fcfs-vllm is reported as unread.
        final String kind = config.get("policy", "fcfs-vllm");
        final PolicyConfig policy = new PolicyConfig(kind, config.withPrefix("policy." + kind + "."));
        final long seed = config.getLong("seed", 1L);
        final ModelProfile model = model(config);
        final TopicCatalog topics = TopicCatalog.withPrefix(config.get("topic.prefix", ""));
        final int snapshotEvery = config.getInt("snapshot.every", 1000);
        final LiveTime live = LiveTime.fromConfig(config);
        try {
            return new SchedulerSettings(config, topics, policy, model, seed, snapshotEvery, live, workload);
        } catch (final IllegalArgumentException e) {
            throw policyError(e, kind);
        }
    }

    /** A policy's failure ("policy: unknown ...", "policy.kind.param: ...") as one line naming the key. */
    private static IllegalArgumentException policyError(final IllegalArgumentException e, final String kind) {
        final String msg = String.valueOf(e.getMessage());
        if (msg.startsWith("config:")) {
            return e;
        }
        final String prefix = "policy." + kind + ".";
        final int colon = msg.indexOf(':');
        if (msg.startsWith(prefix) && colon > prefix.length()) {
            return new IllegalArgumentException("config: key '" + msg.substring(0, colon) + "'" + msg.substring(colon), e);
        }
        return new IllegalArgumentException("config: key 'policy' is '" + kind + "': " + msg, e);
    }

    /** The model of {@code model} with the {@code kv.capacity} override; fails naming the key. */
    public static ModelProfile model(final ServiceConfig config) {
        return ModelCatalog.configured(config.get("model", ModelCatalog.DEFAULT_NAME), config.getInt("kv.capacity", 0),
                "config: key 'model'", "config: key 'kv.capacity'");
    }

    /** The same settings with the workload known (in-process replay). */
    public SchedulerSettings withWorkload(final Workload w) {
        return new SchedulerSettings(config, topics, policy, model, seed, snapshotEvery, live, w);
    }

    /** The same settings with another policy (a policy swap by redeploy). */
    public SchedulerSettings withPolicy(final PolicyConfig other) {
        return new SchedulerSettings(config, topics, other, model, seed, snapshotEvery, live, workload);
    }

    /** Builds each replica's scheduler exactly as the in-memory engine does. */
    public ReplicaSpec replicaSpec() {
        return spec(policy, model, seed, workload);
    }

    private static ReplicaSpec spec(final PolicyConfig policy, final ModelProfile model, final long seed, final Workload workload) {
        return new ReplicaSpec(policy, new PolicyContext(model.timeModel(), model.kvCapacityTokens(), model.blockSize(), seed, workload));
    }

    /**
     * Kafka Streams properties. Latency matters more than throughput here (one plan in flight per
     * replica), so (docs/kafka-pipeline.md "The scheduler", "Exactly-once"): producer linger 0 (Streams defaults it to 100 ms),
     * and under exactly-once a commit after every processing loop and a 1 ms poll, since output becomes
     * visible to the worker only when the transaction commits.
     */
    public Properties streamsProperties() {
        final Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.get("application.id", DEFAULT_APPLICATION_ID));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.require(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.get("state.dir",
                Path.of(System.getProperty("java.io.tmpdir"), "kvsched-streams").toString()));
        final String guarantee = config.get("processing.guarantee", StreamsConfig.EXACTLY_ONCE_V2);
        if (!guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2) && !guarantee.equals(StreamsConfig.AT_LEAST_ONCE)) {
            throw new IllegalArgumentException("config: key 'processing.guarantee' must be exactly_once_v2 or at_least_once, got '" + guarantee + "'");
        }
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        // Not 0: Streams then commits after every loop, and a loop right after a commit processes one record per task,
        // so a burst of arrivals costs one transaction each and a report waits behind them (1 to 3 s at the start of a
        // live replay). 5 ms lets a loop take the whole burst; measured, docs/kafka-pipeline.md "Exactly-once".
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.getLong("commit.interval.ms", 5L));
        p.put(StreamsConfig.POLL_MS_CONFIG, config.getLong("poll.ms", 1L));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getInt("num.stream.threads", 1));
        // Decisions never depend on the interleaving of the two inputs, so never wait for the other one.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        final Map<String, Object> overrides = new LinkedHashMap<>(config.kafkaOverrides());
        p.putAll(overrides);
        return p;
    }
}
