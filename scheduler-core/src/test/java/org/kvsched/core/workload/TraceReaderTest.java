package org.kvsched.core.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.testing.TraceFiles;

class TraceReaderTest {

    private static final WorkloadOptions RAW = TraceFiles.RAW;

    @TempDir
    Path dir;

    private Path write(final String name, final String content) throws IOException {
        return TraceFiles.write(dir, name, content);
    }

    @Test
    void readsAzureWithCrlfAndHundredNanosecondDigits() throws IOException {
        final Path file = write("azure.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\r\n"
                + "2023-11-16 18:17:03.9799600,4808,10\r\n"
                + "2023-11-16 18:17:04.0319600,3180,8\r\n"
                + "2023-11-16 18:17:04.0319604,5,1\r\n"     // 0.4 us later: rounds down
                + "2023-11-16 18:17:04.0319605,6,2\r\n"     // 0.5 us later: rounds half up
                + "2023-11-17 00:00:00,7,3");               // no fraction, next day, no final newline
        final Workload w = Workloads.readTrace(file, RAW);
        assertEquals("azure.csv [no context cap]", w.name());
        assertEquals(List.of(0L, 52_000L, 52_000L, 52_001L, (5 * 3600 + 42 * 60 + 56) * 1_000_000L + 20_040L), TraceFiles.arrivals(w));
        assertEquals(new WorkloadRequest(0, 0, 4808, 10), w.requests().get(0));
        assertEquals(4808 + 3180 + 5 + 6 + 7, w.totalPromptTokens());
        assertEquals(10 + 8 + 1 + 2 + 3, w.totalOutputTokens());
    }

    @Test
    void azureHonoursTimezoneOffsetsAndExtraColumns() throws IOException {
        // The 2024 files carry +00:00; the 2025 multimodal file has an extra NumImages column.
        final Path file = write("azure2024.csv", "TIMESTAMP,NumImages,ContextTokens,GeneratedTokens\n"
                + "2024-05-10 02:00:00.5+02:00,1,10,1\n"
                + "2024-05-10 00:00:01Z,0,20,2\n");
        final Workload w = Workloads.readTrace(file, RAW);
        assertEquals(List.of(0L, 500_000L), TraceFiles.arrivals(w));
        assertEquals(10, w.requests().get(0).promptTokens());
    }

    @Test
    void readsVidurReplayIgnoringExtraColumns() throws IOException {
        final Path file = write("replay.csv", "arrived_at,num_prefill_tokens,num_decode_tokens,extra\n"
                + "0.0,374,44,x\n"
                + "4.314579,396,109,y\n"
                + "7.4636435,1131,397,z\n\n\n");
        final Workload w = Workloads.readTrace(file, RAW);
        assertEquals(List.of(0L, 4_314_579L, 7_463_644L), TraceFiles.arrivals(w));
        assertEquals(new WorkloadRequest(2, 7_463_644L, 1131, 397), w.requests().get(2));
    }

    @Test
    void unsortedRowsAreSortedWithTiesInFileOrder() throws IOException {
        final Path file = write("unsorted.csv", "arrived_at,num_prefill_tokens,num_decode_tokens\n"
                + "3.0,30,1\n"
                + "1.0,10,1\n"
                + "2.0,21,1\n"
                + "2.0,22,1\n"
                + "1.5,15,1\n");
        final Workload w = Workloads.readTrace(file, RAW);
        assertEquals(List.of(0L, 500_000L, 1_000_000L, 1_000_000L, 2_000_000L), TraceFiles.arrivals(w));
        assertEquals(List.of(10, 15, 21, 22, 30), w.requests().stream().map(WorkloadRequest::promptTokens).collect(Collectors.toList()));
        for (int i = 0; i < w.size(); i++) {
            assertEquals(i, w.requests().get(i).id());
        }
    }

