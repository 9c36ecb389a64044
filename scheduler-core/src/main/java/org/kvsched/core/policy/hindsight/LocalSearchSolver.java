package org.kvsched.core.policy.hindsight;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A pure-Java heuristic for the {@link HindsightProblem}: iterated local search over job priority lists, each
 * decoded by the serial schedule-generation scheme (every job, in list order, starts at the earliest slot at or
 * after its arrival where its whole growing footprint fits in the memory left by the jobs placed before it).
 *
 * <p>Reach: with constant per-slot demands the serial scheme, over all lists, generates exactly the active
 * schedules, among which an optimum lies (Kolisch, EJOR 1996). A growing footprint breaks that argument (moving a job
 * earlier makes it older, hence larger, in every later slot), and some optima are out of reach: on M = 10, prompts of
 * 2 and outputs 3, 3, 5, 5 every list decodes to a total latency of at least 22, the optimum is 21 (one short job
 * starts a slot after it could; {@code docs/mcsf-fidelity.md}). {@link WindowSolver} tries every start slot.
 * The search starts from the hint's start order and from shortest-output and smallest-area orders, then applies
 * random insertions, accepting a list that is not worse (late acceptance over {@value #HISTORY} steps).
 * Deterministic for a seed and an evaluation budget; it proves nothing, so its bound is {@link AreaLowerBound}.
 */
public final class LocalSearchSolver implements HindsightSolver {

    private static final int HISTORY = 50;

    private final long seed;
    private final int evaluations;

    /**
     * @param seed        seed of the moves
     * @param evaluations schedules decoded in total (the work budget; the time limit is not used)
     */
    public LocalSearchSolver(final long seed, final int evaluations) {
        this.seed = seed;
        this.evaluations = evaluations;
    }

    @Override
    public String name() {
        return "local-search";
    }

    @Override
    public HindsightSolution solve(final HindsightProblem p, final double timeLimitSeconds, final long[] hint) {
        final int n = p.size();
        final long bound = AreaLowerBound.totalLatency(p);
        final long[] start = hint != null ? hint : p.greedyStarts(true);
        if (n < 2) {
            return new HindsightSolution(start.clone(), p.totalLatency(start), bound, true, name(), 0);
        }
        final Decoder decoder = new Decoder(p);
        long[] best = start.clone();
        long bestValue = p.totalLatency(start);
        final int[][] seeds = {
                orderBy(n, i -> start[i] * 1_000_000L + p.jobs().get(i).output()),
                orderBy(n, i -> p.jobs().get(i).arrival() * 1_000_000L + p.jobs().get(i).output()),
                orderBy(n, i -> p.jobs().get(i).arrival() * 1_000_000_000L + p.area(p.jobs().get(i)))};
        final SplittableRandom rng = new SplittableRandom(seed);
        final int perSeed = Math.max(1, evaluations / seeds.length);
        for (final int[] initial : seeds) {
            int[] current = initial.clone();
            long currentValue = decoder.decode(current);
            final long[] history = new long[HISTORY];
            Arrays.fill(history, currentValue);
            if (currentValue < bestValue) {
                bestValue = currentValue;
                best = decoder.starts.clone();
            }
            for (int e = 0; e < perSeed && bestValue > bound; e++) {
                final int[] candidate = current.clone();
                final int from = rng.nextInt(n);
                int to = rng.nextInt(n - 1);
                if (to >= from) {
                    to++;
                }
                move(candidate, from, to);
                final long value = decoder.decode(candidate);
                final int slot = e % HISTORY;
                if (value <= currentValue || value <= history[slot]) {
                    current = candidate;
                    currentValue = value;
                    if (value < bestValue) {
                        bestValue = value;
                        best = decoder.starts.clone();
                    }
                }
                history[slot] = Math.min(history[slot], currentValue);
            }
        }
        // The core keeps no clock (the search is bounded by evaluations, not time): the caller times the call.
        return new HindsightSolution(best, p.totalLatency(best), bound, bestValue == bound, name(), 0.0);
    }

    private static void move(final int[] order, final int from, final int to) {
        final int job = order[from];
        if (from < to) {
            System.arraycopy(order, from + 1, order, from, to - from);
        } else {
            System.arraycopy(order, to, order, to + 1, from - to);
        }
        order[to] = job;
    }

    private interface Key {
        long of(int i);
    }

    private static int[] orderBy(final int n, final Key key) {
        final Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> {
            final int c = Long.compare(key.of(a), key.of(b));
            return c != 0 ? c : Integer.compare(a, b);
        });
        final int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = boxed[i];
        }
        return order;
    }

    /**
     * Earliest start at or after {@code from} where a job with the non-decreasing per-slot {@code demand} fits under
     * {@code capacity} on the profile {@code mem} (slots past its end are empty). A candidate start is checked from its
     * last slot backwards; on a clash at slot t, every start up to t - e is skipped, e being the last offset whose
     * demand fits in what slot t has left: an earlier start would meet slot t at an offset of higher demand.
     */
    static long earliestFit(final long[] mem, final long[] demand, final long capacity, final long from) {
        long s = from;
        int d = demand.length - 1;
        while (d >= 0) {
            final int t = (int) (s + d);
            if (t < mem.length && mem[t] + demand[d] > capacity) {
                final long room = capacity - mem[t];
                int lo = -1;
                int hi = d;
                // Last offset e in [-1, d) with demand[e] <= room (demand[-1] reads as 0).
                while (hi - lo > 1) {
                    final int mid = (lo + hi) >>> 1;
                    if (demand[mid] <= room) {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                s = Math.max(s + 1, t - lo);
                d = demand.length - 1;
            } else {
                d--;
            }
        }
        return s;
    }

    /** The serial schedule-generation scheme over a memory profile. */
    private static final class Decoder {
        final HindsightProblem p;
        final long[][] demand;
        final long[] mem;
        final long[] starts;
        /** Smallest first-slot demand of any job: a slot with less room than this can host no job's start. */
        final long minFirstDemand;

        Decoder(final HindsightProblem p) {
            this.p = p;
            this.demand = new long[p.size()][];
            for (int i = 0; i < p.size(); i++) {
                final HindsightProblem.Job j = p.jobs().get(i);
                demand[i] = new long[j.output()];
                for (int d = 0; d < j.output(); d++) {
                    demand[i][d] = p.memory(j, d);
                }
            }
            this.mem = new long[(int) (p.safeHorizon() + 2)];
            this.starts = new long[p.size()];
            long min = Long.MAX_VALUE;
            for (final long[] dem : demand) {
                min = Math.min(min, dem.length > 0 ? dem[0] : 0);
            }
            this.minFirstDemand = min;
        }

        /** Places the jobs in list order; returns the total latency (slots) and leaves the starts in {@link #starts}. */
        long decode(final int[] order) {
            Arrays.fill(mem, 0);
            long total = 0;
            // Slots before 'open' lack room for any job's first slot; room only shrinks, so 'open' only moves right.
            int open = 0;
            for (final int i : order) {
                final HindsightProblem.Job j = p.jobs().get(i);
                final long[] dem = demand[i];
                while (open < mem.length && p.capacityBlocks() - mem[open] < minFirstDemand) {
                    open++;
                }
                final long s = earliestFit(mem, dem, p.capacityBlocks(), Math.max(j.arrival(), open));
                for (int d = 0; d < dem.length; d++) {
                    mem[(int) (s + d)] += dem[d];
                }
                starts[i] = s;
                total += s + j.output() - j.arrival();
            }
            return total;
        }
    }
}
