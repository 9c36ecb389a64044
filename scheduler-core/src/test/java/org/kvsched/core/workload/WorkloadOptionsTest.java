package org.kvsched.core.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kvsched.core.model.WorkloadRequest;

class WorkloadOptionsTest {

    private static final WorkloadOptions RAW = WorkloadOptions.defaults().withMaxContextTokens(0);

    @TempDir
    Path dir;

    /** Arrivals at 1, 2, 3, ..., 10 s (microseconds as written), prompt = 100 * row, output = row. */
    private Path tenRows() throws IOException {
        final StringBuilder sb = new StringBuilder("arrived_at,num_prefill_tokens,num_decode_tokens\n");
        for (int i = 1; i <= 10; i++) {
            sb.append(i).append(".000001,").append(100 * i).append(',').append(i).append('\n');
        }
        final Path file = dir.resolve("ten.csv");
        Files.writeString(file, sb.toString());
        return file;
    }

    private static List<Long> arrivals(final Workload w) {
        return w.requests().stream().map(WorkloadRequest::arrivalUs).collect(Collectors.toList());
    }

    private static List<Integer> prompts(final Workload w) {
        return w.requests().stream().map(WorkloadRequest::promptTokens).collect(Collectors.toList());
    }

    @Test
    void defaultsAreAsDocumented() {
        final WorkloadOptions d = WorkloadOptions.defaults();
        assertEquals(new WorkloadOptions(1.0, 0, 0, Long.MAX_VALUE, 4096), d);
        assertTrue(!d.hasWindow());
        assertEquals("", d.describeNonDefaults());
    }

    @Test
    void rateScaleTwoHalvesEveryTime() throws IOException {
        final Path file = tenRows();
        final Workload base = Workloads.readTrace(file, RAW);
        final Workload fast = Workloads.readTrace(file, RAW.withRateScale(2.0));
        assertEquals(base.size(), fast.size());
        for (int i = 0; i < base.size(); i++) {
            assertEquals(Math.round(base.requests().get(i).arrivalUs() / 2.0), fast.requests().get(i).arrivalUs());
        }
        assertEquals(base.durationUs() / 2, fast.durationUs());
        assertEquals(2.0 * base.meanRatePerSecond(), fast.meanRatePerSecond(), 1e-9);
        assertTrue(fast.name().contains("rate x2.0"), fast.name());
        // Slowing down works too, with Math.round on each time.
        assertEquals(List.of(0L, 3_333_333L), arrivals(Workloads.readTrace(file, RAW.withRateScale(0.3).withMaxRequests(2))));
    }

    @Test
    void windowUsesOriginalTimesHalfOpenAndRebases() throws IOException {
        final Path file = tenRows();
        // Original times are 1_000_001, 2_000_001, ... ; [3_000_001, 6_000_001) keeps rows 3, 4, 5.
        final Workload w = Workloads.readTrace(file, RAW.withWindow(3_000_001L, 6_000_001L));
        assertEquals(List.of(300, 400, 500), prompts(w));
        assertEquals(List.of(0L, 1_000_000L, 2_000_000L), arrivals(w));
        assertEquals(List.of(0L, 1L, 2L), w.requests().stream().map(WorkloadRequest::id).collect(Collectors.toList()));
        // Even without a window, the first request is moved to 0.
        assertEquals(0L, Workloads.readTrace(file, RAW).requests().get(0).arrivalUs());
        assertTrue(Workloads.readTrace(file, RAW.withWindow(100_000_000L, 200_000_000L)).isEmpty());
    }

    @Test
    void windowIsAppliedBeforeRateScaleAndMaxRequests() throws IOException {
        final Path file = tenRows();
        final Workload w = Workloads.readTrace(file, RAW.withWindow(3_000_001L, 8_000_000L).withRateScale(4.0).withMaxRequests(3));
        // Window keeps rows 3..7 (times as written), rebase, then / 4, then the first 3.
        assertEquals(List.of(300, 400, 500), prompts(w));
        assertEquals(List.of(0L, 250_000L, 500_000L), arrivals(w));
    }

    @Test
    void maxRequestsKeepsTheFirstN() throws IOException {
        final Workload w = Workloads.readTrace(tenRows(), RAW.withMaxRequests(4));
        assertEquals(List.of(100, 200, 300, 400), prompts(w));
        assertEquals(10, Workloads.readTrace(tenRows(), RAW.withMaxRequests(50)).size());
    }

    @Test
    void truncationCutsThePromptAndKeepsAtLeastOneToken() throws IOException {
        final Path file = dir.resolve("long.csv");
        Files.writeString(file, "arrived_at,num_prefill_tokens,num_decode_tokens\n"
                + "0,4000,96\n"        // exactly 4096: unchanged
                + "1,4000,97\n"        // 4097: prompt cut to 3999
                + "2,14050,500\n"      // prompt cut to 3596
                + "3,10,4095\n"        // output 4095 < 4096: prompt 1
                + "4,10,4096\n"        // output alone fills the context: output 4095, prompt 1
                + "5,10,9000\n");      // likewise
        final Workload w = Workloads.readTrace(file, WorkloadOptions.defaults());
        final List<List<Integer>> got = w.requests().stream().map(r -> List.of(r.promptTokens(), r.outputTokens()))
                .collect(Collectors.toList());
        assertEquals(List.of(List.of(4000, 96), List.of(3999, 97), List.of(3596, 500), List.of(1, 4095), List.of(1, 4095),
                List.of(1, 4095)), got);
        for (final WorkloadRequest r : w.requests()) {
            assertTrue(r.totalTokens() <= 4096);
        }
        final Workload small = Workloads.readTrace(file, WorkloadOptions.defaults().withMaxContextTokens(2));
        assertTrue(small.requests().stream().allMatch(r -> r.promptTokens() == 1 && r.outputTokens() == 1));
        final Workload raw = Workloads.readTrace(file, RAW);
        assertEquals(14050, raw.requests().get(2).promptTokens());
        assertEquals(9000, raw.requests().get(5).outputTokens());
    }

    @Test
    void invalidOptionsAreRejected() {
        final WorkloadOptions d = WorkloadOptions.defaults();
        assertThrows(IllegalArgumentException.class, () -> d.withRateScale(0));
        assertThrows(IllegalArgumentException.class, () -> d.withRateScale(-1));
        assertThrows(IllegalArgumentException.class, () -> d.withRateScale(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> d.withRateScale(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> d.withMaxRequests(-1));
        assertThrows(IllegalArgumentException.class, () -> d.withWindow(-1, 10));
        assertThrows(IllegalArgumentException.class, () -> d.withWindow(10, 10));
        assertThrows(IllegalArgumentException.class, () -> d.withMaxContextTokens(1));
        assertThrows(IllegalArgumentException.class, () -> d.withMaxContextTokens(-5));
    }

    @Test
    void namesListTheNonDefaultOptions() {
        final WorkloadOptions o = WorkloadOptions.defaults().withWindow(5, 10).withRateScale(2).withMaxRequests(3).withMaxContextTokens(0);
        assertEquals("window [5, 10) us, rate x2.0, max 3, no context cap", o.describeNonDefaults());
        assertEquals("context 2048", WorkloadOptions.defaults().withMaxContextTokens(2048).describeNonDefaults());
    }
}
