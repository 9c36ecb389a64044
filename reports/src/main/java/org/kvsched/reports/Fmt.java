package org.kvsched.reports;

import java.math.BigDecimal;
import java.util.Locale;

/** Human-readable numbers for the report table; every method prints a dash for a non-finite value. */
final class Fmt {

    static final String NONE = "\u2013";

    private Fmt() {
    }

    /** A duration given in milliseconds, with a unit and about three significant digits: 0.512 ms, 12.3 ms, 1.24 s. */
    static String ms(final double ms) {
        if (!Double.isFinite(ms)) {
            return NONE;
        }
        final double a = Math.abs(ms);
        if (a < 1) {
            return f("%.3f ms", ms);
        }
        if (a < 10) {
            return f("%.2f ms", ms);
        }
        if (a < 999.5) {
            return f("%.1f ms", ms);
        }
        return seconds(ms / 1000);
    }

    /** A duration given in seconds: 1.24 s, 12.4 s, 1,234 s. */
    static String seconds(final double s) {
        if (!Double.isFinite(s)) {
            return NONE;
        }
        final double a = Math.abs(s);
        if (a < 9.995) {
            return f("%.2f s", s);
        }
        if (a < 999.5) {
            return f("%.1f s", s);
        }
        return f("%,.0f s", s);
    }

    /** An integer with thousands separators. */
    static String count(final long n) {
        return f("%,d", n);
    }

    /** A count with three significant digits and a k/M suffix from 10,000: 9,876, 32.8k, 1.23M. */
    static String compact(final long n) {
        final long a = Math.abs(n);
        if (a < 10_000) {
            return count(n);
        }
        if (a < 999_500) {
            return f(a < 99_950 ? "%.1fk" : "%.0fk", n / 1e3);
        }
        return f(a < 9_995_000 ? "%.2fM" : a < 99_950_000 ? "%.1fM" : "%,.0fM", n / 1e6);
    }

    /** A rate or other positive quantity with about three significant digits and grouping. */
    static String number(final double v) {
        if (!Double.isFinite(v)) {
            return NONE;
        }
        final double a = Math.abs(v);
        if (a >= 999.5) {
            return f("%,.0f", v);
        }
        if (a >= 9.995) {
            return f("%.1f", v);
        }
        return f("%.2f", v);
    }

    /** A fraction 0..1 as a percentage with one decimal. */
    static String percent(final double fraction) {
        return Double.isFinite(fraction) ? f("%.1f %%", fraction * 100) : NONE;
    }

    /** The shortest decimal of a rate scale: 1, 0.5, 1.25. */
    static String scale(final double v) {
        return Double.isFinite(v) ? BigDecimal.valueOf(v).stripTrailingZeros().toPlainString() : "nan";
    }

    private static String f(final String format, final double v) {
        return String.format(Locale.ROOT, format, v);
    }

    private static String f(final String format, final long v) {
        return String.format(Locale.ROOT, format, v);
    }
}
