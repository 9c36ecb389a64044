package org.kvsched.pipeline.service;

/**
 * The lifecycle every pipeline service shares, so a service's own {@code main} and the CLI's
 * in-process {@code replay} start and stop it the same way.
 *
 * <p>{@link #start()} returns once the service is running (its threads started); {@link #close()}
 * stops it and waits for its threads. A service that fails after start reports it through
 * {@link #failure()}.
 */
public interface Service extends AutoCloseable {

    /** Service name for logs, e.g. {@code scheduler-stream}. */
    String name();

    /** Starts the service's threads; returns once started. */
    void start();

    /** The error that stopped the service, or null while it is healthy. */
    Throwable failure();

    /**
     * For a service with a finite job (the arrivals producer, the metrics sink): waits until the job
     * is done. Long-running services never finish and return false after the wait.
     *
     * @return true if the job is done
     */
    default boolean awaitDone(final long millis) throws InterruptedException {
        Thread.sleep(millis);
        return false;
    }

    /** Stops the service and waits for its threads (idempotent). */
    @Override
    void close();
}
