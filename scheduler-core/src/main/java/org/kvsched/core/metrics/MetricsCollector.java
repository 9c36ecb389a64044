package org.kvsched.core.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.kvsched.core.engine.SchedulerListener;
import org.kvsched.core.engine.StepSummary;
import org.kvsched.core.model.RequestEvent;

/**
 * Turns the stream of request events and step summaries of one run into per-request outcomes and a
 * {@link Summary}. The single implementation of the metrics: the in-memory engine feeds it directly, the
 * Kafka metrics sink feeds it what it consumes.
 *
 * <p>Events of one request must come in order (they do: one replica emits them, one partition carries
 * them). Not thread-safe; O(1) per event; memory O(requests + plans).
 */
public final class MetricsCollector implements SchedulerListener {

    /** Mutable per-request record while the run goes on. */
    private static final class Builder {
        long id;
        int replica;
        long arrival = -1;
        long firstAdmit = -1;
        long firstToken = -1;
        long completion = -1;
        int prompt;
        int output;
        int preemptions;
        String reason = "";
        String finish = "";

        RequestOutcome build() {
            return new RequestOutcome(id, replica, arrival, firstAdmit, firstToken, completion, prompt, output, preemptions, reason, finish);
        }
    }

    private final Map<Long, Builder> requests = new HashMap<>();
    private final List<KvSample> kvSamples = new ArrayList<>();
    private final Map<Integer, Double> blockMicrosByReplica = new HashMap<>();
    private long iterations;
    private long plans;
    private int peakBlocks;
    private int blockSize = 1;
    private int capacityBlocks;
    private long finished;

    @Override
    public void onRequestEvent(final RequestEvent e) {
        final Builder b = requests.computeIfAbsent(e.requestId(), id -> new Builder());
        b.id = e.requestId();
        b.replica = e.replicaId();
        b.prompt = e.promptTokens();
        b.output = e.generatedTokens();
        switch (e.kind()) {
            case ARRIVED:
                b.arrival = e.timeUs();
                break;
            case ADMITTED:
                if (b.firstAdmit < 0) {
                    b.firstAdmit = e.timeUs();
                }
                break;
            case FIRST_TOKEN:
                if (b.firstToken < 0) {
                    b.firstToken = e.timeUs();
                }
                break;
            case PREEMPTED:
                b.preemptions++;
                break;
            case COMPLETED:
                b.completion = e.timeUs();
                b.finish = e.reason();
                finished++;
                break;
            case REJECTED:
                b.reason = e.reason().isEmpty() ? "rejected" : e.reason();
                finished++;
                break;
            default:
                throw new IllegalStateException("unhandled event kind " + e.kind());
        }
    }

    @Override
    public void onStep(final StepSummary s) {
        iterations += s.iterations();
        plans++;
        peakBlocks = Math.max(peakBlocks, s.peakBlocks());
        blockSize = s.blockSize();
        capacityBlocks = s.capacityBlocks();
        blockMicrosByReplica.merge(s.replicaId(), s.blockMicros(), Double::sum);
        kvSamples.add(new KvSample(s.replicaId(), s.endUs(), s.peakBlocks(), s.blocksAfter()));
    }

    /** Requests completed or rejected so far. */
    public long finishedRequests() {
        return finished;
    }

    /** Outcomes of every request seen, ordered by request id. */
    public List<RequestOutcome> outcomes() {
        final List<RequestOutcome> list = new ArrayList<>(requests.size());
        requests.values().forEach(b -> list.add(b.build()));
        list.sort((a, b) -> Long.compare(a.requestId(), b.requestId()));
        return list;
    }

    /** KV occupancy after every plan, in the order the plans finished. */
    public List<KvSample> kvSamples() {
        return List.copyOf(kvSamples);
    }

    /**
     * The summary of the run.
     *
     * @param replicas         replicas in the run (for KV utilisation)
     * @param kvCapacityTokens capacity of one replica, tokens (reported even if no plan ever ran)
     */
    public Summary summary(final int replicas, final long kvCapacityTokens) {
        final List<RequestOutcome> all = outcomes();
        final int n = all.size();
        long completed = 0;
        long rejected = 0;
        long preemptions = 0;
        long outputTokens = 0;
        long firstArrival = Long.MAX_VALUE;
        long lastCompletion = Long.MIN_VALUE;
        final double[] ttft = new double[n];
        final double[] e2e = new double[n];
        final double[] tpot = new double[n];
        final double[] norm = new double[n];
        final double[] delay = new double[n];
        int nt = 0;
        int ne = 0;
        int np = 0;
        int nd = 0;
        for (final RequestOutcome o : all) {
            preemptions += o.preemptions();
            if (o.arrivalUs() >= 0) {
                firstArrival = Math.min(firstArrival, o.arrivalUs());
            }
            if (o.rejected()) {
                rejected++;
            }
            if (o.ttftUs() >= 0) {
                ttft[nt++] = o.ttftUs() / 1000.0;
            }
            if (o.schedulingDelayUs() >= 0) {
                delay[nd++] = o.schedulingDelayUs() / 1000.0;
            }
            if (o.completed()) {
                completed++;
                outputTokens += o.outputTokens();
                lastCompletion = Math.max(lastCompletion, o.completionUs());
                e2e[ne] = o.e2eUs() / 1000.0;
                norm[ne++] = o.e2eUs() / 1000.0 / o.outputTokens();
                if (o.tpotUs() >= 0) {
                    tpot[np++] = o.tpotUs() / 1000.0;
                }
            }
        }
        final double makespanUs = completed == 0 ? 0 : (double) (lastCompletion - firstArrival);
        final double makespanS = makespanUs / 1e6;
        double blockMicros = 0;
        for (final double v : blockMicrosByReplica.values()) {
            blockMicros += v;
        }
        final long capBlocks = capacityBlocks > 0 ? capacityBlocks : kvCapacityTokens / Math.max(1, blockSize);
        final double kvUtil = makespanUs <= 0 || capBlocks == 0 ? 0 : blockMicros / (makespanUs * capBlocks * replicas);
        return new Summary(n, completed, rejected, preemptions, outputTokens,
                makespanS > 0 ? outputTokens / makespanS : 0, makespanS > 0 ? completed / makespanS : 0,
                Stats.ofSorting(java.util.Arrays.copyOf(ttft, nt)), Stats.ofSorting(java.util.Arrays.copyOf(e2e, ne)),
                Stats.ofSorting(java.util.Arrays.copyOf(tpot, np)), Stats.ofSorting(java.util.Arrays.copyOf(norm, ne)),
                Stats.ofSorting(java.util.Arrays.copyOf(delay, nd)),
                kvUtil, (long) peakBlocks * blockSize, kvCapacityTokens, makespanS, iterations, plans, replicas);
    }
}
