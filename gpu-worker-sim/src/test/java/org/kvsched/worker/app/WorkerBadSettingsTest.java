package org.kvsched.worker.app;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kvsched.core.testing.SettingErrors;
import org.kvsched.pipeline.service.ServiceConfig;

/**
 * gpu-worker-sim started with a bad setting fails with one line naming the key: at construction, or for a vLLM
 * server that refuses, in {@link WorkerApp#start()} after retrying for {@code vllm.connect.timeout.ms}; ServiceMain
 * turns either into exit status 2 (docs/kafka-pipeline.md, "Bad input and bad settings").
 */
class WorkerBadSettingsTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "model|no-such-model",
            "kv.capacity|lots",
            "kv.capacity|-1",
            "worker|gpu",
            "speed|fast",
            "vllm.url|ftp://x",
            "vllm.connect.timeout.ms|-1",
            "vllm.ignore-eos|maybe",
    })
    void aBadValueFailsAtConstructionNamingTheKey(final String key, final String value) {
        final Map<String, String> values = new HashMap<>(Map.of("bootstrap.servers", "localhost:9092"));
        if (key.startsWith("vllm.")) {
            values.put("worker", "vllm");
            values.put("vllm.url", "http://127.0.0.1:8000");
        }
        values.put(key, value);
        SettingErrors.assertNamesKey(assertThrows(IllegalArgumentException.class, () -> new WorkerApp(ServiceConfig.of(values))), key);
    }

    @Test
    void aMissingKeyFailsNamingIt() {
        SettingErrors.assertNamesKey(assertThrows(IllegalArgumentException.class, () -> new WorkerApp(ServiceConfig.of(Map.of("worker", "sim")))),
                "bootstrap.servers");
        SettingErrors.assertNamesKey(assertThrows(IllegalArgumentException.class, () -> new WorkerApp(ServiceConfig.of(
                Map.of("bootstrap.servers", "localhost:9092", "worker", "vllm")))), "vllm.url");
    }

    /** worker=vllm with a vllm.url that refuses: start() retries for vllm.connect.timeout.ms, then fails naming the key. */
    @Test
    void aVllmUrlThatRefusesFailsTheStartNamingTheKey() throws IOException {
        final int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        final WorkerApp app = new WorkerApp(ServiceConfig.of(Map.of("bootstrap.servers", "127.0.0.1:1", "worker", "vllm",
                "vllm.url", "http://127.0.0.1:" + port, "vllm.connect.timeout.ms", "1000")));
        final long t0 = System.nanoTime();
        try {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, app::start);
            SettingErrors.assertNamesKey(e, "vllm.url");
            assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        } finally {
            app.close();
        }
        final long ms = (System.nanoTime() - t0) / 1_000_000;
        // A refused connection fails at once: the time is the backoff (250 ms, then 500 ms) within the 1000 ms.
        assertTrue(ms >= 250 && ms < 10_000, "retried for about vllm.connect.timeout.ms, took " + ms + " ms");
    }
}
