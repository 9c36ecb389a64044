package org.kvsched.schemas.topic;

import java.util.List;

import org.kvsched.schemas.avro.ArrivalEvent;
import org.kvsched.schemas.avro.BatchPlan;
import org.kvsched.schemas.avro.ErrorRecord;
import org.kvsched.schemas.avro.ReplicaEnd;
import org.kvsched.schemas.avro.RequestEvent;
import org.kvsched.schemas.avro.StepReport;
import org.kvsched.schemas.avro.StepSummary;

/**
 * The immutable catalog of every topic of the pipeline (docs/kafka-pipeline.md "Topics"). An instance, not
 * static state: tests and parallel runs build one with a prefix so their topics never collide.
 *
 * <p>{@code arrivals}, {@code plans} and {@code step-reports} are co-partitioned: one partition per
 * replica, keyed by replica id, so replica r's arrivals, plans and reports share partition r.
 *
 * @param arrivals       requests and end-of-trace markers, key replica id
 * @param plans          batch plans, key replica id
 * @param stepReports    workers' reports, key replica id
 * @param requestEvents  request lifecycle events, key request id
 * @param stepSummaries  per-plan KV and work summaries for metrics, key replica id
 * @param replicaEnds    one record per replica when it has finished its workload, key replica id
 * @param errors         records a service could not use, key the source key bytes
 */
public record TopicCatalog(TopicSpec<Integer, ArrivalEvent> arrivals,
                           TopicSpec<Integer, BatchPlan> plans,
                           TopicSpec<Integer, StepReport> stepReports,
                           TopicSpec<Long, RequestEvent> requestEvents,
                           TopicSpec<Integer, StepSummary> stepSummaries,
                           TopicSpec<Integer, ReplicaEnd> replicaEnds,
                           TopicSpec<byte[], ErrorRecord> errors) {

    /** Base name of the arrivals topic. */
    public static final String ARRIVALS = "arrivals";
    /** Base name of the plans topic. */
    public static final String PLANS = "plans";
    /** Base name of the step-reports topic. */
    public static final String STEP_REPORTS = "step-reports";
    /** Base name of the request-events topic. */
    public static final String REQUEST_EVENTS = "request-events";
    /** Base name of the step-summaries topic. */
    public static final String STEP_SUMMARIES = "step-summaries";
    /** Base name of the replica-ends topic. */
    public static final String REPLICA_ENDS = "replica-ends";
    /** Base name of the errors topic. */
    public static final String ERRORS = "errors";

    /** The catalog with the base names. */
    public static TopicCatalog defaults() {
        return withPrefix("");
    }

    /**
     * The catalog with every name prefixed (e.g. {@code "run-42."}); an empty prefix gives the base names.
     */
    public static TopicCatalog withPrefix(final String prefix) {
        if (prefix == null || prefix.chars().anyMatch(c -> !(Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-'))) {
            throw new IllegalArgumentException("topic prefix: only letters, digits, '.', '_' and '-' allowed, got '" + prefix + "'");
        }
        return new TopicCatalog(
                new TopicSpec<>(prefix + ARRIVALS, Integer.class, ArrivalEvent.class, true),
                new TopicSpec<>(prefix + PLANS, Integer.class, BatchPlan.class, true),
                new TopicSpec<>(prefix + STEP_REPORTS, Integer.class, StepReport.class, true),
                new TopicSpec<>(prefix + REQUEST_EVENTS, Long.class, RequestEvent.class, false),
                new TopicSpec<>(prefix + STEP_SUMMARIES, Integer.class, StepSummary.class, true),
                new TopicSpec<>(prefix + REPLICA_ENDS, Integer.class, ReplicaEnd.class, false),
                new TopicSpec<>(prefix + ERRORS, byte[].class, ErrorRecord.class, false));
    }

    /** Every topic, in pipeline order. */
    public List<TopicSpec<?, ?>> all() {
        return List.of(arrivals, plans, stepReports, requestEvents, stepSummaries, replicaEnds, errors);
    }
}
