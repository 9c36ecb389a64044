package org.kvsched.core.metrics;

/**
 * The headline figures of one run, as {@code simulate --json} and the metrics sink write them.
 *
 * @param requests               requests in the workload
 * @param completed              requests completed
 * @param rejected               requests rejected (never servable, or stalled by the policy)
 * @param preemptions            preemptions over all requests
 * @param outputTokens           output tokens of completed requests
 * @param throughputTokensPerS   output tokens of completed requests per second of makespan
 * @param throughputRequestsPerS completed requests per second of makespan
 * @param ttftMs                 time to first token, milliseconds
 * @param e2eMs                  end-to-end latency, milliseconds
 * @param tpotMs                 time per output token after the first, milliseconds
 * @param normalizedLatencyMs    end-to-end latency per output token, milliseconds
 * @param schedulingDelayMs      arrival to first admission, milliseconds
 * @param kvUtilMean             time-weighted mean of used/capacity KV blocks over the makespan, all replicas
 * @param kvPeakTokens           most KV tokens (whole blocks) in use on one replica at once
 * @param kvCapacityTokens       KV capacity of one replica, tokens
 * @param makespanS              first arrival to last completion, seconds
 * @param iterations             iterations executed, all replicas
 * @param plans                  plans (scheduler round trips), all replicas
 * @param replicas               number of replicas
 */
public record Summary(long requests, long completed, long rejected, long preemptions, long outputTokens,
                      double throughputTokensPerS, double throughputRequestsPerS,
                      Stats ttftMs, Stats e2eMs, Stats tpotMs, Stats normalizedLatencyMs, Stats schedulingDelayMs,
                      double kvUtilMean, long kvPeakTokens, long kvCapacityTokens, double makespanS,
                      long iterations, long plans, int replicas) {
}
