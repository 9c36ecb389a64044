package org.kvsched.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The chaos plan: parsing, seeded and spread points, crashes that leave a survivor. */
class ChaosTest {

    @Test
    void parsesEveryKindAndRejectsTheRestNamingTheOption() {
        assertEquals(new Chaos.Spec(3, 2, 0, 0), Chaos.Spec.parse("kill-scheduler:3,kill-worker:2"));
        assertEquals(new Chaos.Spec(0, 0, 1, 1), Chaos.Spec.parse("crash-scheduler:1, crash-worker:1"));
        for (final String bad : List.of("kill-scheduler", "kill-scheduler:x", "kill-scheduler:-1", "kill-broker:1",
                "kill-worker:1,kill-worker:2", "")) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Chaos.Spec.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("--chaos: expected "), e.getMessage());
        }
    }

    @Test
    void planIsSeededSortedWithinTheRunAndHasTheAskedFaults() {
        final Chaos.Spec spec = new Chaos.Spec(5, 5, 0, 0);
        final List<Chaos.Fault> a = Chaos.plan(spec, 7, 2000, 2, 3);
        assertEquals(a, Chaos.plan(spec, 7, 2000, 2, 3));
        assertNotEquals(a, Chaos.plan(spec, 8, 2000, 2, 3));
        assertEquals(10, a.size());
        for (int i = 0; i < a.size(); i++) {
            final Chaos.Fault f = a.get(i);
            assertTrue(f.atFinished() >= 100 && f.atFinished() < 1900, f.toString());
            assertTrue(i == 0 || a.get(i - 1).atFinished() <= f.atFinished(), "not sorted: " + a);
            assertTrue(f.restart());
        }
        assertEquals(5, a.stream().filter(f -> f.process().startsWith(LocalCluster.SCHEDULER)).count());
        assertEquals(5, a.stream().filter(f -> f.process().startsWith(LocalCluster.WORKER)).count());
        // Instances are drawn among all of them: with 10 faults and seed 7 more than one of each is hit.
        assertTrue(a.stream().map(Chaos.Fault::process).collect(Collectors.toSet()).size() > 2, a.toString());
    }

    @Test
    void crashesLeaveASurvivorAndNeverHitTheDeadAgain() {
        final List<Chaos.Fault> plan = Chaos.plan(new Chaos.Spec(4, 0, 2, 0), 3, 500, 3, 1);
        final List<String> crashed = plan.stream().filter(f -> !f.restart()).map(Chaos.Fault::process).toList();
        assertEquals(2, crashed.stream().distinct().count(), plan.toString());
        for (int i = 0; i < plan.size(); i++) {
            final int at = i;
            // After a crash, no later fault names that process.
            plan.subList(0, i).stream().filter(f -> !f.restart())
                    .forEach(dead -> assertNotEquals(dead.process(), plan.get(at).process(), plan.toString()));
        }
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Chaos.plan(new Chaos.Spec(0, 0, 2, 0), 1, 100, 2, 2));
        assertTrue(e.getMessage().contains("one instance must survive"), e.getMessage());
    }
}
