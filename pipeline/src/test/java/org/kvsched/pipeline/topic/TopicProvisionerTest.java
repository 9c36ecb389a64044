package org.kvsched.pipeline.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.kvsched.pipeline.service.ServiceConfig;
import org.kvsched.schemas.topic.TopicCatalog;

/** What the provisioner creates, without a broker (the replay integration tests create them on one). */
class TopicProvisionerTest {

    @Test
    void coPartitionedTopicsAndRequestEventsGetOnePartitionPerReplica() {
        final Map<String, Integer> partitions = new LinkedHashMap<>();
        final Map<String, Map<String, String>> configs = new LinkedHashMap<>();
        for (final NewTopic t : TopicProvisioner.newTopics(TopicCatalog.withPrefix("run-1."), 3)) {
            partitions.put(t.name(), t.numPartitions());
            if (t.configs() != null && !t.configs().isEmpty()) {
                configs.put(t.name(), t.configs());
            }
            assertEquals(1, t.replicationFactor());
        }
        final Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("run-1.arrivals", 3);
        expected.put("run-1.plans", 3);
        expected.put("run-1.step-reports", 3);
        expected.put("run-1.request-events", 3);
        expected.put("run-1.step-summaries", 3);
        expected.put("run-1.replica-ends", 1);
        expected.put("run-1.errors", 1);
        assertEquals(expected, partitions);
        assertEquals(Map.of("run-1.arrivals", Map.of("message.timestamp.type", "LogAppendTime")), configs);
    }

    @Test
    void asAServiceItReadsItsKeysWhenBuilt() {
        final ServiceConfig config = ServiceConfig.of(Map.of("bootstrap.servers", "kafka:9092", "replicas", "4", "topic.prefix", "x.",
                "kafka.client.id", "t"));
        try (TopicProvisioner p = new TopicProvisioner(config)) {
            assertEquals("topics", p.name());
        }
        assertTrue(config.unreadKeys().isEmpty(), config.unreadKeys().toString());
    }

    @Test
    void badSettingsFailNamingTheKey() {
        for (final Map<String, String> bad : List.of(Map.of("replicas", "2"), Map.of("bootstrap.servers", "k:9092", "replicas", "0"),
                Map.of("bootstrap.servers", "k:9092", "replicas", "two"))) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TopicProvisioner(ServiceConfig.of(bad)));
            assertTrue(e.getMessage().contains(bad.containsKey("bootstrap.servers") ? "'replicas'" : "'bootstrap.servers'"), e.getMessage());
        }
    }
}
