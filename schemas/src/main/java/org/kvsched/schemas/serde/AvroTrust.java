package org.kvsched.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Trusts the generated Avro package. Avro 1.12.2 added a class allow-list
 * ({@code org.apache.avro.util.ClassSecurityValidator}): it refuses, with a {@code SecurityException}, to decode
 * into any SpecificRecord class whose package it has not been told to trust, either by the JVM flag
 * {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES} or in code. Every serde calls {@link #install()}, the in-code
 * way, before its first decode so no service needs the flag.
 */
public final class AvroTrust {

    /** Package of the generated classes, with the trailing dot. */
    public static final String PACKAGE = "org.kvsched.schemas.avro.";

    private static final Object LOCK = new Object();

    private AvroTrust() {
    }

    /** Adds the generated package to Avro's global class validator; idempotent and thread-safe. */
    public static void install() {
        synchronized (LOCK) {
            final ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
            if (current instanceof OurPackage) {
                return;
            }
            // Keep whatever the JVM already trusts (system property, defaults) and add our package.
            ClassSecurityValidator.setGlobal(new OurPackage(current));
        }
    }

    /** The previous predicate, or our package. */
    private static final class OurPackage implements ClassSecurityPredicate {
        private final ClassSecurityPredicate previous;

        OurPackage(final ClassSecurityPredicate previous) {
            this.previous = previous;
        }

        @Override
        public boolean isTrusted(final Class<?> clazz) {
            return clazz.getName().startsWith(PACKAGE) || previous.isTrusted(clazz);
        }
    }
}
