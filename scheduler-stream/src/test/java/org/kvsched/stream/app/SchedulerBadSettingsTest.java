package org.kvsched.stream.app;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kvsched.core.testing.SettingErrors;
import org.kvsched.pipeline.service.ServiceConfig;

/**
 * scheduler-stream started with a bad setting fails at construction (what {@code main} builds through
 * {@link SchedulerApp#fromConfig}) with one line naming the key; ServiceMain turns that into exit status 2
 * (docs/kafka-pipeline.md, "Bad input and bad settings").
 */
class SchedulerBadSettingsTest {

    private static IllegalArgumentException fails(final Map<String, String> values) {
        return assertThrows(IllegalArgumentException.class, () -> SchedulerApp.fromConfig(ServiceConfig.of(values)));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "policy|no-such-policy",
            "model|no-such-model",
            "kv.capacity|lots",
            "kv.capacity|-5",
            "seed|x",
            "snapshot.every|-1",
            "snapshot.every|often",
            "time|sometimes",
            "live.horizon.ms|soon",
            "processing.guarantee|maybe_once",
            "num.stream.threads|two",
            "policy.fcfs-vllm.max-num-seqs|many",
    })
    void aBadValueFailsNamingTheKey(final String key, final String value) {
        final Map<String, String> values = new HashMap<>(Map.of("bootstrap.servers", "localhost:9092"));
        values.put(key, value);
        if (key.startsWith("live.")) {
            values.put("time", "live");
        }
        SettingErrors.assertNamesKey(fails(values), key);
    }

    @Test
    void aMissingBootstrapServersFailsNamingIt() {
        SettingErrors.assertNamesKey(fails(Map.of("policy", "fcfs-vllm")), "bootstrap.servers");
    }

    @Test
    void goodSettingsBuild() {
        SchedulerApp.fromConfig(ServiceConfig.of(Map.of("bootstrap.servers", "localhost:9092", "policy", "mcsf", "kv.capacity", "16384")));
    }

    /** The scheduler service never runs a clairvoyant policy, even where the workload (with its truth) is at hand. */
    @Test
    void anOfflinePolicyIsRefusedEvenWithTheWorkloadKnown() {
        final org.kvsched.core.workload.Workload w = new org.kvsched.core.workload.Workload("two",
                java.util.List.of(new org.kvsched.core.model.WorkloadRequest(0, 0, 4, 3), new org.kvsched.core.model.WorkloadRequest(1, 0, 4, 2)));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> org.kvsched.stream.config.SchedulerSettings.fromConfig(ServiceConfig.of(Map.of("bootstrap.servers", "localhost:1",
                        "policy", "hindsight-opt", "model", "unit", "kv.capacity", "64")), w));
        SettingErrors.assertNamesKey(e, "policy");
        assertTrue(e.getMessage().contains("offline"), e.getMessage());
    }
}
