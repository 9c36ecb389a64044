package org.kvsched.pipeline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceConfigTest {

    @Test
    void environmentVariablesMapOntoTheSameKeys() {
        assertEquals("bootstrap.servers", ServiceConfig.envToKey("KVSCHED_BOOTSTRAP_SERVERS"));
        assertEquals("policy", ServiceConfig.envToKey("KVSCHED_POLICY"));
        assertEquals("policy.fcfs-vllm.max-num-seqs", ServiceConfig.envToKey("KVSCHED_POLICY_FCFS__VLLM_MAX__NUM__SEQS"));
    }

    @Test
    void environmentWinsOverTheFile(@TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("s.properties");
        Files.writeString(file, "policy=sarathi\nseed=3\nkafka.linger.ms=2\n");
        final ServiceConfig c = ServiceConfig.load(new String[] {file.toString()}, Map.of("KVSCHED_POLICY", "vllm-v0", "PATH", "/bin"));
        assertEquals("vllm-v0", c.get("policy", null));
        assertEquals(3L, c.getLong("seed", 0));
        assertEquals(Map.of("linger.ms", "2"), c.kafkaOverrides());
        assertEquals(null, c.get("path", null));
    }

    @Test
    void badValuesFailWithOneLineNamingTheKey() {
        final ServiceConfig c = ServiceConfig.of(Map.of("replicas", "two"));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.getInt("replicas", 1));
        assertTrue(e.getMessage().contains("'replicas'"), e.getMessage());
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> c.require("bootstrap.servers"));
        assertTrue(missing.getMessage().contains("KVSCHED_BOOTSTRAP_SERVERS"), missing.getMessage());
    }

    @Test
    void aKeySetButNeverReadIsNamedWithItsEnvironmentVariable() {
        final ServiceConfig c = ServiceConfig.load(new String[0],
                Map.of("KVSCHED_BOOTSTRAP_SERVERS", "kafka:9092", "KVSCHED_POLCY", "sarathi", "KVSCHED_KAFKA_LINGER_MS", "1"));
        assertEquals("kafka:9092", c.require("bootstrap.servers"));
        assertEquals("fcfs-vllm", c.get("policy", "fcfs-vllm"), "the typo leaves the default in force");
        // kafka.* is the clients' business, so it is never reported, read or not.
        assertEquals(Set.of("polcy"), c.unreadKeys());
        assertEquals(Optional.of("config: key 'polcy' (env KVSCHED_POLCY) is not read by scheduler-stream"),
                c.unreadWarning("scheduler-stream"));
    }

    @Test
    void severalUnreadKeysMakeOneSortedLine() {
        final ServiceConfig c = ServiceConfig.of(Map.of("seed", "1", "snapshot.evry", "5", "model", "x"));
        assertEquals(Optional.of("config: keys 'model' (env KVSCHED_MODEL), 'seed' (env KVSCHED_SEED), 'snapshot.evry' "
                + "(env KVSCHED_SNAPSHOT_EVRY) are not read by w"), c.unreadWarning("w"));
        c.getLong("seed", 0);
        assertEquals(Optional.of("config: keys 'model' (env KVSCHED_MODEL), 'snapshot.evry' (env KVSCHED_SNAPSHOT_EVRY) are not read by w"),
                c.unreadWarning("w"));
        c.get("model", null);
        c.get("snapshot.evry", null);
        assertEquals(Optional.empty(), c.unreadWarning("w"));
    }

    @Test
    void everyReaderMarksItsKeyAndAsMapDoesNot() {
        final Map<String, String> values = Map.of("a", "x", "b", "x", "i", "1", "l", "2", "d", "0.5", "empty", "",
                "policy.sarathi.chunk", "512", "policy.fcfs-vllm.max-num-seqs", "8");
        final ServiceConfig c = ServiceConfig.of(values);
        c.asMap();
        assertEquals(values.keySet(), c.unreadKeys(), "asMap is for logs and marks nothing");
        c.get("a", null);
        c.require("b");
        c.getInt("i", 0);
        c.getLong("l", 0);
        c.getDouble("d", 0);
        assertEquals(Set.of("empty", "policy.sarathi.chunk", "policy.fcfs-vllm.max-num-seqs"), c.unreadKeys(),
                "a key set to the empty string is still set, so a typo with no value is reported");
        assertEquals(Map.of("max-num-seqs", "8"), c.withPrefix("policy.fcfs-vllm."));
        assertEquals(Set.of("empty", "policy.sarathi.chunk"), c.unreadKeys(), "another kind's parameters stay unread");
        c.get("empty", "d");
        c.get("never-set", "d");
        assertEquals(Set.of("policy.sarathi.chunk"), c.unreadKeys(), "reading a key that is not set adds nothing");
    }

    @Test
    void withStartsItsOwnTracking() {
        final ServiceConfig base = ServiceConfig.of(Map.of("seed", "1"));
        base.getLong("seed", 0);
        final ServiceConfig more = base.with(Map.of("replicas", "2"));
        assertEquals(Set.of(), base.unreadKeys());
        assertEquals(Set.of("replicas", "seed"), more.unreadKeys());
    }

    @Test
    void readsFromManyThreadsAreAllRecorded() throws Exception {
        final Map<String, String> values = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            values.put("k" + i, Integer.toString(i));
        }
        final ServiceConfig c = ServiceConfig.of(values);
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            final int first = t;
            threads.add(new Thread(() -> {
                for (int i = first; i < 4000; i += 4) {
                    c.getInt("k" + i, -1);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (final Thread t : threads) {
            t.join();
        }
        assertEquals(Set.of(), c.unreadKeys());
    }

    @Test
    void keyToEnvInvertsEnvToKey() {
        for (final String env : List.of("KVSCHED_BOOTSTRAP_SERVERS", "KVSCHED_POLICY_FCFS__VLLM_MAX__NUM__SEQS", "KVSCHED_WORKLOAD_RATE__SCALE")) {
            assertEquals(env, ServiceConfig.keyToEnv(ServiceConfig.envToKey(env)));
        }
    }
}
