package org.kvsched.core.policy.wait;

import java.util.ArrayList;
import java.util.List;

import org.kvsched.core.policy.Decision;
import org.kvsched.core.policy.DecisionBuilder;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.SchedulerView;
import org.kvsched.core.policy.SeqView;

/**
 * {@code wait}: WAIT, "Waiting for Accumulated Inference Threshold" (Ao, Luo, Simchi-Levi, Wang, arXiv
 * 2504.11320 v4, Algorithm 1, thresholds from the fluid model; docs/policies.md).
 *
 * <p>Rule: requests are grouped into types with known (predicted) lengths, each with a threshold {@code n_j}
 * from the fluid equilibrium ({@link WaitThresholds}); a type is admitted only once {@code n_j} of its
 * requests wait, and then exactly {@code n_j} of them start together (whole prefill in one iteration), so
 * every stage of type j holds at most {@code n_j} requests and the resident KV stays below
 * {@code M^pi = sum_j n_j w_j <= C} without any eviction. A threshold below one request per stage (long
 * outputs) is kept as a spacing: one request, then none until the youngest resident of the type has
 * decoded {@code 1 / n_j} tokens [R]. When the trace has ended ({@link SchedulerView#arrivalsEnded()}) every
 * group drops to 1, so nothing is left waiting.
 *
 * <p>Departures and choices:
 * <ul>
 *   <li>[R, default {@code gate-decodes=false}] resident requests decode at every iteration, as in the
 *       authors' v4 simulator ("interior stages always advance", section 3.4); only admission waits for the
 *       threshold. With {@code gate-decodes=true}, Algorithm 1 literally: a type whose queue is below its
 *       threshold is not batched at all and its resident requests pause with their KV.</li>
 *   <li>Prefill is not chunked (the paper's model; the v4 simulator's chunked "WAIT-CP" is not reproduced).</li>
 *   <li>If the growth of the batch does not fit (lengths or prompts unlike the types, or more types than the
 *       memory can give one request per stage), the most recently admitted request is evicted and restarts
 *       from scratch ({@code discardOutput=true}), the paper's LIFO eviction with lost progress.</li>
 *   <li>The type of a request comes from its prompt and predicted output ({@link TypeMix#typeOf}); an
 *       unknown prediction counts as the longest type.</li>
 *   <li>Per-decision cost: the waiting queue is read in FCFS order and the scan stops once every type has
 *       reached its threshold or after {@code scanLimit} requests, so it does not grow with the queue.</li>
 * </ul>
 */
public final class WaitPolicy implements Policy {

    private final TypeMix mix;
    private final int[] group;
    private final int[] spacing;
    private final boolean gateDecodes;
    private final int scanLimit;

    /**
     * @param mix         the request types
     * @param group       requests admitted together per type (the integer threshold), each &gt;= 1
     * @param spacing     iterations between two admissions of a type, each &gt;= 1
     * @param gateDecodes true: Algorithm 1 literally (a type below its threshold pauses entirely)
     * @param scanLimit   most waiting requests read per decision, &gt;= 1
     */
    public WaitPolicy(final TypeMix mix, final List<Integer> group, final List<Integer> spacing, final boolean gateDecodes,
                      final int scanLimit) {
        if (group.size() != mix.size() || spacing.size() != mix.size()) {
            throw new IllegalArgumentException(name() + ": " + group.size() + " thresholds for " + mix.size() + " types");
        }
        this.mix = mix;
        this.group = group.stream().mapToInt(Integer::intValue).toArray();
        this.spacing = spacing.stream().mapToInt(Integer::intValue).toArray();
        for (int j = 0; j < mix.size(); j++) {
            if (this.group[j] < 1 || this.spacing[j] < 1) {
                throw new IllegalArgumentException(name() + ": groups and spacings must be >= 1, got " + group + " / " + spacing);
            }
        }
        this.gateDecodes = gateDecodes;
        this.scanLimit = scanLimit;
    }

