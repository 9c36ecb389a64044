package org.kvsched.metrics.app;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kvsched.core.testing.SettingErrors;
import org.kvsched.pipeline.service.ServiceConfig;

/**
 * metrics-sink started with a bad setting fails at construction with one line naming the key; ServiceMain turns
 * that into exit status 2 (docs/kafka-pipeline.md, "Bad input and bad settings").
 */
class MetricsSinkBadSettingsTest {

    private static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream());

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "model|no-such-model",
            "kv.capacity|lots",
            "kv.capacity|-1",
            "expected.requests|all",
            "progress.interval.s|often",
    })
    void aBadValueFailsNamingTheKey(final String key, final String value) {
        final Map<String, String> values = new HashMap<>(Map.of("bootstrap.servers", "localhost:9092"));
        values.put(key, value);
        SettingErrors.assertNamesKey(assertThrows(IllegalArgumentException.class, () -> new MetricsSinkApp(ServiceConfig.of(values), NOWHERE)), key);
    }

    @Test
    void aMissingBootstrapServersFailsNamingIt() {
        SettingErrors.assertNamesKey(assertThrows(IllegalArgumentException.class, () -> new MetricsSinkApp(ServiceConfig.of(Map.of("model", "llama2-7b")),
                NOWHERE)), "bootstrap.servers");
    }
}
