package org.kvsched.core.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * Transformations applied to every workload after it is read from a trace or generated.
 *
 * <p>They are applied in this order:
 * <ol>
 *   <li><b>Window</b>: keep the requests whose original arrival time t (microseconds, as read or
 *       generated, before any other option) satisfies {@code windowStartUs <= t < windowEndUs}.</li>
 *   <li><b>Re-base</b>: subtract the first kept arrival time, so the workload starts at 0. This
 *       always happens, window or not: every workload from {@link Workloads} starts at time 0.</li>
 *   <li><b>Rate scale</b>: each arrival time t becomes {@code Math.round(t / rateScale)}, so
 *       {@code rateScale = 2} doubles the arrival rate (halves every gap).</li>
 *   <li><b>Max requests</b>: keep the first {@code maxRequests} requests in arrival order
 *       (0 keeps all).</li>
 *   <li><b>Max context</b>: when {@code maxContextTokens > 0} and prompt + output exceeds it, the
 *       prompt is shortened to {@code maxContextTokens - output}; if the output alone is
 *       {@code >= maxContextTokens}, the output becomes {@code maxContextTokens - 1} and the prompt 1.
 *       This is Vidur's trace_replay convention for 4K-context Llama-2 (cut the prompt, keep the
 *       output).</li>
 *   <li>Ids are reassigned {@code 0..n-1} in arrival order (ties keep their original order).</li>
 * </ol>
 *
 * @param rateScale         time compression factor, &gt; 0 and finite (1 = unchanged)
 * @param maxRequests       number of requests to keep, &gt;= 0 (0 = all)
 * @param windowStartUs     inclusive start of the window on original arrival times, microseconds, &gt;= 0
 * @param windowEndUs       exclusive end of the window, microseconds, &gt; windowStartUs
 *                          ({@link Long#MAX_VALUE} = no end)
 * @param maxContextTokens  cap on prompt + output in tokens; 0 = no truncation, otherwise &gt;= 2
 */
public record WorkloadOptions(double rateScale, int maxRequests, long windowStartUs, long windowEndUs, int maxContextTokens) {

    /** The context length of Llama-2 models, Vidur's default {@code max_tokens}. */
    public static final int LLAMA2_CONTEXT_TOKENS = 4096;

    public WorkloadOptions {
        if (!(rateScale > 0) || Double.isInfinite(rateScale)) {
            throw new IllegalArgumentException("rateScale must be > 0 and finite, got " + rateScale);
        }
        if (maxRequests < 0) {
            throw new IllegalArgumentException("maxRequests must be >= 0 (0 = all), got " + maxRequests);
        }
        if (windowStartUs < 0 || windowEndUs <= windowStartUs) {
            throw new IllegalArgumentException("window must satisfy 0 <= start < end, got [" + windowStartUs + ", "
                    + windowEndUs + ") us");
        }
        if (maxContextTokens < 0 || maxContextTokens == 1) {
            // 1 cannot hold a 1-token prompt plus a 1-token output, the smallest legal request.
            throw new IllegalArgumentException("maxContextTokens must be 0 (no truncation) or >= 2, got " + maxContextTokens);
        }
    }

    /** Rate scale 1, all requests, no window, prompts truncated to fit a 4096-token context. */
    public static WorkloadOptions defaults() {
        return new WorkloadOptions(1.0, 0, 0L, Long.MAX_VALUE, LLAMA2_CONTEXT_TOKENS);
    }

    /** Same options with another time compression factor (2 = twice the arrival rate). */
    public WorkloadOptions withRateScale(final double scale) {
        return new WorkloadOptions(scale, maxRequests, windowStartUs, windowEndUs, maxContextTokens);
    }

    /** Same options keeping only the first {@code n} requests (0 = all). */
    public WorkloadOptions withMaxRequests(final int n) {
        return new WorkloadOptions(rateScale, n, windowStartUs, windowEndUs, maxContextTokens);
    }

    /** Same options with the window {@code [startUs, endUs)} on original arrival times, microseconds. */
    public WorkloadOptions withWindow(final long startUs, final long endUs) {
        return new WorkloadOptions(rateScale, maxRequests, startUs, endUs, maxContextTokens);
    }

    /** Same options with another context cap in tokens (0 = no truncation). */
    public WorkloadOptions withMaxContextTokens(final int tokens) {
        return new WorkloadOptions(rateScale, maxRequests, windowStartUs, windowEndUs, tokens);
    }

    /** True when a window narrower than {@code [0, Long.MAX_VALUE)} is set. */
    public boolean hasWindow() {
        return windowStartUs != 0 || windowEndUs != Long.MAX_VALUE;
    }

    /**
     * The options that differ from {@link #defaults()}, e.g. {@code "rate x2.0, max 100"}; empty
     * when all are default. Used to make workload names self-describing.
     */
    public String describeNonDefaults() {
        final List<String> parts = new ArrayList<>();
        if (hasWindow()) {
            parts.add("window [" + windowStartUs + ", " + (windowEndUs == Long.MAX_VALUE ? "end" : windowEndUs) + ") us");
        }
        if (rateScale != 1.0) {
            parts.add("rate x" + rateScale);
        }
        if (maxRequests != 0) {
            parts.add("max " + maxRequests);
        }
        if (maxContextTokens != LLAMA2_CONTEXT_TOKENS) {
            parts.add(maxContextTokens == 0 ? "no context cap" : "context " + maxContextTokens);
        }
        return String.join(", ", parts);
    }
}
