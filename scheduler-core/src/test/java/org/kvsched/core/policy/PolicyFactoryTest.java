package org.kvsched.core.policy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kvsched.core.exec.UnitTimeModel;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.workload.Workload;

/**
 * The registry's factories against their own declarations: one name each, written once (the built policy
 * reports it), every declared parameter accepted, values outside a declared range or of the wrong type and
 * unknown keys refused in one line naming the key.
 */
class PolicyFactoryTest {

    static List<PolicyFactory> factories() {
        return PolicyKind.all();
    }

    @Test
    void namesAreUniqueKebabCaseAndFoundByName() {
        final Set<String> seen = new HashSet<>();
        for (final PolicyFactory f : PolicyKind.all()) {
            assertTrue(f.name().matches("[a-z0-9]+(-[a-z0-9]+)*"), f.name());
            assertTrue(seen.add(f.name()), "registered twice: " + f.name());
            assertSame(f, PolicyKind.byName(f.name()));
            assertFalse(f.description().isBlank(), f.name());
        }
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolicyKind.byName("no-such"));
        assertEquals(String.join(", ", PolicyKind.all().stream().map(PolicyFactory::name).toList()), PolicyKind.names());
        assertEquals("policy: unknown 'no-such'; valid: " + PolicyKind.names(), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("factories")
    void theBuiltPolicyReportsTheFactorysName(final PolicyFactory f) {
        // The unit model, a small workload and one replica: every factory can build, hindsight-opt included.
        final List<WorkloadRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            reqs.add(new WorkloadRequest(i, i * UnitTimeModel.UNIT_MICROS, 1 + i % 3, 1 + (i * 5) % 7));
        }
        final PolicyContext ctx = new PolicyContext(UnitTimeModel.INSTANCE, 16, 1, 1, new Workload("w", reqs));
        assertEquals(f.name(), f.create(Map.of(), ctx).name());
        assertEquals(f.name(), PolicyKind.create(PolicyConfig.parse(f.name()), ctx).name());
    }

    @ParameterizedTest
    @MethodSource("factories")
    void everyDeclaredParameterAcceptsItsDefaultAndItsRangeEnds(final PolicyFactory f) {
        final Set<String> keys = new HashSet<>();
        for (final ParamSpec p : f.parameters()) {
            assertTrue(keys.add(p.name()), f.name() + " declares " + p.name() + " twice");
            assertTrue(p.name().matches("[a-z0-9]+(-[a-z0-9]+)*"), p.name());
            assertFalse(p.description().isBlank(), p.name());
            assertDoesNotThrow(() -> new PolicyParams(f.name(), f.parameters(), Map.of(p.name(), p.defaultValue())),
                    f.name() + "." + p.name());
            final ParamSpec.Range r = p.range();
            if (r.minInclusive() && isFinite(r.min())) {
                assertDoesNotThrow(() -> new PolicyParams(f.name(), f.parameters(), Map.of(p.name(), text(p, r.min()))));
            }
            if (r.maxInclusive() && isFinite(r.max())) {
                assertDoesNotThrow(() -> new PolicyParams(f.name(), f.parameters(), Map.of(p.name(), text(p, r.max()))));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("factories")
    void valuesOutsideTheRangeOrOfTheWrongTypeAreRefusedNamingTheKey(final PolicyFactory f) {
        for (final ParamSpec p : f.parameters()) {
            final List<String> bad = new ArrayList<>();
            final ParamSpec.Range r = p.range();
            switch (p.type()) {
                case INT, NUMBER -> {
                    bad.add("x");
                    if (isFinite(r.min())) {
                        bad.add(text(p, r.minInclusive() ? r.min() - (p.type() == ParamSpec.Type.INT ? 1 : 0.5) : r.min()));
                    }
                    if (isFinite(r.max())) {
                        bad.add(text(p, r.maxInclusive() ? r.max() + (p.type() == ParamSpec.Type.INT ? 1 : 0.5) : r.max()));
                    }
                    if (p.type() == ParamSpec.Type.NUMBER) {
                        bad.add("NaN");
                    } else {
                        bad.add("1.5");
                    }
                }
                case BOOLEAN -> bad.add("yes");
                case TEXT -> { }
                default -> throw new IllegalStateException(p.type().toString());
            }
            for (final String v : bad) {
                final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> new PolicyParams(f.name(), f.parameters(), Map.of(p.name(), v)), f.name() + "." + p.name() + "=" + v);
                assertTrue(e.getMessage().startsWith("policy." + f.name() + "." + p.name() + ": "), e.getMessage());
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("factories")
    void anUnknownParameterIsRefusedNamingItAndThePolicy(final PolicyFactory f) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> f.create(Map.of("no-such-key", "1"), new PolicyContext(UnitTimeModel.INSTANCE, 16, 1, 1)));
        assertTrue(e.getMessage().startsWith("policy." + f.name() + ".no-such-key: unknown parameter of policy " + f.name()
                + "; accepted: "), e.getMessage());
    }

    @Test
    void rangesAreDescribedAsTheMessagesSayThem() {
        assertEquals("must be >= 1", ParamSpec.Range.atLeast(1).describe());
        assertEquals("must be > 1", ParamSpec.Range.above(1).describe());
        assertEquals("must be in [0, 1)", ParamSpec.Range.closedOpen(0, 1).describe());
        assertEquals("must be in (0, 1]", ParamSpec.Range.openClosed(0, 1).describe());
        assertEquals("must be in (0, 0.5)", ParamSpec.Range.open(0, 0.5).describe());
        final List<ParamSpec> specs = List.of(ParamSpec.number("reserve", "0", ParamSpec.Range.closedOpen(0, 1), "r"));
        assertEquals("policy.mcsf.reserve: must be in [0, 1), got '1'",
                assertThrows(IllegalArgumentException.class, () -> new PolicyParams("mcsf", specs, Map.of("reserve", "1"))).getMessage());
    }

    private static boolean isFinite(final double x) {
        return !Double.isInfinite(x);
    }

    private static String text(final ParamSpec p, final double x) {
        return p.type() == ParamSpec.Type.INT ? Long.toString((long) x) : Double.toString(x);
    }
}