    @Test
    void lengthOnlyUsesGivenArrivalsInFileOrder() throws IOException {
        final Path file = write("lengths.csv", "num_prefill_tokens,num_decode_tokens,num_total_tokens,pd_ratio\n"
                + "74,918,992,0.08\n"
                + "290,905,1195,0.32\n"
                + "83,10,93,8.3\n");
        final Workload w = Workloads.readTrace(file, RAW, ArrivalProcess.uniform(2.0), 7L);
        assertEquals(List.of(0L, 500_000L, 1_000_000L), TraceFiles.arrivals(w));
        assertEquals(List.of(74, 290, 83), w.requests().stream().map(WorkloadRequest::promptTokens).collect(Collectors.toList()));
        assertTrue(w.name().contains("Uniform"), w.name());
    }

    @Test
    void lengthOnlyWithoutArrivalsIsPoissonAtOnePerSecondAndSaysSo() throws IOException {
        final StringBuilder sb = new StringBuilder("num_prefill_tokens,num_decode_tokens\n");
        for (int i = 0; i < 2000; i++) {
            sb.append(i + 1).append(',').append(1).append('\n');
        }
        final Path file = write("lengths.csv", sb.toString());
        final Workload w = Workloads.readTrace(file, RAW, null, 3L);
        assertTrue(w.name().contains("Poisson[ratePerSecond=1.0]") && w.name().contains("default"), w.name());
        assertEquals(1.0, w.meanRatePerSecond(), 0.06);
        assertEquals(w, Workloads.readTrace(file, RAW, null, 3L), "same seed, same workload");
        assertTrue(!w.equals(Workloads.readTrace(file, RAW, null, 4L)), "another seed, other arrivals");
    }

