package org.kvsched.core.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kvsched.core.workload.Stats.assertNear;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.testing.SharedData;

/**
 * The team's shared traces load with the row counts and statistics of
 * ../shared/data/traces/SOURCES.md. Skipped outside CI when the files are absent.
 *
 * <p>Isolated: it times a read, so no concurrent test (the policy contract suite runs alongside the rest) may
 * share the cores with it.
 */
@Isolated
class SharedTracesTest {

    private static final WorkloadOptions RAW = WorkloadOptions.defaults().withMaxContextTokens(0);

    private static Workload raw(final String file) throws IOException {
        return Workloads.readTrace(SharedData.require("data/traces/" + file), RAW);
    }

    private static double meanPrompt(final Workload w) {
        return (double) w.totalPromptTokens() / w.size();
    }

    private static double meanOutput(final Workload w) {
        return (double) w.totalOutputTokens() / w.size();
    }

    private static void assertStartsAtZeroAndSorted(final Workload w) {
        assertEquals(0L, w.requests().get(0).arrivalUs());
        for (int i = 1; i < w.size(); i++) {
            assertTrue(w.requests().get(i).arrivalUs() >= w.requests().get(i - 1).arrivalUs());
        }
    }

    @Test
    void splitwiseConv() throws IOException {
        final Workload w = raw("splitwise_conv.csv");
        assertEquals(19_366, w.size());
        assertStartsAtZeroAndSorted(w);
        assertEquals(3_501_721_937L, w.durationUs());
        assertEquals(1154.7, meanPrompt(w), 0.05);
        assertEquals(211.1, meanOutput(w), 0.05);
        assertEquals(new WorkloadRequest(1, 4_314_579L, 396, 109), w.requests().get(1));
    }

    @Test
    void splitwiseCode() throws IOException {
        final Workload w = raw("splitwise_code.csv");
        assertEquals(8_819, w.size());
        assertStartsAtZeroAndSorted(w);
        assertEquals(2047.8, meanPrompt(w), 0.05);
        assertEquals(27.9, meanOutput(w), 0.05);
    }

    @Test
    void azureConvMatchesSplitwiseConvRowForRow() throws IOException {
        final Workload azure = raw("AzureLLMInferenceTrace_conv.csv");
        final Workload vidur = raw("splitwise_conv.csv");
        assertRowForRow(azure, vidur, 19_366);
        assertEquals(5.53, azure.meanRatePerSecond(), 0.005);
    }

    @Test
    void azureCodeMatchesSplitwiseCodeRowForRow() throws IOException {
        assertRowForRow(raw("AzureLLMInferenceTrace_code.csv"), raw("splitwise_code.csv"), 8_819);
    }

    private static void assertRowForRow(final Workload azure, final Workload vidur, final int rows) {
        assertEquals(rows, azure.size());
        assertEquals(rows, vidur.size());
        long worstUs = 0;
        for (int i = 0; i < rows; i++) {
            final WorkloadRequest a = azure.requests().get(i);
            final WorkloadRequest v = vidur.requests().get(i);
            assertEquals(v.promptTokens(), a.promptTokens(), "prompt of row " + i);
            assertEquals(v.outputTokens(), a.outputTokens(), "output of row " + i);
            worstUs = Math.max(worstUs, Math.abs(a.arrivalUs() - v.arrivalUs()));
        }
        assertTrue(worstUs <= 1_000, "arrivals differ by up to " + worstUs + " us");
    }

    @Test
    void shareGptLengthOnly() throws IOException {
        final Path file = SharedData.require("data/traces/sharegpt_8k_filtered_stats_llama2_tokenizer.csv");
        final Workload w = Workloads.readTrace(file, RAW, ArrivalProcess.poisson(2.0), 1L);
        assertEquals(30_731, w.size());
        assertStartsAtZeroAndSorted(w);
        assertEquals(2340.0, meanPrompt(w), 0.05);
        assertEquals(438.7, meanOutput(w), 0.05);
        assertEquals(List.of(74, 918), List.of(w.requests().get(0).promptTokens(), w.requests().get(0).outputTokens()), "file order");
        assertNear(2.0, w.meanRatePerSecond(), 0.03, "poisson rate");
        // Empirical sampling from the same file reproduces its means.
        final EmpiricalLengths table = EmpiricalLengths.read(file);
        assertEquals(30_731, table.size());
        final Workload sampled = Workloads.generate("poisson:rate=1,n=20000,prompt=empirical:" + file + ",output=empirical:" + file, RAW, 5);
        assertNear(2340.0, meanPrompt(sampled), 0.03, "empirical prompt mean");
        assertNear(438.7, meanOutput(sampled), 0.03, "empirical output mean");
    }

    @Test
    void defaultContextCapCutsTheConvPromptsNearFourK() throws IOException {
        // 7.6% of conv prompts sit in a spike at 4,000-4,199 tokens (production truncation upstream),
        // so the 4K cap shortens 1,612 requests (8.3%), not the ~1% its p99 would suggest.
        final Workload raw = raw("splitwise_conv.csv");
        final Workload capped = Workloads.readTrace(SharedData.require("data/traces/splitwise_conv.csv"), WorkloadOptions.defaults());
        int changed = 0;
        for (int i = 0; i < raw.size(); i++) {
            final WorkloadRequest r = raw.requests().get(i);
            final WorkloadRequest c = capped.requests().get(i);
            assertEquals(r.outputTokens(), c.outputTokens(), "no conv output reaches 4096");
            if (r.totalTokens() > 4096) {
                changed++;
                assertEquals(4096, c.totalTokens());
            } else {
                assertEquals(r, c);
            }
        }
        System.out.printf("splitwise_conv: %d of %d requests exceed 4096 tokens and have their prompt cut%n", changed, raw.size());
        assertEquals(1_612, changed);
    }

    @Test
    void azureConvReadsFast() throws IOException {
        final Path file = SharedData.require("data/traces/AzureLLMInferenceTrace_conv.csv");
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            final long start = System.nanoTime();
            Workloads.readTrace(file, WorkloadOptions.defaults());
            best = Math.min(best, System.nanoTime() - start);
        }
        System.out.printf("AzureLLMInferenceTrace_conv.csv (19,366 rows): best of 5 reads %.1f ms%n", best / 1e6);
        assertTrue(best < 200_000_000L, "read took " + best / 1e6 + " ms");
    }
}
