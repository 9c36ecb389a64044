package org.kvsched.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code kvsched replay} end to end on its own embedded broker, as a user runs it. */
class ReplayCommandIT {

    @Test
    @Timeout(300)
    void replayVerifiesAndWritesTheSimulateKeysPlusKafkaFigures(@TempDir final Path dir) throws Exception {
        final Path json = dir.resolve("replay.json");
        final CliRunner.Result r = CliRunner.run("replay", "--requests", "150", "--verify", "--json", json.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("identical: 150/150 requests"), r.out());
        assertTrue(r.out().contains("round trips"), r.out());
        final String text = Files.readString(json);
        for (final String key : new String[] {"\"requests\"", "\"completed\"", "\"ttft_ms\"", "\"kv_util_mean\"", "\"kv_peak_tokens\"",
                "\"kafka_round_trips\"", "\"events_per_s\"", "\"wall_s\"", "\"identical_requests\""}) {
            assertTrue(text.contains(key), key + " missing in " + text);
        }
    }
}