    @Test
    void jsonLinesNeedADecoderOnTheClassPath() throws IOException {
        // Core has no JSON code; module reports provides the decoder, and its JsonLinesTraceTest reads such files.
        final Path file = write("trace.jsonl", "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 6}\n");
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> Workloads.readTrace(file, RAW));
        assertTrue(e.getMessage().contains("trace.jsonl") && e.getMessage().contains("JsonLineFields"), e.getMessage());
    }

    @Test
    void timesAsWrittenAreWindowedThenRebased() throws IOException {
        final Path file = write("late.csv", "arrived_at,num_prefill_tokens,num_decode_tokens\n"
                + "10.0,1,1\n20.0,2,2\n30.0,3,3\n");
        final Workload all = Workloads.readTrace(file, RAW);
        assertEquals(List.of(0L, 10_000_000L, 20_000_000L), TraceFiles.arrivals(all));
        final Workload windowed = Workloads.readTrace(file, RAW.withWindow(15_000_000L, 30_000_000L));
        assertEquals(List.of(0L), TraceFiles.arrivals(windowed));
        assertEquals(2, windowed.requests().get(0).promptTokens());
    }

    @Test
    void headerOnlyGivesAnEmptyWorkload() throws IOException {
        final Path file = write("empty.csv", "arrived_at,num_prefill_tokens,num_decode_tokens\n");
        assertTrue(Workloads.readTrace(file, RAW).isEmpty());
    }

    @Test
    void unknownHeaderNamesTheFileAndTheAcceptedHeaders() throws IOException {
        final Path file = write("mystery.csv", "time,prompt,output\n1,2,3\n");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Workloads.readTrace(file, RAW));
        assertTrue(!(e instanceof TraceFormatException));
        final String m = e.getMessage();
        assertTrue(m.contains("mystery.csv") && m.contains("time,prompt,output"), m);
        assertTrue(m.contains("TIMESTAMP,ContextTokens,GeneratedTokens") && m.contains("arrived_at,num_prefill_tokens,num_decode_tokens")
                && m.contains("num_prefill_tokens,num_decode_tokens") && m.contains("input_length"), m);
    }

    @Test
    void emptyFileIsRejected() throws IOException {
        final Path file = write("nothing.csv", "");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Workloads.readTrace(file, RAW));
        assertTrue(e.getMessage().contains("nothing.csv") && e.getMessage().contains("empty"), e.getMessage());
    }

    // ---------------------------------------------------------------- malformed rows

    private TraceFormatException malformed(final String name, final String content) throws IOException {
        return TraceFiles.malformed(dir, name, content);
    }

    private static final String VIDUR_HEADER = "arrived_at,num_prefill_tokens,num_decode_tokens\n";

    @Test
    void nonIntegerLengthReportsFileLineAndValue() throws IOException {
        final StringBuilder sb = new StringBuilder(VIDUR_HEADER);
        for (int i = 0; i < 15; i++) {
            sb.append(i).append(".0,10,10\n");
        }
        sb.append("15.0,10,abc\n");
        final TraceFormatException e = malformed("splitwise_conv.csv", sb.toString());
        assertEquals("splitwise_conv.csv:17: num_decode_tokens is not an integer: 'abc'", e.getMessage());
        assertEquals(17, e.lineNumber());
        assertEquals("splitwise_conv.csv", e.fileName());
    }

    @Test
    void blankLinesCountTowardsLineNumbers() throws IOException {
        final TraceFormatException e = malformed("t.csv", VIDUR_HEADER + "0,1,1\n\n0,1,12.5\n");
        assertEquals("t.csv:4: num_decode_tokens is not an integer: '12.5'", e.getMessage());
    }

    @Test
    void integralDecimalLengthsAreAccepted() throws IOException {
        final Path file = write("t.csv", VIDUR_HEADER + "0,12.0,3\n");
        assertEquals(12, Workloads.readTrace(file, RAW).requests().get(0).promptTokens());
    }

    @Test
    void wrongColumnCount() throws IOException {
        assertTrue(malformed("t.csv", VIDUR_HEADER + "0,1,1\n1,2\n").getMessage()
                .startsWith("t.csv:3: expected 3 columns like the header, found 2"));
        assertTrue(malformed("t.csv", VIDUR_HEADER + "0,1,1,1\n").getMessage()
                .startsWith("t.csv:2: expected 3 columns like the header, found 4"));
    }

    @Test
    void zeroAndNegativeLengths() throws IOException {
        assertEquals("t.csv:2: num_prefill_tokens must be >= 1 token, got 0", malformed("t.csv", VIDUR_HEADER + "0,0,1\n").getMessage());
        assertEquals("t.csv:3: num_decode_tokens must be >= 1 token, got -4",
                malformed("t.csv", VIDUR_HEADER + "0,1,1\n1,1,-4\n").getMessage());
        assertEquals("a.csv:2: GeneratedTokens must be >= 1 token, got 0",
                malformed("a.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.97,5,0\n").getMessage());
    }

    @Test
    void badTimes() throws IOException {
        assertEquals("t.csv:2: arrived_at is not a number: 'soon'", malformed("t.csv", VIDUR_HEADER + "soon,1,1\n").getMessage());
        assertEquals("t.csv:2: arrived_at is not a finite number: 'NaN'", malformed("t.csv", VIDUR_HEADER + "NaN,1,1\n").getMessage());
        assertEquals("t.csv:2: arrived_at must be >= 0 seconds, got -1.5", malformed("t.csv", VIDUR_HEADER + "-1.5,1,1\n").getMessage());
        final String azure = "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.97,5,1\n";
        for (final String ts : List.of("2023-11-16", "2023-13-16 18:17:03", "2023-11-16 24:00:00", "2023-11-16 18:17:03.",
                "2023-11-16 18:17:03.5 UTC", "16/11/2023 18:17:03")) {
            final TraceFormatException e = malformed("a.csv", azure + ts + ",5,1\n");
            assertTrue(e.getMessage().startsWith("a.csv:3: TIMESTAMP is not of the form"), e.getMessage());
        }
    }
}
