package org.kvsched.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.policy.PolicyFactory;
import org.kvsched.core.policy.PolicyKind;

class ListingCommandsTest {

    @Test
    void policiesListsEveryKindWithParameters() {
        final CliRunner.Result r = CliRunner.run("policies");
        assertEquals(0, r.exitCode());
        for (final PolicyFactory k : PolicyKind.all()) {
            assertTrue(r.out().contains(k.name()), k.name());
            k.parameters().forEach(p -> assertTrue(r.out().contains(p.name()), p.name()));
        }
    }

    /** The listing's policy lines (those not indented) are exactly the registry's factories, in order, with their flag. */
    @Test
    void policiesListsExactlyTheRegisteredFactories() {
        final CliRunner.Result r = CliRunner.run("policies");
        final List<String> listed = r.out().lines()
                .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)) && !l.startsWith("Pass parameters"))
                .toList();
        final List<String> expected = PolicyKind.all().stream()
                .map(f -> f.name() + (f.needsLengths() ? "  [uses predicted lengths]" : ""))
                .toList();
        assertEquals(expected, listed);
    }

    @Test
    void modelsListsEveryProfile() {
        final CliRunner.Result r = CliRunner.run("models");
        assertEquals(0, r.exitCode());
        for (final ModelProfile m : ModelCatalog.all()) {
            assertTrue(r.out().contains(m.name()), m.name());
        }
        assertTrue(r.out().contains("118,784"));
    }
}
