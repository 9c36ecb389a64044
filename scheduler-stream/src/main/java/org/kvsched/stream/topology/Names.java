package org.kvsched.stream.topology;

/**
 * Names of the Kafka Streams nodes and state stores of the scheduler topology, in one place so the
 * topology, its tests and operators' tooling agree (docs/kafka-pipeline.md "The scheduler").
 */
public final class Names {

    /** Source node reading {@code arrivals}. */
    public static final String ARRIVALS_SOURCE = "arrivals-source";
    /** Source node reading {@code step-reports}. */
    public static final String STEP_REPORTS_SOURCE = "step-reports-source";
    /** The scheduler processor node. */
    public static final String SCHEDULER_PROCESSOR = "scheduler";
    /** Sink node writing {@code plans}. */
    public static final String PLANS_SINK = "plans-sink";
    /** Sink node writing {@code request-events}. */
    public static final String REQUEST_EVENTS_SINK = "request-events-sink";
    /** Sink node writing {@code step-summaries}. */
    public static final String STEP_SUMMARIES_SINK = "step-summaries-sink";
    /** Sink node writing {@code replica-ends}. */
    public static final String REPLICA_ENDS_SINK = "replica-ends-sink";
    /** Sink node writing {@code errors}. */
    public static final String ERRORS_SINK = "errors-sink";
    /** Persistent (RocksDB, changelogged) store of each replica's scheduler inputs. */
    public static final String REPLICA_LOG_STORE = "replica-log";

    private Names() {
    }
}
