package org.kvsched.schemas.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

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
}
