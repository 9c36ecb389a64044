package org.kvsched.pipeline.topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.kvsched.pipeline.service.Service;
import org.kvsched.pipeline.service.ServiceConfig;
import org.kvsched.pipeline.service.ServiceMain;
import org.kvsched.schemas.topic.TopicCatalog;
import org.kvsched.schemas.topic.TopicSpec;

/**
 * Creates the topics of a {@link TopicCatalog}: the one place that says how many partitions each has and with which
 * settings, used by {@code replay}, by {@code cluster up} and, as the one-shot service {@code topics}, by
 * docker-compose.yml. Replica-keyed topics and {@code request-events} get one partition per replica (co-partitioning),
 * the others one; the broker stamps {@code arrivals} on append (live scheduling takes an arrival's time from the log).
 * Idempotent: an existing topic is kept, and the co-partitioned ones must already have one partition per replica.
 *
 * <p>As a service (keys): {@code bootstrap.servers} (required), {@code topic.prefix}, {@code replicas} (1),
 * {@code kafka.*}. It creates the topics in {@link #start()} and is then done.
 */
public final class TopicProvisioner implements Service {

    private final Map<String, Object> admin;
    private final TopicCatalog topics;
    private final int replicas;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    public TopicProvisioner(final ServiceConfig config) {
        this.admin = new HashMap<>(config.kafkaOverrides());
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.require("bootstrap.servers"));
        this.topics = TopicCatalog.withPrefix(config.get("topic.prefix", ""));
        this.replicas = config.getInt("replicas", 1);
        if (replicas < 1) {
            throw new IllegalArgumentException("config: key 'replicas' must be >= 1, got " + replicas);
        }
    }

    /** The topics of a catalog for this many replicas, as they are created. */
    public static List<NewTopic> newTopics(final TopicCatalog topics, final int replicas) {
        final List<NewTopic> wanted = new ArrayList<>();
        for (final TopicSpec<?, ?> t : topics.all()) {
            final int partitions = t.partitionedByReplica() || t == topics.requestEvents() ? replicas : 1;
            final NewTopic topic = new NewTopic(t.name(), partitions, (short) 1);
            if (t == topics.arrivals()) {
                // Live scheduling takes an arrival's time from the log: the broker stamps it on append.
                topic.configs(Map.of("message.timestamp.type", "LogAppendTime"));
            }
            wanted.add(topic);
        }
        return wanted;
    }

    /** {@link #create(Map, TopicCatalog, int)} with no client setting but the broker's address. */
    public static void create(final String bootstrap, final TopicCatalog topics, final int replicas) throws InterruptedException {
        create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topics, replicas);
    }

    /**
     * Creates the catalog's topics if missing ({@link #newTopics}) and checks that the co-partitioned ones have one
     * partition per replica.
     *
     * @param adminConfig the admin client's configuration (at least {@code bootstrap.servers})
     * @throws IllegalArgumentException if an existing co-partitioned topic has another partition count
     * @throws IllegalStateException    if the broker refuses to create or describe a topic
     */
    public static void create(final Map<String, Object> adminConfig, final TopicCatalog topics, final int replicas)
            throws InterruptedException {
        try (Admin admin = Admin.create(adminConfig)) {
            for (final NewTopic t : newTopics(topics, replicas)) {
                createIfAbsent(admin, t);
            }
            final Map<String, TopicDescription> described = describeNew(admin, List.of(topics.arrivals().name(), topics.plans().name(),
                    topics.stepReports().name()));
            for (final TopicDescription d : described.values()) {
                if (d.partitions().size() != replicas) {
                    throw new IllegalArgumentException("topic " + d.name() + " has " + d.partitions().size() + " partitions but the run has "
                            + replicas + " replicas; arrivals, plans and step-reports need one partition per replica");
                }
            }
        } catch (final ExecutionException e) {
            throw new IllegalStateException("cannot describe topics: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Describes topics just created: a loaded broker may not serve their metadata yet, so retry that for up to 30 s. */
    private static Map<String, TopicDescription> describeNew(final Admin admin, final List<String> names)
            throws InterruptedException, ExecutionException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames().get();
            } catch (final ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * Creates one topic unless it exists.
     *
     * @return true if it was created, false if it existed
     * @throws IllegalStateException if the broker refuses it for another reason
     */
    public static boolean createIfAbsent(final Admin admin, final NewTopic topic) throws InterruptedException {
        try {
            admin.createTopics(List.of(topic)).all().get();
            return true;
        } catch (final ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public String name() {
        return "topics";
    }

    /** Creates the topics; returns when they exist (or the creation failed: see {@link #failure()}). */
    @Override
    public void start() {
        try {
            create(admin, topics, replicas);
            System.out.println(name() + ": " + topics.all().size() + " topics ready for " + replicas + " replicas");
        } catch (final IllegalStateException e) {
            failure.compareAndSet(null, e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, e);
        }
    }

    @Override
    public Throwable failure() {
        return failure.get();
    }

    /** Done once started: the topics were created in {@link #start()}. */
    @Override
    public boolean awaitDone(final long millis) {
        return failure.get() == null;
    }

    @Override
    public void close() {
        // Nothing runs after start().
    }

    public static void main(final String[] args) {
        System.exit(ServiceMain.runToCompletion("topics", args, TopicProvisioner::new));
    }
}
