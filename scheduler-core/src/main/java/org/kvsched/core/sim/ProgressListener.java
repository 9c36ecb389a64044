package org.kvsched.core.sim;

/** Told from time to time how far a run has come; implementations may print, the core never does. */
public interface ProgressListener {

    /**
     * @param finishedRequests requests completed or rejected so far
     * @param totalRequests    requests in the workload
     * @param virtualTimeUs    the engine's current virtual time, microseconds
     */
    void onProgress(long finishedRequests, long totalRequests, long virtualTimeUs);

    ProgressListener NONE = (finished, total, time) -> { };
}
