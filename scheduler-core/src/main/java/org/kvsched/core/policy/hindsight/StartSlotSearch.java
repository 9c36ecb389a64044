package org.kvsched.core.policy.hindsight;

/**
 * Depth-first branch and bound over start slots: places a set of "free" jobs of a {@link HindsightProblem} on a
 * memory profile that other (fixed) jobs already occupy, minimising the free jobs' total latency. With every job
 * free it is an exact solver; with a few free it re-optimises a window of a larger schedule.
 *
 * <p>Search. Free jobs are assigned in a given order; each tries its start slots from the earliest one that fits the
 * profile so far. Bound at a node: the latency placed so far plus, for every free job not yet placed, its latency if
 * it started at the earliest slot where it fits next to the jobs placed so far (more jobs can only push that slot
 * later, so this is a valid bound, and it is kept per job down the tree since it only grows). Identical free jobs
 * (same arrival, prompt and output) start in assignment order, which loses no optimum. Exact when it finishes
 * within its node budget (every start slot beyond the bound is provably useless).
 *
 * <p>Units: slots and blocks, as the problem's. Not thread-safe; one object per search.
 */
final class StartSlotSearch {

    private final HindsightProblem p;
    private final long[][] demand;
    private final long[] area;
    private final int[] tail;
    private final long[] gap;
    private final int[] byArea;
    private final int[] free;
    private final int[] twin;
    private final long[] mem;
    /** Slots taken by the gap intervals [start, start + q) of the placed jobs (see {@link #gapBound}). */
    private final int[] gapTaken;
    private final long[] start;
    private final long nodeBudget;
    private long[] best;
    private long bestValue;
    private long nodes;

    /**
     * @param p           the problem
     * @param fixedStarts start slot per job in job order for the fixed jobs; entries of free jobs are ignored
     * @param free        indices of the free jobs, in the order they are assigned
     * @param incumbent   start slots of the free jobs (same order as {@code free}) forming a feasible schedule with
     *                    the fixed ones; its value is the bound to beat
     * @param nodeBudget  nodes the search may expand before it gives up (the answer is then not proven)
     */
    StartSlotSearch(final HindsightProblem p, final long[] fixedStarts, final int[] free, final long[] incumbent,
                    final long nodeBudget) {
        this(p, fixedStarts, free, incumbent, nodeBudget, 0.5);
    }

    /**
     * As above, with the share of the capacity above which a job's peak makes it "heavy" for the gap bound (see
     * {@link #gapBound}): any share gives a valid bound; 1/2 suits the search, the root bound tries several.
     */
    StartSlotSearch(final HindsightProblem p, final long[] fixedStarts, final int[] free, final long[] incumbent,
                    final long nodeBudget, final double heavyShare) {
        this.p = p;
        this.free = free.clone();
        this.nodeBudget = nodeBudget;
        final int n = p.size();
        this.demand = new long[free.length][];
        this.area = new long[free.length];
        this.tail = new int[free.length];
        final boolean[] isFree = new boolean[n];
        long value = 0;
        long outputs = 0;
        long reach = 0;
        for (int k = 0; k < free.length; k++) {
            final HindsightProblem.Job j = p.jobs().get(free[k]);
            isFree[free[k]] = true;
            demand[k] = new long[j.output()];
            for (int d = 0; d < j.output(); d++) {
                demand[k][d] = p.memory(j, d);
                area[k] += demand[k][d];
                if (2 * demand[k][d] > p.capacityBlocks()) {
                    tail[k]++;
                }
            }
            value += incumbent[k] + j.output() - j.arrival();
            outputs += j.output();
            reach = Math.max(reach, j.arrival() + j.output());
        }
        // No free job of a better schedule waits longer than the incumbent's total waiting of the free jobs.
        long fixedEnd = 0;
        for (int i = 0; i < n; i++) {
            if (!isFree[i]) {
                fixedEnd = Math.max(fixedEnd, fixedStarts[i] + p.jobs().get(i).output());
            }
        }
        final long horizon = Math.max(fixedEnd, reach + value - outputs) + 2;
        this.mem = new long[(int) horizon];
        this.gapTaken = new int[(int) horizon];
        for (int i = 0; i < n; i++) {
            if (!isFree[i]) {
                final HindsightProblem.Job j = p.jobs().get(i);
                for (int d = 0; d < j.output(); d++) {
                    mem[(int) (fixedStarts[i] + d)] += p.memory(j, d);
                }
            }
        }
        this.twin = new int[free.length];
        for (int k = 0; k < free.length; k++) {
            twin[k] = -1;
            final HindsightProblem.Job a = p.jobs().get(free[k]);
            for (int q = k - 1; q >= 0; q--) {
                final HindsightProblem.Job b = p.jobs().get(free[q]);
                if (a.arrival() == b.arrival() && a.prompt() == b.prompt() && a.output() == b.output()) {
                    twin[k] = q;
                    break;
                }
            }
        }
        // Gaps among the heavy jobs only: a light job can start next to almost anything, which would make every
        // gap 0.
        final boolean[] heavy = new boolean[free.length];
        for (int k = 0; k < free.length; k++) {
            heavy[k] = demand[k][demand[k].length - 1] > heavyShare * p.capacityBlocks();
        }
        this.gap = new long[free.length];
        for (int a = 0; a < free.length; a++) {
            long min = Long.MAX_VALUE;
            for (int b = 0; b < free.length && heavy[a]; b++) {
                if (b != a && heavy[b]) {
                    min = Math.min(min, separation(a, b));
                }
            }
            gap[a] = min == Long.MAX_VALUE ? 0 : min;
        }
        this.byArea = java.util.stream.IntStream.range(0, free.length).boxed()
                .sorted((x, y) -> Long.compare(area[x], area[y])).mapToInt(Integer::intValue).toArray();
        this.start = new long[free.length];
        this.best = incumbent.clone();
        this.bestValue = value;
    }

