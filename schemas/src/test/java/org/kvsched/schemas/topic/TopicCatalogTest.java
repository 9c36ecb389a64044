package org.kvsched.schemas.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class TopicCatalogTest {

    @Test
    void defaultsUseTheArchitectureNames() {
        final TopicCatalog c = TopicCatalog.defaults();
        assertEquals("arrivals", c.arrivals().name());
        assertEquals("plans", c.plans().name());
        assertEquals("step-reports", c.stepReports().name());
        assertEquals("request-events", c.requestEvents().name());
        assertEquals("errors", c.errors().name());
        assertEquals(7, c.all().size());
    }

    @Test
    void prefixAppliesToEveryTopicAndNamesAreUnique() {
        final TopicCatalog c = TopicCatalog.withPrefix("run-1.");
        final Set<String> names = new HashSet<>();
        c.all().forEach(t -> {
            assertTrue(t.name().startsWith("run-1."), t.name());
            names.add(t.name());
        });
        assertEquals(c.all().size(), names.size());
    }

    @Test
    void coPartitionedTopicsAreMarked() {
        final TopicCatalog c = TopicCatalog.defaults();
        assertTrue(c.arrivals().partitionedByReplica() && c.plans().partitionedByReplica() && c.stepReports().partitionedByReplica());
    }

    @Test
    void badPrefixIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> TopicCatalog.withPrefix("a b"));
    }
}
