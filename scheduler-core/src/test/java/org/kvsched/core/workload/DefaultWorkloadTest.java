package org.kvsched.core.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kvsched.core.workload.Stats.assertNear;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.testing.SharedData;

class DefaultWorkloadTest {

    private static final WorkloadOptions RAW = WorkloadOptions.defaults().withMaxContextTokens(0);

    /** rate (req/s), gap cv, prompt median, prompt mean, output median, output mean. */
    private static double[] summary(final Workload w) {
        final List<WorkloadRequest> r = w.requests();
        final long[] times = r.stream().mapToLong(WorkloadRequest::arrivalUs).toArray();
        final double[] prompts = r.stream().mapToDouble(WorkloadRequest::promptTokens).toArray();
        final double[] outputs = r.stream().mapToDouble(WorkloadRequest::outputTokens).toArray();
        return new double[] {w.meanRatePerSecond(), Stats.cv(Stats.gapsSeconds(times)), Stats.median(prompts), Stats.mean(prompts),
                Stats.median(outputs), Stats.mean(outputs)};
    }

    @Test
    void hasTwoThousandRequestsNearTheAzureConvStatistics() throws IOException {
        final Workload w = Workloads.defaultWorkload(RAW, 42);
        assertEquals(2000, w.size());
        assertEquals(0L, w.requests().get(0).arrivalUs());
        final double[] s = summary(w);
        final double[] target = {5.53, 1.09, 1020, 1154.7, 129, 211.1};
        final String[] names = {"rate req/s", "gap cv", "prompt median", "prompt mean", "output median", "output mean"};
        for (int i = 0; i < target.length; i++) {
            assertNear(target[i], s[i], 0.10, names[i]);
        }
        for (final WorkloadRequest r : w.requests()) {
            assertTrue(r.promptTokens() >= 2 && r.promptTokens() <= 14050 && r.outputTokens() >= 7 && r.outputTokens() <= 1000);
        }

        final Path conv = SharedData.sharedDir().resolve("data/traces/AzureLLMInferenceTrace_conv.csv");
        final double[] real = Files.exists(conv) ? summary(Workloads.readTrace(conv, RAW)) : null;
        System.out.println("default workload (seed 42, 2000 requests) vs calibration targets"
                + (real != null ? " vs " + conv.getFileName() : " (shared Azure conv trace absent)") + ":");
        for (int i = 0; i < target.length; i++) {
            System.out.printf("  %-14s generated %9.2f   target %9.2f%s%n", names[i], s[i], target[i],
                    real != null ? String.format("   trace %9.2f", real[i]) : "");
        }
        if (real != null) {
            // The targets are SOURCES.md's statistics of that very file.
            for (int i = 0; i < target.length; i++) {
                assertNear(target[i], real[i], 0.01, "trace " + names[i]);
            }
        }
    }

    @Test
    void maxRequestsSetsTheCountExactly() {
        assertEquals(500, Workloads.defaultWorkload(RAW.withMaxRequests(500), 1).size());
        assertEquals(5000, Workloads.defaultWorkload(RAW.withMaxRequests(5000), 1).size());
        assertTrue(Workloads.defaultWorkload(RAW.withMaxRequests(500), 1).name().contains("n=500"));
    }

    @Test
    void sameSeedSameWorkloadAndOptionsApply() {
        final Workload a = Workloads.defaultWorkload(WorkloadOptions.defaults(), 3);
        assertEquals(a, Workloads.defaultWorkload(WorkloadOptions.defaults(), 3));
        assertTrue(a.requests().stream().allMatch(r -> r.totalTokens() <= 4096));
        final Workload fast = Workloads.defaultWorkload(WorkloadOptions.defaults().withRateScale(2), 3);
        assertEquals(Math.round(a.requests().get(1999).arrivalUs() / 2.0), fast.requests().get(1999).arrivalUs());
        final Workload early = Workloads.defaultWorkload(WorkloadOptions.defaults().withWindow(0, 60_000_000L), 3);
        assertNear(60 * 5.53, early.size(), 0.2, "requests in the first minute");
    }
}
