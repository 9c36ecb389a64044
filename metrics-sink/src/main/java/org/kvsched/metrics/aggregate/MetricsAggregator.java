package org.kvsched.metrics.aggregate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.kvsched.core.metrics.MetricsCollector;
import org.kvsched.core.metrics.RequestOutcome;
import org.kvsched.core.metrics.Summary;
import org.kvsched.pipeline.mapping.EventMapping;
import org.kvsched.pipeline.mapping.SummaryMapping;
import org.kvsched.schemas.avro.ErrorRecord;
import org.kvsched.schemas.avro.ReplicaEnd;
import org.kvsched.schemas.avro.RequestEvent;
import org.kvsched.schemas.avro.StepSummary;

/**
 * The sink's pure aggregation: feeds what it consumes into the core {@link MetricsCollector} (the same
 * code the in-memory engine uses, so the summaries agree to the last digit), counts error records,
 * and knows when the run is over: every replica has sent its {@link ReplicaEnd}, and the terminal
 * request events and error records those ends announce have all been seen (they travel on other
 * topics, so they may come later). Not thread-safe.
 *
 * <p>Progress figures are streaming: TTFTs also go into a histogram as their first tokens arrive, so a progress
 * tick costs the same at the first request and the millionth; the final {@link #summary} is exact.
 */
public final class MetricsAggregator {

    /**
     * TTFT percentiles of the requests that have their first token so far, for progress lines: approximate, within
     * 0.1% of the exact percentile (three significant digits), not interpolated between samples.
     *
     * @param count requests with a first token
     * @param p50Ms median TTFT, milliseconds (0 while count is 0)
     * @param p99Ms 99th percentile TTFT, milliseconds (0 while count is 0)
     */
    public record TtftProgress(long count, double p50Ms, double p99Ms) {
    }

    /** Three significant digits: a 0.1% error, far below what a progress line shows. */
    private static final int SIGNIFICANT_DIGITS = 3;

    private final MetricsCollector collector = new MetricsCollector();
    // Auto-resizing, so no TTFT is out of range; values in microseconds.
    private final Histogram ttftUs = new Histogram(SIGNIFICANT_DIGITS);
    /** Arrival times of requests still waiting for their first token (events of one request come in order). */
    private final Map<Long, Long> awaitingFirstToken = new HashMap<>();
    private final Map<Integer, ReplicaEnd> ends = new HashMap<>();
    private final List<String> errorReasons = new ArrayList<>();
    /** Per once-only event kind (arrived, first token, completed, rejected), the requests that had it. */
    private final Map<org.kvsched.core.model.RequestEventKind, java.util.Set<Long>> seenOnce = new java.util.EnumMap<>(
            org.kvsched.core.model.RequestEventKind.class);
    private int replicas = -1;
    private long plans;
    private long duplicates;

    /**
     * One request event. An arrival, first token, completion or rejection that a request already had is a
     * duplicate: counted ({@link #duplicateEvents}) and otherwise ignored, so it can neither move a time nor
     * finish a request twice. Under exactly-once there are none; a count above 0 is a bug the summary shows.
     */
    public void onEvent(final RequestEvent e) {
        final org.kvsched.core.model.RequestEvent event = EventMapping.decode(e);
        switch (event.kind()) {
            case ARRIVED, FIRST_TOKEN, COMPLETED, REJECTED -> {
                if (!seenOnce.computeIfAbsent(event.kind(), k -> new java.util.HashSet<>()).add(event.requestId())) {
                    duplicates++;
                    return;
                }
            }
            default -> {
            }
        }
        collector.onRequestEvent(event);
        switch (event.kind()) {
            case ARRIVED:
                awaitingFirstToken.put(event.requestId(), event.timeUs());
                break;
            case FIRST_TOKEN: {
                final Long arrival = awaitingFirstToken.remove(event.requestId());
                if (arrival != null) {
                    ttftUs.recordValue(Math.max(0, event.timeUs() - arrival));
                }
                break;
            }
            case COMPLETED:
            case REJECTED:
                awaitingFirstToken.remove(event.requestId());
                break;
            default:
                break;
        }
    }

    public void onStep(final StepSummary s) {
        collector.onStep(SummaryMapping.decode(s));
        plans++;
    }

    public void onEnd(final ReplicaEnd end) {
        ends.put(end.getReplicaId(), end);
        replicas = Math.max(replicas, end.getReplicas());
    }

    public void onError(final ErrorRecord error) {
        errorReasons.add(error.getReason());
    }

    /** True once the whole run has been seen (see the class note). */
    public boolean complete() {
        if (replicas < 1 || ends.size() < replicas) {
            return false;
        }
        long finished = 0;
        long errors = 0;
        for (final ReplicaEnd e : ends.values()) {
            finished += e.getFinishedRequests();
            errors += e.getErrors();
        }
        return collector.finishedRequests() >= finished && errorReasons.size() >= errors;
    }

    /** Requests completed or rejected so far. */
    public long finishedRequests() {
        return collector.finishedRequests();
    }

    /** Once-only request events seen a second time (see {@link #onEvent}). */
    public long duplicateEvents() {
        return duplicates;
    }

    /** Plans (Kafka round trips) seen so far. */
    public long plans() {
        return plans;
    }

    /** Error records seen, with their reasons. */
    public List<String> errors() {
        return List.copyOf(errorReasons);
    }

    /** Number of replicas announced by the end records (-1 before the first). */
    public int replicas() {
        return replicas;
    }

    public List<RequestOutcome> outcomes() {
        return collector.outcomes();
    }

    public MetricsCollector collector() {
        return collector;
    }

    public Summary summary(final int replicaCount, final long kvCapacityTokens) {
        return collector.summary(replicaCount, kvCapacityTokens);
    }

    /** TTFT percentiles so far, for progress lines: O(1) in the number of requests (see {@link TtftProgress}). */
    public TtftProgress ttftSoFar() {
        final long n = ttftUs.getTotalCount();
        return n == 0 ? new TtftProgress(0, 0, 0)
                : new TtftProgress(n, ttftUs.getValueAtPercentile(50) / 1000.0, ttftUs.getValueAtPercentile(99) / 1000.0);
    }
}
