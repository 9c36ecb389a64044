package org.kvsched.core.policy.hindsight;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.kvsched.core.kv.KvCache;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.policy.mcsf.FutureMemory;

/**
 * The hindsight scheduling problem of Jaillet et al. (arXiv 2502.07115, the hindsight integer program; docs/mcsf-fidelity.md): every
 * request's arrival and true lengths known, time in slots of one iteration, no preemption; choose a start slot
 * per request so that memory never exceeds the capacity and the total latency is minimal.
 *
 * <p>Memory is counted as the mechanism counts it (so an optimal schedule replays exactly through the
 * scheduler with the {@code unit} model): a job started at slot S holds {@code blocksFor(prompt + d)} blocks
 * during slot {@code S + d}, {@code d = 0 .. output - 1}, and completes at the end of slot
 * {@code S + output - 1}, i.e. at time {@code C = S + output}; its latency is {@code C - arrival}. The
 * paper's IP charges {@code s + d + 1} instead (the KV of the token being emitted); ours is the paper's with
 * every prompt one token shorter.
 *
 * @param jobs           the jobs, any order; ids unique
 * @param capacityBlocks memory limit, blocks
 * @param blockSize      tokens per block
 */
public record HindsightProblem(List<Job> jobs, int capacityBlocks, int blockSize) {

    /**
     * One request.
     *
     * @param id      request id
     * @param arrival arrival slot (first slot in which it may start)
     * @param prompt  prompt tokens
     * @param output  true output tokens, &gt;= 1
     */
    public record Job(long id, long arrival, int prompt, int output) {
        public Job {
            if (output < 1 || prompt < 0 || arrival < 0) {
                throw new IllegalArgumentException("job " + id + ": bad lengths or arrival");
            }
        }
    }

    public HindsightProblem {
        jobs = List.copyOf(jobs);
        if (capacityBlocks < 1 || blockSize < 1) {
            throw new IllegalArgumentException("capacity and block size must be >= 1");
        }
    }

    /**
     * Builds the problem from requests; arrival slot = ceil(arrival / slotUs) (a request arriving inside a
     * slot can start at the next boundary).
     */
    public static HindsightProblem of(final List<WorkloadRequest> requests, final int capacityTokens, final int blockSize,
                                      final long slotUs) {
        final List<Job> jobs = new ArrayList<>(requests.size());
        for (final WorkloadRequest r : requests) {
            jobs.add(new Job(r.id(), (r.arrivalUs() + slotUs - 1) / slotUs, r.promptTokens(), r.outputTokens()));
        }
        return new HindsightProblem(jobs, capacityTokens / blockSize, blockSize);
    }

    public int size() {
        return jobs.size();
    }

    /** Blocks job {@code j} holds in the {@code d}-th slot after its start. */
    public long memory(final Job j, final int d) {
        return KvCache.blocksFor((long) j.prompt() + d, blockSize);
    }

    /** Memory-time area of a job, block-slots. */
    public long area(final Job j) {
        long a = 0;
        for (int d = 0; d < j.output(); d++) {
            a += memory(j, d);
        }
        return a;
    }

    /** True if the job can never run (its peak exceeds the capacity). */
    public boolean oversized(final Job j) {
        return memory(j, j.output() - 1) > capacityBlocks;
    }

    /** Sum of arrival slots. */
    public long arrivalSum() {
        long s = 0;
        for (final Job j : jobs) {
            s += j.arrival();
        }
        return s;
    }

    /** Sum of outputs, slots. */
    public long outputSum() {
        long s = 0;
        for (final Job j : jobs) {
            s += j.output();
        }
        return s;
    }

    /** A start-slot horizon no optimal schedule needs to exceed: the last arrival plus every output in series. */
    public long safeHorizon() {
        long maxArrival = 0;
        for (final Job j : jobs) {
            maxArrival = Math.max(maxArrival, j.arrival());
        }
        return maxArrival + outputSum();
    }

