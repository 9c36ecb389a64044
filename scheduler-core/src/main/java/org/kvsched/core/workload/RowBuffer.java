package org.kvsched.core.workload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.kvsched.core.model.WorkloadRequest;

/**
 * Growable primitive columns (arrival, prompt, output) for one trace or generated workload before
 * the options are applied. Primitive arrays keep a 30k-row trace at a few hundred kilobytes and
 * let sorting and windowing run without boxing every row.
 */
final class RowBuffer {

    private long[] times = new long[1024];
    private int[] prompts = new int[1024];
    private int[] outputs = new int[1024];
    private int size;

    void add(final long time, final int prompt, final int output) {
        if (size == prompts.length) {
            final int capacity = size * 2;
            times = Arrays.copyOf(times, capacity);
            prompts = Arrays.copyOf(prompts, capacity);
            outputs = Arrays.copyOf(outputs, capacity);
        }
        times[size] = time;
        prompts[size] = prompt;
        outputs[size] = output;
        size++;
    }

    int size() {
        return size;
    }

    long time(final int i) {
        return times[i];
    }

    int prompt(final int i) {
        return prompts[i];
    }

    int output(final int i) {
        return outputs[i];
    }

    /** Replaces every arrival time; used for length-only traces, whose times come from a generator. */
    void setTimes(final long[] newTimes) {
        if (newTimes.length != size) {
            throw new IllegalStateException("expected " + size + " arrival times, got " + newTimes.length);
        }
        times = Arrays.copyOf(newTimes, Math.max(newTimes.length, prompts.length));
    }

    /** Subtracts {@code origin} from every time and divides by {@code divisor}, rounding to the nearest long. */
    void rescaleTimes(final long origin, final double divisor) {
        for (int i = 0; i < size; i++) {
            times[i] = Math.round((times[i] - origin) / divisor);
        }
    }

    long minTime() {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < size; i++) {
            min = Math.min(min, times[i]);
        }
        return min;
    }

    /**
     * Applies {@code options} in the order documented on {@link WorkloadOptions} and builds the
     * workload. Times must be &gt;= 0 here (the readers and generators guarantee it).
     */
    Workload toWorkload(final String baseName, final WorkloadOptions options) {
        final int[] order = arrivalOrder();
        final List<WorkloadRequest> requests = new ArrayList<>(options.maxRequests() > 0 ? Math.min(options.maxRequests(), size) : size);
        final int cap = options.maxContextTokens();
        boolean haveBase = false;
        long base = 0;
        for (final int i : order) {
            if (options.maxRequests() > 0 && requests.size() >= options.maxRequests()) {
                break;
            }
            final long t = times[i];
            if (t < options.windowStartUs() || t >= options.windowEndUs()) {
                continue;
            }
            if (!haveBase) {
                // Rows are in arrival order, so the first kept row is the earliest kept one.
                base = t;
                haveBase = true;
            }
            final long relative = t - base;
            final long arrival = options.rateScale() == 1.0 ? relative : Math.round(relative / options.rateScale());
            int prompt = prompts[i];
            int output = outputs[i];
            if (cap > 0 && (long) prompt + output > cap) {
                if (output >= cap) {
                    output = cap - 1;
                    prompt = 1;
                } else {
                    prompt = cap - output;
                }
            }
            requests.add(new WorkloadRequest(requests.size(), arrival, prompt, output));
        }
        final String extra = options.describeNonDefaults();
        return new Workload(extra.isEmpty() ? baseName : baseName + " [" + extra + "]", requests);
    }

    /** Row indices sorted by time, ties in row order; the identity when already sorted (the usual case). */
    private int[] arrivalOrder() {
        boolean sorted = true;
        for (int i = 1; i < size && sorted; i++) {
            sorted = times[i] >= times[i - 1];
        }
        if (sorted) {
            final int[] identity = new int[size];
            Arrays.setAll(identity, i -> i);
            return identity;
        }
        final Integer[] boxed = new Integer[size];
        Arrays.setAll(boxed, i -> i);
        // Object sort is stable, so equal times keep row order: ties are broken by original position.
        Arrays.sort(boxed, (a, b) -> Long.compare(times[a], times[b]));
        final int[] order = new int[size];
        for (int k = 0; k < size; k++) {
            order[k] = boxed[k];
        }
        return order;
    }
}
