package org.kvsched.hindsight;

import java.util.ArrayList;
import java.util.List;

import com.google.ortools.Loader;
import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.CpSolver;
import com.google.ortools.sat.CpSolverStatus;
import com.google.ortools.sat.CumulativeConstraint;
import com.google.ortools.sat.IntVar;
import com.google.ortools.sat.IntervalVar;
import com.google.ortools.sat.LinearExpr;

import org.kvsched.core.policy.hindsight.AreaLowerBound;
import org.kvsched.core.policy.hindsight.HindsightProblem;
import org.kvsched.core.policy.hindsight.HindsightSolution;
import org.kvsched.core.policy.hindsight.HindsightSolver;

/**
 * The hindsight integer program of Jaillet et al. (arXiv 2502.07115, the hindsight integer program; docs/mcsf-fidelity.md) solved with
 * OR-Tools CP-SAT.
 *
 * <p>Formulation (exact for the mechanism's memory model, any block size). One integer start S_i per job in
 * [a_i, a_i + W], where W is the total waiting of the hint schedule (no job of a better schedule can wait
 * longer than that in total). A job's growing footprint is a stack of fixed-size intervals sharing S_i: for
 * every offset d where its blocks increase (d = 0: the prompt's blocks; then each block boundary), an interval
 * [S_i + d, S_i + o_i) with demand equal to the increase; one cumulative constraint of capacity M over all of
 * them is then exactly "memory at every slot &lt;= M". Objective: minimise sum S_i (the total latency minus the
 * constant sum (o_i - a_i)). Identical jobs are ordered by start (symmetry breaking), the MC-SF schedule is the
 * hint, and the area bound ({@link AreaLowerBound}) is stated as a redundant constraint.
 *
 * <p>Differences from the paper's IP (binary x_{i,t} per start slot, Gurobi): same feasible set and objective,
 * a scheduling (interval) encoding instead of a time-indexed one; the solve is limited in time and reports
 * the best schedule with CP-SAT's proven bound (max with the area bound). The limit is CP-SAT's deterministic
 * time with interleaved subsolvers, so results do not depend on the machine's speed or load.
 */
public final class CpSatHindsightSolver implements HindsightSolver {

    private static volatile boolean loaded;

    private static void load() {
        if (!loaded) {
            synchronized (CpSatHindsightSolver.class) {
                if (!loaded) {
                    Loader.loadNativeLibraries();
                    loaded = true;
                }
            }
        }
    }

    @Override
    public String name() {
        return "cp-sat";
    }

    @Override
    public HindsightSolution solve(final HindsightProblem p, final double timeLimitSeconds, final long[] hint) {
        load();
        final long t0 = System.nanoTime();
        final int n = p.size();
        final long[] start = hint != null ? hint : p.greedyStarts(true);
        final long upper = p.totalLatency(start);
        final long areaBound = AreaLowerBound.totalLatency(p);
        final long constant = p.outputSum() - p.arrivalSum();
        if (n == 0 || upper == areaBound) {
            return new HindsightSolution(start.clone(), upper, areaBound, true, name(), (System.nanoTime() - t0) / 1e9);
        }
        final long slack = upper - p.outputSum();
        final long horizon = p.safeHorizon();

        final CpModel model = new CpModel();
        final IntVar[] s = new IntVar[n];
        final CumulativeConstraint memory = model.addCumulative(p.capacityBlocks());
        for (int i = 0; i < n; i++) {
            final HindsightProblem.Job j = p.jobs().get(i);
            s[i] = model.newIntVar(j.arrival(), Math.min(j.arrival() + slack, horizon), "s" + j.id());
            long previous = 0;
            for (int d = 0; d < j.output(); d++) {
                final long blocks = p.memory(j, d);
                if (blocks > previous) {
                    final IntervalVar layer = model.newFixedSizeIntervalVar(LinearExpr.affine(s[i], 1, d), j.output() - d,
                            "m" + j.id() + "_" + d);
                    memory.addDemand(layer, blocks - previous);
                    previous = blocks;
                }
            }
            model.addHint(s[i], start[i]);
        }
        // Symmetry: interchangeable jobs start in index order.
        final List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        order.sort((x, y) -> {
            final HindsightProblem.Job a = p.jobs().get(x);
            final HindsightProblem.Job b = p.jobs().get(y);
            int c = Long.compare(a.arrival(), b.arrival());
            c = c != 0 ? c : Integer.compare(a.prompt(), b.prompt());
            c = c != 0 ? c : Integer.compare(a.output(), b.output());
            return c != 0 ? c : Integer.compare(x, y);
        });
        for (int k = 1; k < n; k++) {
            final HindsightProblem.Job a = p.jobs().get(order.get(k - 1));
            final HindsightProblem.Job b = p.jobs().get(order.get(k));
            if (a.arrival() == b.arrival() && a.prompt() == b.prompt() && a.output() == b.output()) {
                model.addLessOrEqual(s[order.get(k - 1)], s[order.get(k)]);
            }
        }
        final LinearExpr sum = LinearExpr.sum(s);
        model.addGreaterOrEqual(sum, areaBound - constant);
        model.addLessOrEqual(sum, upper - constant);
        model.minimize(sum);

        final CpSolver solver = new CpSolver();
        // Deterministic: the subsolvers are interleaved in one thread and the limit is CP-SAT's deterministic
        // time (work units close to seconds), so a run gives the same answer on any machine, at any load.
        solver.getParameters().setMaxDeterministicTime(timeLimitSeconds);
        solver.getParameters().setInterleaveSearch(true);
        solver.getParameters().setNumWorkers(8);
        solver.getParameters().setRandomSeed(1);
        final CpSolverStatus status = solver.solve(model);
        final double secs = (System.nanoTime() - t0) / 1e9;
        if (status != CpSolverStatus.OPTIMAL && status != CpSolverStatus.FEASIBLE) {
            // Time out before any solution beyond the hint (or an unexpected status): the hint stands.
            return new HindsightSolution(start.clone(), upper, areaBound, false, name() + " (" + status + ")", secs);
        }
        final long[] best = new long[n];
        for (int i = 0; i < n; i++) {
            best[i] = solver.value(s[i]);
        }
        final long value = p.totalLatency(best);
        final long bound = Math.max(areaBound, (long) Math.ceil(solver.bestObjectiveBound() - 1e-6) + constant);
        final boolean optimal = status == CpSolverStatus.OPTIMAL || bound >= value;
        return new HindsightSolution(best, value, optimal ? value : bound, optimal, name(), secs);
    }
}
