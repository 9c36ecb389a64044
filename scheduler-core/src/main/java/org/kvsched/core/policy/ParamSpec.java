package org.kvsched.core.policy;

/**
 * One configurable parameter of a policy, as {@code ./kvsched policies} lists it and as the config
 * key {@code policy.<kind>.<name>} sets it. Its type and range are checked in one place,
 * {@link PolicyParams}, before the policy's factory sees the value.
 *
 * @param name         kebab-case key
 * @param type         how the value is read
 * @param defaultValue default, as text
 * @param range        accepted values of an {@link Type#INT} or {@link Type#NUMBER} parameter ({@link Range#ANY}
 *                     for the others)
 * @param description  meaning and unit
 */
public record ParamSpec(String name, Type type, String defaultValue, Range range, String description) {

    /** How a parameter's text is read. */
    public enum Type {
        /** A 32-bit integer. */
        INT,
        /** A double. */
        NUMBER,
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** Free text the factory reads itself (lists, {@code auto}). */
        TEXT
    }

    /** An integer parameter. */
    public static ParamSpec integer(final String name, final String defaultValue, final Range range, final String description) {
        return new ParamSpec(name, Type.INT, defaultValue, range, description);
    }

    /** A numeric (double) parameter. */
    public static ParamSpec number(final String name, final String defaultValue, final Range range, final String description) {
        return new ParamSpec(name, Type.NUMBER, defaultValue, range, description);
    }

    /** A true/false parameter. */
    public static ParamSpec bool(final String name, final String defaultValue, final String description) {
        return new ParamSpec(name, Type.BOOLEAN, defaultValue, Range.ANY, description);
    }

    /** A text parameter, checked by the factory that reads it. */
    public static ParamSpec text(final String name, final String defaultValue, final String description) {
        return new ParamSpec(name, Type.TEXT, defaultValue, Range.ANY, description);
    }

    /**
     * An interval of accepted values; an infinite end is open.
     *
     * @param min          lower end ({@code Double.NEGATIVE_INFINITY}: none)
     * @param minInclusive whether {@code min} itself is accepted
     * @param max          upper end ({@code Double.POSITIVE_INFINITY}: none)
     * @param maxInclusive whether {@code max} itself is accepted
     */
    public record Range(double min, boolean minInclusive, double max, boolean maxInclusive) {

        /** Every value. */
        public static final Range ANY = new Range(Double.NEGATIVE_INFINITY, false, Double.POSITIVE_INFINITY, false);

        /** {@code >= min}. */
        public static Range atLeast(final double min) {
            return new Range(min, true, Double.POSITIVE_INFINITY, false);
        }

        /** {@code > min}. */
        public static Range above(final double min) {
            return new Range(min, false, Double.POSITIVE_INFINITY, false);
        }

        /** {@code [min, max)}. */
        public static Range closedOpen(final double min, final double max) {
            return new Range(min, true, max, false);
        }

        /** {@code (min, max]}. */
        public static Range openClosed(final double min, final double max) {
            return new Range(min, false, max, true);
        }

        /** {@code (min, max)}. */
        public static Range open(final double min, final double max) {
            return new Range(min, false, max, false);
        }

        /** True if {@code v} is in the range (never for NaN). */
        public boolean contains(final double v) {
            final boolean lo = minInclusive ? v >= min : v > min;
            final boolean hi = maxInclusive ? v <= max : v < max;
            return lo && hi;
        }

        /** The expectation as an error message states it: {@code must be >= 1}, {@code must be in [0, 1)}. */
        public String describe() {
            if (max == Double.POSITIVE_INFINITY) {
                return "must be " + (minInclusive ? ">= " : "> ") + format(min);
            }
            if (min == Double.NEGATIVE_INFINITY) {
                return "must be " + (maxInclusive ? "<= " : "< ") + format(max);
            }
            return "must be in " + (minInclusive ? "[" : "(") + format(min) + ", " + format(max) + (maxInclusive ? "]" : ")");
        }

        private static String format(final double x) {
            return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
        }
    }
}