    /**
     * The bound at the root (nothing placed) for the free jobs on the fixed profile: the largest of the area, tail
     * and gap bounds, on their total latency, slots.
     */
    long rootBound() {
        final long[] est = new long[free.length];
        for (int k = 0; k < free.length; k++) {
            est[k] = earliest(k, p.jobs().get(free[k]).arrival());
        }
        return Math.max(Math.max(areaBound(0, est), tailBound(0, est)), gapBound(0, est));
    }

    /** Runs the search; true if it finished (the result is optimal for the free jobs), false if the budget ran out. */
    boolean run() {
        final long[] est = new long[free.length];
        for (int k = 0; k < free.length; k++) {
            est[k] = earliest(k, p.jobs().get(free[k]).arrival());
        }
        return dfs(0, 0, est);
    }

    /** Best start slots of the free jobs found, in {@code free} order. */
    long[] best() {
        return best.clone();
    }

    /** Total latency of the free jobs in {@link #best()}, slots. */
    long bestValue() {
        return bestValue;
    }

    /** Nodes expanded. */
    long nodes() {
        return nodes;
    }

    private boolean dfs(final int pos, final long placed, final long[] est) {
        if (pos == free.length) {
            if (placed < bestValue) {
                bestValue = placed;
                best = start.clone();
            }
            return true;
        }
        if (++nodes > nodeBudget) {
            return false;
        }
        if (placed + areaBound(pos, est) >= bestValue || placed + tailBound(pos, est) >= bestValue
                || placed + gapBound(pos, est) >= bestValue) {
            return true;
        }
        long rest = 0;
        for (int k = pos + 1; k < free.length; k++) {
            final HindsightProblem.Job j = p.jobs().get(free[k]);
            rest += est[k] + j.output() - j.arrival();
        }
        final HindsightProblem.Job job = p.jobs().get(free[pos]);
        long s = est[pos];
        if (twin[pos] >= 0) {
            s = Math.max(s, start[twin[pos]]);
        }
        final long[] child = new long[free.length];
        for (; ; s++) {
            s = earliest(pos, s);
            final long latency = s + job.output() - job.arrival();
            if (placed + latency + rest >= bestValue) {
                return true;
            }
            place(pos, s, 1);
            start[pos] = s;
            for (int k = pos + 1; k < free.length; k++) {
                child[k] = earliest(k, est[k]);
            }
            final boolean finished = dfs(pos + 1, placed + latency, child);
            place(pos, s, -1);
            if (!finished) {
                return false;
            }
        }
    }

    /**
     * Lower bound on the total latency of the free jobs at positions {@code >= pos}, placed on the current profile:
     * the k-th of them to complete is done no earlier than the k-th smallest earliest completion (est + output), and
     * no earlier than the time by which the residual capacity from the earliest start on covers the k smallest areas
     * (the memory-time area bound on the memory the placed and fixed jobs leave).
     */
    private long areaBound(final int pos, final long[] est) {
        final int r = free.length - pos;
        final long[] ends = new long[r];
        long from = Long.MAX_VALUE;
        long arrivals = 0;
        for (int k = pos; k < free.length; k++) {
            final HindsightProblem.Job j = p.jobs().get(free[k]);
            ends[k - pos] = est[k] + j.output();
            from = Math.min(from, est[k]);
            arrivals += j.arrival();
        }
        java.util.Arrays.sort(ends);
        long total = 0;
        long need = 0;
        long t = from;
        long supplied = 0;
        int rank = 0;
        for (final int k : byArea) {
            if (k < pos) {
                continue;
            }
            need += area[k];
            while (supplied < need) {
                supplied += t < mem.length ? p.capacityBlocks() - mem[(int) t] : p.capacityBlocks();
                t++;
            }
            total += Math.max(t, ends[rank++]);
        }
        return total - arrivals;
    }