    /** A policy with the integer form of the given thresholds. */
    public WaitPolicy(final TypeMix mix, final WaitThresholds thresholds, final boolean gateDecodes, final int scanLimit) {
        this(mix, thresholds.group(), thresholds.spacing(), gateDecodes, scanLimit);
    }

    @Override
    public String name() {
        return WaitFactory.NAME;
    }

    /** The type mix this policy schedules by. */
    public TypeMix mix() {
        return mix;
    }

    private int typeOf(final SeqView seq) {
        return mix.typeOf(seq.promptTokens(), seq.predictedOutputTokens());
    }

    @Override
    public Decision decide(final SchedulerView view) {
        final int m = group.length;
        final boolean flush = view.arrivalsEnded();

        // Read the waiting queue (FCFS): the first group_j of each type are the candidates.
        final int[] waitingCount = new int[m];
        final int[] candidateCount = new int[m];
        final List<SeqView> candidates = new ArrayList<>();
        int full = 0;
        int scanned = 0;
        boolean countsExact = true;
        for (final SeqView seq : view.waiting()) {
            if (full == m || scanned == scanLimit) {
                countsExact = false;
                break;
            }
            scanned++;
            final int j = typeOf(seq);
            waitingCount[j]++;
            if (candidateCount[j] < group[j]) {
                candidates.add(seq);
                if (++candidateCount[j] == group[j]) {
                    full++;
                }
            }
        }
        // The youngest resident of each type: admissions of a type are at least spacing_j iterations apart.
        final int[] youngest = new int[m];
        java.util.Arrays.fill(youngest, Integer.MAX_VALUE);
        for (final SeqView seq : view.running()) {
            final int j = typeOf(seq);
            youngest[j] = Math.min(youngest[j], seq.generatedTokens());
        }
        final boolean[] eligible = new boolean[m];
        for (int j = 0; j < m; j++) {
            final boolean enough = candidateCount[j] >= group[j] || (flush && candidateCount[j] > 0);
            eligible[j] = enough && youngest[j] >= spacing[j];
        }

        // Resident requests: all decode (default), or only those of eligible types (Algorithm 1).
        final DecisionBuilder batch = new DecisionBuilder(view);
        final List<SeqView> active = new ArrayList<>(view.running());
        boolean allAdvanced = true;
        int i = 0;
        while (i < active.size()) {
            final SeqView seq = active.get(i);
            if (gateDecodes && !flush && !eligible[typeOf(seq)]) {
                allAdvanced = false;
                i++;
                continue;
            }
            if (!batch.addPreemptingFromEnd(seq, seq.pendingTokens(), active, true)) {
                break;
            }
            i++;
        }

        // Admission of the eligible types' candidates, whole prompts, in FCFS order.
        final int[] admitted = new int[m];
        boolean allFitted = true;
        if (batch.nothingPreempted()) {
            for (final SeqView seq : candidates) {
                final int j = typeOf(seq);
                if (!eligible[j]) {
                    continue;
                }
                if (batch.tryAdd(seq, seq.pendingTokens())) {
                    admitted[j]++;
                } else {
                    allFitted = false;
                }
            }
        }

        // Asked again after a pure decode iteration (no arrival, no completion) we would decode the same set
        // until a type's spacing has passed while enough of it waits; nothing evicted or paused meanwhile.
        final boolean steady = batch.nothingPreempted() && allAdvanced && allFitted && countsExact && (!gateDecodes || flush);
        int continuation = steady ? Integer.MAX_VALUE : 0;
        for (int j = 0; j < m && continuation > 0; j++) {
            final int left = waitingCount[j] - admitted[j];
            final boolean pending = flush ? left > 0 : left >= group[j];
            if (pending) {
                final int youngestAfter = admitted[j] > 0 ? 1 : (youngest[j] == Integer.MAX_VALUE ? Integer.MAX_VALUE : youngest[j] + 1);
                continuation = youngestAfter == Integer.MAX_VALUE ? 0 : Math.min(continuation, Math.max(0, spacing[j] - youngestAfter));
            }
        }
        return batch.build(continuation, Long.MAX_VALUE);
    }
}
