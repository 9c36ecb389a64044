package org.kvsched.cli.replay;

import java.io.OutputStream;
import java.io.PrintStream;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft broker (Kafka 4.3.1, combined broker and controller) inside this JVM, on an
 * ephemeral loopback port, with its data in a temporary folder deleted on close.
 *
 * <p>Built on Kafka's own {@code KafkaClusterTestKit} (an internal API: this class is the only place
 * that touches it, so an upgrade changes one file). Chosen over a child {@code kafka.Kafka} process
 * because it needs no classpath assembly, no fixed ports and no process management, starts in about
 * 2 s cold and 0.3 s warm, and cannot outlive the CLI.
 *
 * <p>Broker settings: replication factor and min ISR 1 for the internal topics (one node), and no
 * initial rebalance delay (the default 3 s delays every consumer group and the Streams app).
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(final KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Formats and starts the broker; returns once it accepts clients. */
    public static EmbeddedKafka start() {
        try {
            final TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build();
            final KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "1")
                    .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                    .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setDeleteOnClose(true)
                    .build();
            // format() prints its bootstrap records to System.out, which is the CLI's output (tables, JSON
            // pipes): silence it for that one call, before any service thread exists.
            final PrintStream stdout = System.out;
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                cluster.format();
            } finally {
                System.setOut(stdout);
            }
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafka(cluster);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the embedded Kafka broker", e);
        } catch (final Exception e) {
            throw new IllegalStateException("cannot start the embedded Kafka broker: " + e.getMessage(), e);
        }
    }

    /** {@code host:port} for clients. */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (final Exception e) {
            throw new IllegalStateException("cannot stop the embedded Kafka broker: " + e.getMessage(), e);
        }
    }
}