    /**
     * Lower bound on the total latency of the free jobs at positions {@code >= pos}: a job's "tail", the slots in
     * which it holds more than half the capacity, can share no slot with another tail, nor run where the placed and
     * fixed jobs leave half the capacity or less. Tails are then jobs of one machine, released at est + output -
     * tail; preemptive shortest-remaining-first on that machine minimises the sum of tail ends, which bounds the
     * sum of completions. Jobs without a tail count est + output.
     */
    private long tailBound(final int pos, final long[] est) {
        final int r = free.length - pos;
        final long[] release = new long[r];
        final long[] left = new long[r];
        int tails = 0;
        long total = 0;
        for (int k = pos; k < free.length; k++) {
            final HindsightProblem.Job j = p.jobs().get(free[k]);
            total -= j.arrival();
            if (tail[k] == 0) {
                total += est[k] + j.output();
            } else {
                release[tails] = est[k] + j.output() - tail[k];
                left[tails] = tail[k];
                tails++;
            }
        }
        if (tails == 0) {
            return total;
        }
        return total + srptCompletions(release, left, tails, Machine.TAILS);
    }

    /**
     * Lower bound on the total latency of the free jobs at positions {@code >= pos} from pairwise start gaps: if job
     * a starts no later than job b, b starts at least sep(a, b) slots after a, the smallest gap at which the two fit
     * together in the capacity. Among the heavy jobs (peak above a share of the capacity), in start order, every job is
     * therefore followed by the next one after a gap of at least q(a), its smallest sep to any other such job, so
     * the intervals [start, start + q) are disjoint: jobs of one machine, released at est, whose sum of ends
     * preemptive shortest-remaining-first minimises. Latency = that end + output - q - arrival; other jobs (q = 0)
     * count est + output.
     */
    private long gapBound(final int pos, final long[] est) {
        final int r = free.length - pos;
        final long[] release = new long[r];
        final long[] work = new long[r];
        long total = 0;
        for (int k = pos; k < free.length; k++) {
            final HindsightProblem.Job j = p.jobs().get(free[k]);
            release[k - pos] = est[k];
            work[k - pos] = gap[k];
            total += j.output() - gap[k] - j.arrival();
        }
        return total + srptCompletions(release, work, r, Machine.GAPS);
    }

    /**
     * Sum of completion times of preemptive shortest-remaining-first on one machine in whole slots (a job with no
     * work completes at its release). The machine cannot work in the slots the placed jobs take from it (see
     * {@link Machine}). Consumes {@code work}.
     */
    private long srptCompletions(final long[] release, final long[] work, final int count, final Machine machine) {
        long total = 0;
        int done = 0;
        long t = Long.MAX_VALUE;
        for (int q = 0; q < count; q++) {
            if (work[q] == 0) {
                total += release[q];
                done++;
            } else {
                t = Math.min(t, release[q]);
            }
        }
        while (done < count) {
            int pick = -1;
            long nextRelease = Long.MAX_VALUE;
            for (int q = 0; q < count; q++) {
                if (work[q] == 0) {
                    continue;
                }
                if (release[q] <= t) {
                    if (pick < 0 || work[q] < work[pick]) {
                        pick = q;
                    }
                } else {
                    nextRelease = Math.min(nextRelease, release[q]);
                }
            }
            if (pick < 0) {
                t = nextRelease;
                continue;
            }
            final boolean usable = t >= mem.length || (machine == Machine.TAILS
                    ? 2 * (p.capacityBlocks() - mem[(int) t]) > p.capacityBlocks()
                    : gapTaken[(int) t] == 0);
            if (usable && --work[pick] == 0) {
                total += t + 1;
                done++;
            }
            t++;
        }
        return total;
    }

    /** Smallest x >= 0 such that free job b started x slots after free job a fits next to it in the capacity. */
    private long separation(final int a, final int b) {
        final long[] da = demand[a];
        final long[] db = demand[b];
        for (int x = 0; x < da.length; x++) {
            boolean ok = true;
            for (int d = x; d < da.length && d - x < db.length && ok; d++) {
                ok = da[d] + db[d - x] <= p.capacityBlocks();
            }
            if (ok) {
                return x;
            }
        }
        return da.length;
    }

    /** Earliest slot at or after {@code from} where free job {@code k} fits the current profile. */
    private long earliest(final int k, final long from) {
        return LocalSearchSolver.earliestFit(mem, demand[k], p.capacityBlocks(), from);
    }

    private void place(final int k, final long s, final int sign) {
        final long[] dem = demand[k];
        for (int d = 0; d < dem.length; d++) {
            mem[(int) (s + d)] += sign * dem[d];
        }
        for (int d = 0; d < gap[k]; d++) {
            gapTaken[(int) (s + d)] += sign;
        }
    }

    /** The one-machine relaxations of the bounds, and which slots the placed jobs take from each. */
    private enum Machine {
        /** Tails: no slot where the placed and fixed jobs leave half the capacity or less. */
        TAILS,
        /** Gaps: no slot inside a placed job's gap interval (heavy jobs' intervals are disjoint, placed or not). */
        GAPS
    }
}
