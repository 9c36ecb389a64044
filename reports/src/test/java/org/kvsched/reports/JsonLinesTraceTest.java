package org.kvsched.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.testing.SharedData;
import org.kvsched.core.testing.TraceFiles;
import org.kvsched.core.workload.TraceFormatException;
import org.kvsched.core.workload.Workload;
import org.kvsched.core.workload.WorkloadOptions;
import org.kvsched.core.workload.Workloads;

/**
 * Mooncake JSON-lines traces read through {@code Workloads.readTrace} with this module's Jackson decoder
 * (found as a service): values, key order, extra keys, and errors naming file and line.
 */
class JsonLinesTraceTest {

    private static final WorkloadOptions RAW = TraceFiles.RAW;

    @TempDir
    Path dir;

    private TraceFormatException malformed(final String name, final String content) throws IOException {
        return TraceFiles.malformed(dir, name, content);
    }

    @Test
    void readsMooncakeJsonlToleratingKeyOrderAndExtraKeys() throws IOException {
        final Path file = TraceFiles.write(dir, "trace.jsonl",
                "{\"timestamp\": 0, \"input_length\": 40160, \"output_length\": 6, \"hash_ids\": [0, 1, 2]}\n"
                        + "{\"hash_ids\":[5,6],\"output_length\":4,\"input_length\":36640,\"timestamp\":1500}\n"
                        + "  {\"note\": \"timestamp\", \"timestamp\" : 2000.5 , \"input_length\": 1, \"output_length\": 1}  \n"
                        + "\n");
        final Workload w = Workloads.readTrace(file, RAW);
        assertEquals(List.of(0L, 1_500_000L, 2_000_500L), TraceFiles.arrivals(w));
        assertEquals(new WorkloadRequest(1, 1_500_000L, 36640, 4), w.requests().get(1));
    }

    @Test
    void malformedMooncakeLines() throws IOException {
        final String ok = "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 6}\n";
        assertEquals("m.jsonl:2: missing key \"output_length\"",
                malformed("m.jsonl", ok + "{\"timestamp\": 1, \"input_length\": 5}\n").getMessage());
        assertEquals("m.jsonl:3: input_length is not an integer: '\"many\"'",
                malformed("m.jsonl", ok + ok + "{\"timestamp\": 1, \"input_length\": \"many\", \"output_length\": 1}\n").getMessage());
        assertEquals("m.jsonl:2: not a JSON object: '[1, 2, 3]'", malformed("m.jsonl", ok + "[1, 2, 3]\n").getMessage());
        assertEquals("m.jsonl:2: timestamp must be >= 0 milliseconds, got -3",
                malformed("m.jsonl", ok + "{\"timestamp\": -3, \"input_length\": 5, \"output_length\": 6}\n").getMessage());
        assertEquals("m.jsonl:2: input_length must be >= 1 token, got 0",
                malformed("m.jsonl", ok + "{\"timestamp\": 1, \"input_length\": 0, \"output_length\": 6}\n").getMessage());
    }

    @Test
    void lineThatIsNotJsonNamesFileAndLine() throws IOException {
        final TraceFormatException cut = malformed("m.jsonl", "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 6}\n\n"
                + "{\"timestamp\": 1, \"input_length\": 5,\n");
        assertEquals("m.jsonl", cut.fileName());
        assertEquals(3, cut.lineNumber());
        assertTrue(cut.getMessage().startsWith("m.jsonl:3: not valid JSON (") && cut.getMessage().endsWith("'"), cut.getMessage());
        final TraceFormatException twice = malformed("m.jsonl", "{\"timestamp\": 0, \"timestamp\": 1, \"input_length\": 5, \"output_length\": 6}\n");
        assertTrue(twice.getMessage().startsWith("m.jsonl:1: not valid JSON (") && twice.getMessage().contains("timestamp"), twice.getMessage());
        final TraceFormatException trailing = malformed("m.jsonl", "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 6} x\n");
        assertTrue(trailing.getMessage().startsWith("m.jsonl:1: not valid JSON ("), trailing.getMessage());
    }

    @Test
    void sharedMooncakeSyntheticTrace() throws IOException {
        // Moved here from core's SharedTracesTest with the JSON decoding; skipped outside CI when the file is absent.
        final Path file = SharedData.require("data/traces/synthetic_trace.jsonl");
        final Workload w = Workloads.readTrace(file, RAW);
        assertEquals(3_993, w.size());
        assertEquals(0L, w.requests().get(0).arrivalUs());
        for (int i = 1; i < w.size(); i++) {
            assertTrue(w.requests().get(i).arrivalUs() >= w.requests().get(i - 1).arrivalUs());
        }
        assertEquals(1_022_025_000L, w.durationUs());
        assertEquals(15_325.5, (double) w.totalPromptTokens() / w.size(), 0.05);
        assertEquals(149.1, (double) w.totalOutputTokens() / w.size(), 0.05);
        // With the default 4K cap every request fits; the prompts are mostly far longer than that.
        final Workload capped = Workloads.readTrace(file, WorkloadOptions.defaults());
        assertTrue(capped.requests().stream().allMatch(r -> r.totalTokens() <= 4096));
    }
}
