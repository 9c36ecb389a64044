package org.kvsched.cli.replay;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.kvsched.core.metrics.Stats;

/**
 * The live scheduler's overhead and lag, computed from a {@link LiveLog} (pure functions; all times are
 * broker append times, milliseconds, so every figure has 1 ms resolution).
 *
 * <p><b>Decision overhead.</b> A live replica has at most one plan in flight, and the scheduler decides
 * again when the report of that plan comes in. So for report k of a replica whose plan k+1 exists,
 * {@code plan(k+1).append − report(k).append} is the time the pipeline needs to turn a report into the
 * next plan: the scheduler's consumer fetch, decoding, the replica log write, the policy's decision and the
 * producer's send. Pairs are left out when the plan may have been decided on something else:
 * <ul>
 *   <li><i>idle</i>: every request of the replica appended to {@code arrivals} up to the report's append had
 *       finished by that report, so there was nothing to run and plan k+1 waited for a new arrival;</li>
 *   <li><i>arrival in between</i>: requests were pending, but an arrival of the replica was appended in
 *       [report(k), plan(k+1)] (both ends included, as the clock has 1 ms steps), so the plan may have
 *       been decided on that arrival or its time includes applying it;</li>
 *   <li><i>no next plan</i>: the replica's last report (nothing left to do).</li>
 * </ul>
 * Each report falls in exactly one of: a sample, settling (appended in the first moments of the run, see
 * {@link #overhead}), idle, arrival in between, no next plan.
 *
 * <p><b>Arrival lag.</b> For each request, {@code plan.append − arrival.append} for the first plan that
 * contains it. With a workload the policy admits at once, this is how far the scheduler runs behind its
 * input; when it does not keep up, requests queue in the topic and the lag grows over the run, which
 * {@link Lag#growthMs()} (median lag of the last third of the requests minus that of the first third, in
 * append order; medians, so that a load spike from another process does not read as growth) shows.
 */
public final class LiveOverhead {

    /**
     * Report-to-next-plan times.
     *
     * @param ms              statistics of the samples, milliseconds
     * @param reports         reports read (a duplicate report of the same plan, after a re-delivery, is ignored and in no class)
     * @param skippedSettling reports appended before the settling time was over
     * @param skippedIdle     reports after which the replica had nothing to run
     * @param skippedArrival  reports with requests pending but an arrival appended between them and the next plan
     * @param noNextPlan      reports not followed by a plan (each replica's last)
     * @param planToReportMs  the other half of the loop, for every report: its plan's append to the report's append
     *                        (the workers' read of committed plans, the modelled time / speed, the report's send), milliseconds
     */
    public record Overhead(Stats ms, int reports, int skippedSettling, int skippedIdle, int skippedArrival, int noNextPlan,
                           Stats planToReportMs) {

        /** Samples taken. */
        public long samples() {
            return ms.count();
        }
    }

    /**
     * Arrival-to-first-plan times.
     *
     * @param ms         statistics of the samples, milliseconds
     * @param never      requests never in any plan (rejected)
     * @param firstThirdP50Ms median lag of the first third of the requests by append order, milliseconds
     * @param lastThirdP50Ms  median lag of the last third, milliseconds
     * @param arrivalRatePerS  requests appended per second between the first and the last append (wall)
     */
    public record Lag(Stats ms, int never, double firstThirdP50Ms, double lastThirdP50Ms, double arrivalRatePerS) {

        /** Last third's median minus the first third's, milliseconds: about 0 while the scheduler keeps up. */
        public double growthMs() {
            return lastThirdP50Ms - firstThirdP50Ms;
        }
    }

    private LiveOverhead() {
    }

