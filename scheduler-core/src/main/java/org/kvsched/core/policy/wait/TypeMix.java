package org.kvsched.core.policy.wait;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.workload.Workload;

/**
 * The request types WAIT schedules by, and the rule that puts a request into one of them.
 *
 * <p>From a {@link Workload} ({@link #fromWorkload}), read as a scheduler may read it: each request's prompt and
 * its {@code max_tokens} cap (what a client declares; a trace row's output length unless EOS is modelled), never
 * the simulation's true length. When the trace has at most {@code maxTypes} distinct (prompt, output) pairs each pair is a type (the paper's setting, e.g. p512d20 or 0.7 p512d20 + 0.3
 * p512d50). Otherwise [R] requests are grouped into {@code maxTypes} output-length buckets of equal request
 * counts (quantiles of the output length); a bucket's type has the bucket's mean prompt, its longest output
 * and the mean of its members' exact KV masses, so {@code S = sum_j lambda_j w_j} is exact whatever the
 * grouping. Rates are counts over the trace's arrival span; a trace whose requests all arrive at once has no
 * rate ({@link #allAtOnce()}), and thresholds then come from memory alone.
 *
 * <p>Classification ({@link #typeOf}): the exact (prompt, predicted output) pair if it is a type; else the
 * first type, in increasing output, whose output is at least the predicted one (the longest type when the
 * prediction is larger or unknown).
 *
 * @param types     the types, sorted by output then prompt
 * @param exact     true when every type is one (prompt, output) pair
 * @param allAtOnce true when the rates are request counts (every request arrives at the same time)
 */
public record TypeMix(List<RequestType> types, boolean exact, boolean allAtOnce) {

    public TypeMix {
        types = List.copyOf(types);
        if (types.isEmpty()) {
            throw new IllegalArgumentException("a type mix needs at least one type");
        }
    }

    /** Number of types. */
    public int size() {
        return types.size();
    }

    /** Total arrival rate, requests per second (requests, when {@link #allAtOnce()}). */
    public double totalRate() {
        double sum = 0;
        for (final RequestType t : types) {
            sum += t.ratePerSecond();
        }
        return sum;
    }

    /** Index of the type of a request with this prompt and predicted output ({@link LengthPredictor#UNKNOWN}: the longest). */
    public int typeOf(final int promptTokens, final int predictedOutput) {
        if (predictedOutput == LengthPredictor.UNKNOWN) {
            return types.size() - 1;
        }
        if (exact) {
            for (int j = 0; j < types.size(); j++) {
                final RequestType t = types.get(j);
                if (t.outputTokens() == predictedOutput && Math.round(t.promptTokens()) == promptTokens) {
                    return j;
                }
            }
        }
        for (int j = 0; j < types.size(); j++) {
            if (types.get(j).outputTokens() >= predictedOutput) {
                return j;
            }
        }
        return types.size() - 1;
    }

