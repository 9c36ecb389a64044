package org.kvsched.reports;

import java.util.LinkedHashMap;
import java.util.Map;

import org.kvsched.core.metrics.RunResult;
import org.kvsched.core.metrics.Stats;
import org.kvsched.core.metrics.Summary;

/**
 * The JSON form of a {@link Summary}: the contract of {@code simulate --json}, the metrics sink and
 * {@code compare}. Keys are snake_case, in this order: {@code requests, completed, rejected, preemptions,
 * throughput_tokens_per_s} (output tokens per second of makespan), {@code throughput_requests_per_s,
 * output_tokens, ttft_ms, e2e_ms, tpot_ms, normalized_latency_ms, scheduling_delay_ms} (each an object
 * with {@code count, mean, p50, p90, p99, max}, milliseconds), {@code kv_util_mean} (fraction 0..1),
 * {@code kv_peak_tokens, kv_capacity_tokens, makespan_s} (seconds), {@code iterations, plans, replicas},
 * then {@code wall_s} (wall-clock seconds of the run; 0 when unknown). Non-finite numbers are written as
 * {@code null} (see {@link ReportJson}).
 */
public final class SummaryJson {

    /** The key of the wall-clock duration, which the summary does not know and the caller supplies. */
    public static final String WALL_S = "wall_s";

    private SummaryJson() {
    }

    /**
     * The summary as a pretty-printed JSON object: the summary keys, {@code wall_s}, then the other
     * entries of {@code extra} in its iteration order.
     *
     * @param s     the summary
     * @param extra additional top-level fields (String, Number, Boolean, Map, List or null values);
     *              {@code wall_s} here sets the wall-clock seconds, otherwise 0 is written
     * @throws IllegalArgumentException if {@code extra} repeats a summary key (which would silently
     *                                  replace a measured figure)
     */
    public static String toJson(final Summary s, final Map<String, Object> extra) {
        final Map<String, Object> out = toMap(s);
        out.put(WALL_S, extra.containsKey(WALL_S) ? extra.get(WALL_S) : 0);
        for (final Map.Entry<String, Object> e : extra.entrySet()) {
            if (e.getKey().equals(WALL_S)) {
                continue;
            }
            if (out.containsKey(e.getKey())) {
                throw new IllegalArgumentException("extra field \"" + e.getKey() + "\" would replace a summary field");
            }
            out.put(e.getKey(), e.getValue());
        }
        return ReportJson.write(out);
    }

    /**
     * The summary fields (every key above except {@code wall_s}) as a fresh, mutable, ordered map, for
     * callers that nest summaries in a larger document.
     */
    public static Map<String, Object> toMap(final Summary s) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("requests", s.requests());
        m.put("completed", s.completed());
        m.put("rejected", s.rejected());
        m.put("preemptions", s.preemptions());
        m.put("throughput_tokens_per_s", s.throughputTokensPerS());
        m.put("throughput_requests_per_s", s.throughputRequestsPerS());
        m.put("output_tokens", s.outputTokens());
        m.put("ttft_ms", toMap(s.ttftMs()));
        m.put("e2e_ms", toMap(s.e2eMs()));
        m.put("tpot_ms", toMap(s.tpotMs()));
        m.put("normalized_latency_ms", toMap(s.normalizedLatencyMs()));
        m.put("scheduling_delay_ms", toMap(s.schedulingDelayMs()));
        m.put("kv_util_mean", s.kvUtilMean());
        m.put("kv_peak_tokens", s.kvPeakTokens());
        m.put("kv_capacity_tokens", s.kvCapacityTokens());
        m.put("makespan_s", s.makespanS());
        m.put("iterations", s.iterations());
        m.put("plans", s.plans());
        m.put("replicas", s.replicas());
        return m;
    }

    /** {@code count, mean, p50, p90, p99, max} of one statistic, in its own unit. */
    public static Map<String, Object> toMap(final Stats st) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", st.count());
        m.put("mean", st.mean());
        m.put("p50", st.p50());
        m.put("p90", st.p90());
        m.put("p99", st.p99());
        m.put("max", st.max());
        return m;
    }

    /**
     * One run as a map: {@code label, model, rate_scale}, the summary fields, then {@code wall_s}.
     * This is the element of the {@code runs} array of a report's {@code summary.json}.
     */
    public static Map<String, Object> toMap(final RunResult r) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", r.label());
        m.put("model", r.model());
        m.put("rate_scale", r.rateScale());
        m.putAll(toMap(r.summary()));
        m.put(WALL_S, r.wallSeconds());
        return m;
    }
}
