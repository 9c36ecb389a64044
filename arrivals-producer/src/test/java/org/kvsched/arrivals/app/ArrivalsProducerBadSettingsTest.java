package org.kvsched.arrivals.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kvsched.pipeline.service.ServiceConfig;

/**
 * arrivals-producer started with a bad setting fails at construction with one line naming the key; ServiceMain
 * turns that into exit status 2 (docs/kafka-pipeline.md, "Bad input and bad settings").
 */
class ArrivalsProducerBadSettingsTest {

    private static void assertNames(final RuntimeException e, final String key) {
        assertTrue(e.getMessage().contains("'" + key + "'"), "'" + key + "' not named in: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "replicas|0",
            "replicas|two",
            "speed|-1",
            "seed|x",
            "predictor|clairvoyant",
            "workload.requests|some",
            "workload.rate-scale|fast",
            "workload.spec|no-such-spec",
            "workload.eos|sometimes",
    })
    void aBadValueFailsNamingTheKey(final String key, final String value) {
        final Map<String, String> values = new HashMap<>(Map.of("bootstrap.servers", "localhost:9092", "workload.requests", "20"));
        values.put(key, value);
        assertNames(assertThrows(IllegalArgumentException.class, () -> new ArrivalsProducerApp(ServiceConfig.of(values))), key);
    }

    @Test
    void aTraceThatCannotBeReadFailsNamingTheKey() {
        assertNames(assertThrows(RuntimeException.class, () -> new ArrivalsProducerApp(ServiceConfig.of(Map.of(
                "bootstrap.servers", "localhost:9092", "workload.trace", "/no/such/trace.csv")))), "workload.trace");
    }

    @Test
    void aMissingBootstrapServersFailsNamingIt() {
        assertNames(assertThrows(IllegalArgumentException.class, () -> new ArrivalsProducerApp(ServiceConfig.of(
                Map.of("workload.requests", "20")))), "bootstrap.servers");
    }
}
