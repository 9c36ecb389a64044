package org.kvsched.core.metrics;

import java.util.List;

/**
 * Everything one run produced, for reports: which configuration, the summary, and the raw series.
 *
 * @param label      what was run (usually the policy spec)
 * @param model      model profile name
 * @param rateScale  arrival-rate scale of the workload
 * @param summary    headline figures
 * @param outcomes   per-request outcomes
 * @param kvSamples  KV occupancy after every plan
 * @param wallSeconds wall-clock time of the run, seconds (measured by the caller; 0 if unknown)
 */
public record RunResult(String label, String model, double rateScale, Summary summary, List<RequestOutcome> outcomes,
                        List<KvSample> kvSamples, double wallSeconds) {
}
