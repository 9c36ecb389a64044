package org.kvsched.metrics.aggregate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.kvsched.core.metrics.MetricsCollector;
import org.kvsched.core.metrics.RequestOutcome;
import org.kvsched.core.metrics.Stats;
import org.kvsched.core.metrics.Summary;
import org.kvsched.metrics.mapping.SinkMapping;
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
 */
public final class MetricsAggregator {

    private final MetricsCollector collector = new MetricsCollector();
    private final Map<Integer, ReplicaEnd> ends = new HashMap<>();
    private final List<String> errorReasons = new ArrayList<>();
    private int replicas = -1;
    private long plans;

    public void onEvent(final RequestEvent e) {
        collector.onRequestEvent(SinkMapping.event(e));
    }

    public void onStep(final StepSummary s) {
        collector.onStep(SinkMapping.summary(s));
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

    /** Current TTFT statistics of the requests seen so far, milliseconds (for progress lines). */
    public Stats ttftSoFar() {
        final List<RequestOutcome> all = collector.outcomes();
        final double[] v = new double[all.size()];
        int n = 0;
        for (final RequestOutcome o : all) {
            if (o.ttftUs() >= 0) {
                v[n++] = o.ttftUs() / 1000.0;
            }
        }
        return Stats.ofSorting(java.util.Arrays.copyOf(v, n));
    }
}
