package org.kvsched.arrivals.app;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kvsched.core.testing.SettingErrors;
import org.kvsched.pipeline.service.ServiceConfig;

/**
 * arrivals-producer started with a bad setting fails at construction with one line naming the key; ServiceMain
 * turns that into exit status 2 (docs/kafka-pipeline.md, "Bad input and bad settings").
 */
class ArrivalsProducerBadSettingsTest {

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
        SettingErrors.assertNamesKey(assertThrows(IllegalArgumentException.class, () -> new ArrivalsProducerApp(ServiceConfig.of(values))), key);
    }

    @Test
    void aTraceThatCannotBeReadFailsNamingTheKey() {
        SettingErrors.assertNamesKey(assertThrows(RuntimeException.class, () -> new ArrivalsProducerApp(ServiceConfig.of(Map.of(
                "bootstrap.servers", "localhost:9092", "workload.trace", "/no/such/trace.csv")))), "workload.trace");
    }

    @Test
    void aMissingBootstrapServersFailsNamingIt() {
        SettingErrors.assertNamesKey(assertThrows(IllegalArgumentException.class, () -> new ArrivalsProducerApp(ServiceConfig.of(
                Map.of("workload.requests", "20")))), "bootstrap.servers");
    }
}
