package org.kvsched.core.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The project's rule for bad settings, checked the same way in every service's test: one line that names the key. */
public final class SettingErrors {

    private SettingErrors() {
    }

    /** Fails unless {@code e}'s message names {@code key} (quoted) on a single line. */
    public static void assertNamesKey(final RuntimeException e, final String key) {
        assertTrue(e.getMessage().contains("'" + key + "'"), "'" + key + "' not named in: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