    /** Builds the mix of a workload; {@code maxTypes} &gt;= 1 bounds the number of types. */
    public static TypeMix fromWorkload(final Workload workload, final int maxTypes) {
        if (workload.isEmpty()) {
            throw new IllegalArgumentException("cannot derive request types from an empty workload");
        }
        if (maxTypes < 1) {
            throw new IllegalArgumentException("maxTypes must be >= 1, got " + maxTypes);
        }
        final List<WorkloadRequest> reqs = workload.requests();
        final double seconds = workload.durationUs() / 1e6;
        final boolean allAtOnce = !(seconds > 0);
        // Rate per request: (n - 1) gaps over the span, as Workload.meanRatePerSecond counts it.
        final double perRequest = allAtOnce ? 1.0 : workload.meanRatePerSecond() / reqs.size();
        final Map<Long, int[]> pairs = new HashMap<>();
        for (final WorkloadRequest r : reqs) {
            final long key = ((long) r.promptTokens() << 32) | r.maxTokens();
            pairs.computeIfAbsent(key, k -> new int[1])[0]++;
        }
        final List<RequestType> types = new ArrayList<>();
        if (pairs.size() <= maxTypes) {
            for (final Map.Entry<Long, int[]> e : pairs.entrySet()) {
                final int prompt = (int) (e.getKey() >>> 32);
                final int output = (int) (e.getKey() & 0xffffffffL);
                types.add(RequestType.of(prompt, output, e.getValue()[0] * perRequest));
            }
            types.sort(TypeMix::byOutputThenPrompt);
            return new TypeMix(types, true, allAtOnce);
        }
        // Output-length buckets of equal counts.
        final WorkloadRequest[] sorted = reqs.toArray(new WorkloadRequest[0]);
        Arrays.sort(sorted, (a, b) -> a.maxTokens() != b.maxTokens()
                ? Integer.compare(a.maxTokens(), b.maxTokens()) : Integer.compare(a.promptTokens(), b.promptTokens()));
        int start = 0;
        for (int b = 0; b < maxTypes && start < sorted.length; b++) {
            int end = (int) Math.round((b + 1) * (double) sorted.length / maxTypes);
            end = Math.max(end, start + 1);
            // Never split one output length across two buckets (classification is by output).
            while (end < sorted.length && sorted[end].maxTokens() == sorted[end - 1].maxTokens()) {
                end++;
            }
            double promptSum = 0;
            double massSum = 0;
            for (int i = start; i < end; i++) {
                promptSum += sorted[i].promptTokens();
                massSum += RequestType.kvMass(sorted[i].promptTokens(), sorted[i].maxTokens());
            }
            final int count = end - start;
            types.add(new RequestType(promptSum / count, sorted[end - 1].maxTokens(), count * perRequest, massSum / count));
            start = end;
        }
        return new TypeMix(types, false, allAtOnce);
    }

    /**
     * Parses explicit types {@code PROMPTxOUTPUT@RATE+PROMPTxOUTPUT@RATE...} (rate in requests per second,
     * optional: 1 when absent). Fails with one line naming {@code key}.
     */
    public static TypeMix parse(final String spec, final String key) {
        final List<RequestType> types = new ArrayList<>();
        for (final String part : spec.split("\\+")) {
            final String p = part.trim();
            try {
                final int x = p.indexOf('x');
                final int at = p.indexOf('@');
                final int prompt = Integer.parseInt(p.substring(0, x).trim());
                final int output = Integer.parseInt(p.substring(x + 1, at < 0 ? p.length() : at).trim());
                final double rate = at < 0 ? 1.0 : Double.parseDouble(p.substring(at + 1).trim());
                if (prompt < 1 || output < 1 || !(rate >= 0)) {
                    throw new IllegalArgumentException("out of range");
                }
                types.add(RequestType.of(prompt, output, rate));
            } catch (final RuntimeException e) {
                throw new IllegalArgumentException(key + ": '" + p + "' is not PROMPTxOUTPUT@RATE (e.g. 512x20@22+512x50@9)", e);
            }
        }
        types.sort(TypeMix::byOutputThenPrompt);
        return new TypeMix(types, true, false);
    }

    private static int byOutputThenPrompt(final RequestType a, final RequestType b) {
        return a.outputTokens() != b.outputTokens() ? Integer.compare(a.outputTokens(), b.outputTokens())
                : Double.compare(a.promptTokens(), b.promptTokens());
    }

    /** One line listing the types, e.g. {@code 512x20@15.40/s + 512x50@6.60/s}. */
    public String describe() {
        final StringBuilder sb = new StringBuilder();
        for (final RequestType t : types) {
            if (sb.length() > 0) {
                sb.append(" + ");
            }
            sb.append(t.label()).append(String.format(Locale.ROOT, allAtOnce ? "x%.0f" : "@%.2f/s", t.ratePerSecond()));
        }
        return sb.toString();
    }
}