    /**
     * Checks a schedule and returns its total latency in slots.
     *
     * @param starts start slot per job, in {@link #jobs()} order
     * @throws IllegalArgumentException naming the first violated constraint
     */
    public long totalLatency(final long[] starts) {
        if (starts.length != jobs.size()) {
            throw new IllegalArgumentException("schedule has " + starts.length + " starts for " + jobs.size() + " jobs");
        }
        long end = 0;
        long total = 0;
        for (int i = 0; i < starts.length; i++) {
            final Job j = jobs.get(i);
            if (starts[i] < j.arrival()) {
                throw new IllegalArgumentException("job " + j.id() + " starts at " + starts[i] + " before its arrival " + j.arrival());
            }
            end = Math.max(end, starts[i] + j.output());
            total += starts[i] + j.output() - j.arrival();
        }
        final long origin = Arrays.stream(starts).min().orElse(0);
        final long[] mem = new long[(int) (end - origin + 1)];
        for (int i = 0; i < starts.length; i++) {
            final Job j = jobs.get(i);
            for (int d = 0; d < j.output(); d++) {
                mem[(int) (starts[i] - origin + d)] += memory(j, d);
            }
        }
        for (int t = 0; t < mem.length; t++) {
            if (mem[t] > capacityBlocks) {
                throw new IllegalArgumentException("memory " + mem[t] + " > " + capacityBlocks + " blocks in slot " + (t + origin));
            }
        }
        return total;
    }

    /**
     * A feasible schedule by the offline MC-SF rule with true lengths (slot by slot: keep running jobs, start
     * arrived jobs shortest output first while the exact future-memory check passes, stop at the first misfit;
     * an empty machine always starts the head). An upper bound and a solver hint.
     *
     * @param shortestFirst shortest output first (MC-SF) or by arrival (MC-Benchmark)
     * @return start slot per job, in {@link #jobs()} order
     */
    public long[] greedyStarts(final boolean shortestFirst) {
        final int n = jobs.size();
        final Integer[] byArrival = new Integer[n];
        for (int i = 0; i < n; i++) {
            byArrival[i] = i;
        }
        Arrays.sort(byArrival, Comparator.comparingLong((Integer i) -> jobs.get(i).arrival()).thenComparingInt(i -> i));
        final Comparator<Integer> order = shortestFirst
                ? Comparator.comparingInt((Integer i) -> jobs.get(i).output()).thenComparingLong(i -> jobs.get(i).arrival()).thenComparingInt(i -> i)
                : Comparator.comparingLong((Integer i) -> jobs.get(i).arrival()).thenComparingInt(i -> i);
        final java.util.TreeSet<Integer> waiting = new java.util.TreeSet<>(order);
        final long[] starts = new long[n];
        final List<Integer> running = new ArrayList<>();
        int next = 0;
        int done = 0;
        long t = 0;
        while (done < n) {
            while (next < n && jobs.get(byArrival[next]).arrival() <= t) {
                waiting.add(byArrival[next++]);
            }
            if (running.isEmpty() && waiting.isEmpty()) {
                t = jobs.get(byArrival[next]).arrival();
                continue;
            }
            final FutureMemory memory = new FutureMemory(blockSize, capacityBlocks);
            final long[] base = new long[running.size()];
            final int[] rem = new int[running.size()];
            for (int k = 0; k < running.size(); k++) {
                final Job j = jobs.get(running.get(k));
                final long age = t - starts[running.get(k)];
                base[k] = j.prompt() + age;
                rem[k] = (int) (j.output() - age);
            }
            memory.load(base, rem, running.size());
            while (!waiting.isEmpty()) {
                final int i = waiting.first();
                final Job j = jobs.get(i);
                if (!memory.fits(j.prompt(), j.output()) && memory.members() > 0) {
                    break;
                }
                memory.add(j.prompt(), j.output());
                waiting.pollFirst();
                starts[i] = t;
                running.add(i);
            }
            t++;
            final long now = t;
            final int before = running.size();
            running.removeIf(i -> starts[i] + jobs.get(i).output() <= now);
            done += before - running.size();
        }
        return starts;
    }
}
