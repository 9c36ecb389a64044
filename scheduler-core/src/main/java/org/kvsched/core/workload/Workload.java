package org.kvsched.core.workload;

import java.util.List;

import org.kvsched.core.model.WorkloadRequest;

/**
 * A named, immutable list of requests: what a simulation or a replay feeds to the scheduler.
 *
 * <p>Contract (checked on construction): the requests are sorted by arrival time, ties broken by id,
 * and the ids are exactly {@code 0..n-1} in that order. Every workload built by {@link Workloads}
 * also has its first request at time 0 (see {@link WorkloadOptions}), but this record does not
 * require it, so callers may build shifted workloads by hand.
 *
 * <p>Units: arrival times in microseconds, lengths in tokens (see {@link WorkloadRequest}).
 *
 * @param name      human-readable origin (file name or spec string, plus the non-default options)
 * @param requests  the requests, sorted as described above; copied defensively
 */
public record Workload(String name, List<WorkloadRequest> requests) {

    public Workload {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("workload name must not be blank");
        }
        requests = List.copyOf(requests);
        long previousArrival = Long.MIN_VALUE;
        for (int i = 0; i < requests.size(); i++) {
            final WorkloadRequest r = requests.get(i);
            if (r.id() != i) {
                throw new IllegalArgumentException("workload " + name + ": request at index " + i + " has id " + r.id()
                        + "; ids must be 0..n-1 in arrival order");
            }
            if (r.arrivalUs() < previousArrival) {
                throw new IllegalArgumentException("workload " + name + ": request " + i + " arrives at " + r.arrivalUs()
                        + " us, before its predecessor at " + previousArrival + " us");
            }
            previousArrival = r.arrivalUs();
        }
    }

    /** Number of requests. */
    public int size() {
        return requests.size();
    }

    /** True when the workload has no requests (e.g. a window that matched nothing). */
    public boolean isEmpty() {
        return requests.isEmpty();
    }

    /** Sum of the prompt lengths, in tokens. */
    public long totalPromptTokens() {
        long sum = 0;
        for (final WorkloadRequest r : requests) {
            sum += r.promptTokens();
        }
        return sum;
    }

    /** Sum of the true output lengths, in tokens. */
    public long totalOutputTokens() {
        long sum = 0;
        for (final WorkloadRequest r : requests) {
            sum += r.outputTokens();
        }
        return sum;
    }

    /** Time from the first to the last arrival, in microseconds; 0 for fewer than two requests. */
    public long durationUs() {
        if (requests.size() < 2) {
            return 0;
        }
        return requests.get(requests.size() - 1).arrivalUs() - requests.get(0).arrivalUs();
    }

    /**
     * Mean arrival rate in requests per second, counted as (n - 1) gaps over {@link #durationUs()};
     * 0 when the duration is 0 (all requests at once, or fewer than two).
     */
    public double meanRatePerSecond() {
        final long duration = durationUs();
        return duration == 0 ? 0.0 : (requests.size() - 1) * 1e6 / duration;
    }
}