    /**
     * The report-to-next-plan times of a run, see the class comment for which reports give a sample.
     *
     * @param settleMs reports appended less than this long after the run's first arrival are left out (counted apart), milliseconds
     */
    public static Overhead overhead(final LiveLog log, final long settleMs) {
        final long settled = firstArrivalMs(log) + settleMs;
        final Map<Integer, Map<Long, LiveLog.Plan>> plans = new HashMap<>();
        for (final LiveLog.Plan p : log.plans()) {
            plans.computeIfAbsent(p.replica(), r -> new HashMap<>()).put(p.planId(), p);
        }
        final Map<Integer, List<LiveLog.Arrival>> arrivals = byReplica(log.arrivals(), LiveLog.Arrival::replica);
        final Map<Integer, List<LiveLog.Report>> reports = byReplica(log.reports(), LiveLog.Report::replica);
        final List<Double> samples = new ArrayList<>();
        final List<Double> planToReport = new ArrayList<>();
        int settling = 0;
        int idle = 0;
        int arrival = 0;
        int last = 0;
        for (final Map.Entry<Integer, List<LiveLog.Report>> e : reports.entrySet()) {
            final List<LiveLog.Arrival> as = new ArrayList<>(arrivals.getOrDefault(e.getKey(), List.of()));
            as.sort(Comparator.comparingLong(LiveLog.Arrival::appendMs));
            final Map<Long, LiveLog.Plan> ps = plans.getOrDefault(e.getKey(), Map.of());
            final List<LiveLog.Report> rs = new ArrayList<>(e.getValue());
            rs.sort(Comparator.comparingLong(LiveLog.Report::planId));
            final Set<Long> finished = new HashSet<>();
            int arrived = 0;
            long previous = -1;
            for (final LiveLog.Report r : rs) {
                if (r.planId() == previous) {
                    // A re-delivered plan's second report: the scheduler ignores it as a duplicate, so do we.
                    continue;
                }
                previous = r.planId();
                finished.addAll(r.finished());
                final LiveLog.Plan own = ps.get(r.planId());
                if (own != null) {
                    planToReport.add((double) (r.appendMs() - own.appendMs()));
                }
                while (arrived < as.size() && as.get(arrived).appendMs() <= r.appendMs()) {
                    arrived++;
                }
                final LiveLog.Plan next = ps.get(r.planId() + 1);
                if (next == null) {
                    last++;
                    continue;
                }
                boolean pending = false;
                for (int i = 0; i < arrived && !pending; i++) {
                    pending = !finished.contains(as.get(i).requestId());
                }
                if (r.appendMs() < settled) {
                    settling++;
                } else if (!pending) {
                    idle++;
                } else if (anyAppendedIn(as, r.appendMs(), next.appendMs())) {
                    arrival++;
                } else {
                    samples.add((double) (next.appendMs() - r.appendMs()));
                }
            }
        }
        return new Overhead(stats(samples), log.reports().size(), settling, idle, arrival, last, stats(planToReport));
    }

    /**
     * The arrival-to-first-plan times of a run.
     *
     * @param settleMs requests appended less than this long after the run's first arrival are left out, milliseconds
     */
    public static Lag lag(final LiveLog log, final long settleMs) {
        final long settled = firstArrivalMs(log) + settleMs;
        final Map<Long, Long> firstPlanMs = new HashMap<>();
        for (final LiveLog.Plan p : log.plans()) {
            for (final long id : p.requestIds()) {
                firstPlanMs.merge(id, p.appendMs(), Math::min);
            }
        }
        final List<LiveLog.Arrival> as = new ArrayList<>();
        for (final LiveLog.Arrival a : log.arrivals()) {
            if (a.appendMs() >= settled) {
                as.add(a);
            }
        }
        as.sort(Comparator.comparingLong(LiveLog.Arrival::appendMs));
        final List<Double> lags = new ArrayList<>();
        int never = 0;
        for (final LiveLog.Arrival a : as) {
            final Long planned = firstPlanMs.get(a.requestId());
            if (planned == null) {
                never++;
            } else {
                lags.add((double) (planned - a.appendMs()));
            }
        }
        final int third = lags.size() / 3;
        final double spanS = as.size() < 2 ? 0 : (as.get(as.size() - 1).appendMs() - as.get(0).appendMs()) / 1000.0;
        return new Lag(stats(lags), never, stats(lags.subList(0, third)).p50(), stats(lags.subList(lags.size() - third, lags.size())).p50(),
                spanS > 0 ? (as.size() - 1) / spanS : 0);
    }

    private static long firstArrivalMs(final LiveLog log) {
        return log.arrivals().stream().mapToLong(LiveLog.Arrival::appendMs).min().orElse(0);
    }

    private static boolean anyAppendedIn(final List<LiveLog.Arrival> sorted, final long fromMs, final long toMs) {
        // First arrival at or after fromMs (binary search on the sorted append times).
        int lo = 0;
        int hi = sorted.size();
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            if (sorted.get(mid).appendMs() < fromMs) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo < sorted.size() && sorted.get(lo).appendMs() <= toMs;
    }

    private static <T> Map<Integer, List<T>> byReplica(final List<T> items, final java.util.function.ToIntFunction<T> replica) {
        final Map<Integer, List<T>> m = new TreeMap<>();
        for (final T t : items) {
            m.computeIfAbsent(replica.applyAsInt(t), r -> new ArrayList<>()).add(t);
        }
        return m;
    }

    private static Stats stats(final List<Double> values) {
        final double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        return v.length == 0 ? Stats.EMPTY : Stats.ofSorting(v);
    }
}
