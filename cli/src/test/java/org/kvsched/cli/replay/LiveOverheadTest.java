package org.kvsched.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Which report/plan pairs count as overhead samples, and the arrival lag's figures, on hand-made logs. */
class LiveOverheadTest {

    @Test
    void pairsEachReportWithTheNextPlanAndSkipsIdleArrivalLastAndDuplicates() {
        // Replica 0: requests 1 and 2 arrive at 0; plans 0..3; request 3 arrives at 45 while 2 is still running.
        final LiveLog log = new LiveLog(
                List.of(new LiveLog.Arrival(0, 1, 0), new LiveLog.Arrival(0, 2, 0), new LiveLog.Arrival(0, 3, 45),
                        new LiveLog.Arrival(0, 4, 100)),
                List.of(new LiveLog.Plan(0, 0, List.of(1L, 2L), 2),
                        new LiveLog.Plan(0, 1, List.of(2L), 13),          // report 0 at 10: sample 3 ms
                        new LiveLog.Plan(0, 2, List.of(2L, 3L), 47),      // report 1 at 40, arrival at 45: skipped (arrival)
                        new LiveLog.Plan(0, 3, List.of(4L), 101)),        // report 2 at 60 finished 2 and 3: skipped (idle)
                List.of(new LiveLog.Report(0, 0, List.of(1L), 10),
                        new LiveLog.Report(0, 0, List.of(1L), 30),        // a re-delivered plan's duplicate: ignored
                        new LiveLog.Report(0, 1, List.of(), 40),
                        new LiveLog.Report(0, 2, List.of(2L, 3L), 60),
                        new LiveLog.Report(0, 3, List.of(4L), 120)));     // last: no next plan
        final LiveOverhead.Overhead o = LiveOverhead.overhead(log, 0);
        assertEquals(1, o.samples());
        assertEquals(3.0, o.ms().p50());
        assertEquals(5, o.reports());
        assertEquals(1, o.skippedIdle());
        assertEquals(1, o.skippedArrival());
        assertEquals(1, o.noNextPlan());
    }

    @Test
    void lagIsArrivalToFirstPlanAndGrowthComparesThirds() {
        final LiveLog log = new LiveLog(
                List.of(new LiveLog.Arrival(0, 0, 0), new LiveLog.Arrival(1, 1, 10), new LiveLog.Arrival(0, 2, 20),
                        new LiveLog.Arrival(1, 3, 30), new LiveLog.Arrival(0, 4, 40), new LiveLog.Arrival(1, 5, 50)),
                List.of(new LiveLog.Plan(0, 0, List.of(0L), 2), new LiveLog.Plan(1, 0, List.of(1L), 12),
                        new LiveLog.Plan(0, 1, List.of(2L), 24), new LiveLog.Plan(1, 1, List.of(1L, 3L), 34),
                        new LiveLog.Plan(0, 2, List.of(4L), 50), new LiveLog.Plan(1, 2, List.of(5L), 62)),
                List.of());
        final LiveOverhead.Lag lag = LiveOverhead.lag(log, 0);
        assertEquals(6, lag.ms().count());
        assertEquals(0, lag.never());
        assertEquals(12.0, lag.ms().max());
        assertEquals(2.0, lag.firstThirdP50Ms());
        assertEquals(11.0, lag.lastThirdP50Ms());
        assertEquals(9.0, lag.growthMs());
        assertEquals(100.0, lag.arrivalRatePerS(), 1e-9);
    }
}
