package org.kvsched.core.report;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a tree of plain Java values as pretty-printed JSON (2-space indent, {@code "key": value}, no
 * trailing newline).
 *
 * <p>Accepted values: {@code null}, {@link String}, {@link Character}, {@link Boolean}, {@link Number},
 * {@link Enum} (written as its name), {@link Map} (keys written with {@link String#valueOf}, in the map's
 * iteration order; null keys are rejected), {@link Collection}, {@code Object[]} and {@code double[]}.
 * Anything else throws {@link IllegalArgumentException}. The tree must not contain cycles.
 *
 * <p>Numbers: integral types are written exactly; a finite double with an integral value below 2^53 is
 * written without a fraction ({@code 3}, not {@code 3.0}); NaN and infinities become {@code null}, because
 * JSON has no representation for them and a reader would otherwise choke on the whole file.
 *
 * <p>Strings: quote, backslash and control characters are escaped; other characters, non-ASCII included,
 * are written as they are, except lone surrogates (which UTF-8 cannot encode) and U+2028/U+2029 (which
 * break JavaScript string literals), written as {@code \}{@code uXXXX}.
 */
public final class JsonWriter {

    private static final String INDENT = "  ";
    /** Doubles at or above this magnitude may not be integers exactly, so keep their exponent form. */
    private static final double EXACT_INTEGER_LIMIT = 9.007199254740992E15;

    private JsonWriter() {
    }

    /** The JSON text of {@code value}. */
    public static String write(final Object value) {
        final StringBuilder sb = new StringBuilder(256);
        append(sb, value, 0);
        return sb.toString();
    }

    /** Appends {@code s} as a quoted, escaped JSON string. */
    public static void appendString(final StringBuilder sb, final String s) {
        sb.append('"');
        final int n = s.length();
        for (int i = 0; i < n; i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                case '\b':
                    sb.append("\\b");
                    break;
                case '\f':
                    sb.append("\\f");
                    break;
                default:
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        appendUnicodeEscape(sb, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        appendUnicodeEscape(sb, c);
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }

    /** Appends {@code v} as a JSON number, or {@code null} when it is not finite. */
    public static void appendNumber(final StringBuilder sb, final double v) {
        if (!Double.isFinite(v)) {
            sb.append("null");
        } else if (v == Math.rint(v) && Math.abs(v) < EXACT_INTEGER_LIMIT) {
            // (long) also turns -0.0 into 0, which is what a reader expects to see.
            sb.append((long) v);
        } else {
            sb.append(v);
        }
    }

    private static void appendUnicodeEscape(final StringBuilder sb, final char c) {
        sb.append("\\u");
        final String hex = Integer.toHexString(c);
        for (int k = hex.length(); k < 4; k++) {
            sb.append('0');
        }
        sb.append(hex);
    }

    private static void append(final StringBuilder sb, final Object value, final int depth) {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof String) {
            appendString(sb, (String) value);
        } else if (value instanceof Character || value instanceof Enum<?>) {
            appendString(sb, value instanceof Enum<?> ? ((Enum<?>) value).name() : value.toString());
        } else if (value instanceof Boolean) {
            sb.append(value);
        } else if (value instanceof Number) {
            appendNumberObject(sb, (Number) value);
        } else if (value instanceof Map<?, ?>) {
            appendMap(sb, (Map<?, ?>) value, depth);
        } else if (value instanceof Collection<?>) {
            appendElements(sb, ((Collection<?>) value).toArray(), depth);
        } else if (value instanceof Object[]) {
            appendElements(sb, (Object[]) value, depth);
        } else if (value instanceof double[]) {
            final double[] a = (double[]) value;
            final Object[] boxed = new Object[a.length];
            for (int i = 0; i < a.length; i++) {
                boxed[i] = a[i];
            }
            appendElements(sb, boxed, depth);
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    private static void appendNumberObject(final StringBuilder sb, final Number n) {
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
                || n instanceof BigInteger || n instanceof AtomicInteger || n instanceof AtomicLong) {
            sb.append(n);
        } else if (n instanceof BigDecimal) {
            sb.append(((BigDecimal) n).toString());
        } else if (n instanceof Float) {
            final float f = n.floatValue();
            // Float.toString keeps the short decimal form; widening to double would print 0.10000000149...
            if (Float.isFinite(f) && f != Math.rint(f)) {
                sb.append(Float.toString(f));
            } else {
                appendNumber(sb, f);
            }
        } else {
            appendNumber(sb, n.doubleValue());
        }
    }

    private static void appendMap(final StringBuilder sb, final Map<?, ?> map, final int depth) {
        if (map.isEmpty()) {
            sb.append("{}");
            return;
        }
        sb.append('{');
        boolean first = true;
        for (final Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getKey() == null) {
                throw new IllegalArgumentException("JSON object keys must not be null");
            }
            sb.append(first ? "\n" : ",\n");
            first = false;
            indent(sb, depth + 1);
            appendString(sb, String.valueOf(e.getKey()));
            sb.append(": ");
            append(sb, e.getValue(), depth + 1);
        }
        sb.append('\n');
        indent(sb, depth);
        sb.append('}');
    }

    private static void appendElements(final StringBuilder sb, final Object[] items, final int depth) {
        if (items.length == 0) {
            sb.append("[]");
            return;
        }
        sb.append('[');
        for (int i = 0; i < items.length; i++) {
            sb.append(i == 0 ? "\n" : ",\n");
            indent(sb, depth + 1);
            append(sb, items[i], depth + 1);
        }
        sb.append('\n');
        indent(sb, depth);
        sb.append(']');
    }

    private static void indent(final StringBuilder sb, final int depth) {
        for (int i = 0; i < depth; i++) {
            sb.append(INDENT);
        }
    }
}
