package org.kvsched.core.workload;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Parses the supported trace formats into a {@link RowBuffer}, rows in file order. Times come out
 * in microseconds: Vidur's {@code arrived_at} and Mooncake's {@code timestamp} as written (they are
 * already relative), Azure's wall-clock timestamps relative to the earliest one, and
 * {@link TraceFormat#LENGTHS_ONLY} rows at 0 for the caller to fill.
 *
 * <p>CSV is parsed by hand (no regex): the Azure conv trace has 19k rows and must load in a few
 * milliseconds. JSON lines are decoded by the {@link JsonLineFields} on the class path (core has no JSON
 * code); the values are checked here, like the CSV ones.
 */
final class TraceReader {

    /** What was read: the detected format and the rows in file order. */
    record Parsed(TraceFormat format, RowBuffer rows) {
    }

    private final Path file;
    private final String fileName;

    private TraceReader(final Path file) {
        this.file = file;
        final Path name = file.getFileName();
        this.fileName = name == null ? file.toString() : name.toString();
    }

    static Parsed read(final Path file) throws IOException {
        return new TraceReader(file).read();
    }

    private Parsed read() throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            final String first = in.readLine();
            if (first == null || first.isBlank()) {
                throw new IllegalArgumentException("trace file " + file + " is empty or starts with a blank line; expected one of:"
                        + TraceFormat.acceptedShapes());
            }
            final TraceFormat format = TraceFormat.detect(first);
            if (format == null) {
                throw new IllegalArgumentException("trace file " + file + ": unknown header '" + abbreviate(first.trim())
                        + "'; expected one of:" + TraceFormat.acceptedShapes());
            }
            final RowBuffer rows = new RowBuffer();
            switch (format) {
                case AZURE -> readAzure(in, first, rows);
                case VIDUR_REPLAY -> readVidur(in, first, rows);
                case LENGTHS_ONLY -> readLengthsOnly(in, first, rows);
                case MOONCAKE_JSONL -> readMooncake(in, first, rows);
                default -> throw new AssertionError(format);
            }
            return new Parsed(format, rows);
        }
    }

    // ---------------------------------------------------------------- CSV formats

    private void readAzure(final BufferedReader in, final String header, final RowBuffer rows) throws IOException {
        // Held as epoch nanoseconds until the earliest row is known (fits a long until 2262).
        readCsv(in, header, rows, "TIMESTAMP", this::parseTimestampNanos, "ContextTokens", "GeneratedTokens");
        if (rows.size() > 0) {
            rows.rescaleTimes(rows.minTime(), 1000.0);
        }
    }

    private void readVidur(final BufferedReader in, final String header, final RowBuffer rows) throws IOException {
        readCsv(in, header, rows, "arrived_at",
                (text, lineNumber) -> Math.round(parseNonNegative(text, "arrived_at", "seconds", lineNumber) * 1e6),
                "num_prefill_tokens", "num_decode_tokens");
    }

    private void readLengthsOnly(final BufferedReader in, final String header, final RowBuffer rows) throws IOException {
        readCsv(in, header, rows, null, null, "num_prefill_tokens", "num_decode_tokens");
    }

    /** Parses the time column of one row (units are the caller's). */
    @FunctionalInterface
    private interface TimeColumn {
        long parse(String text, int lineNumber);
    }

    /**
     * The one CSV loop: a time column (or none: time 0 for the caller to fill) and two length columns,
     * looked up by name in the header; blank lines skipped; line numbers 1-based with the header as line 1.
     */
    private void readCsv(final BufferedReader in, final String header, final RowBuffer rows, final String timeColumn,
                         final TimeColumn time, final String promptColumn, final String outputColumn) throws IOException {
        final String[] columns = CsvRows.splitTrimmed(TraceFormat.stripBom(header));
        final int at = timeColumn == null ? -1 : indexOf(columns, timeColumn);
        final int prompt = indexOf(columns, promptColumn);
        final int output = indexOf(columns, outputColumn);
        final String[] fields = new String[columns.length];
        int lineNumber = 1;
        String line;
        while ((line = in.readLine()) != null) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            checkColumnCount(line, fields, lineNumber);
            rows.add(at < 0 ? 0L : time.parse(fields[at], lineNumber),
                    parseLength(fields[prompt], promptColumn, lineNumber),
                    parseLength(fields[output], outputColumn, lineNumber));
        }
    }

    private void checkColumnCount(final String line, final String[] fields, final int lineNumber) {
        final int count = CsvRows.splitInto(line, fields);
        if (count != fields.length) {
            throw new TraceFormatException(fileName, lineNumber,
                    "expected " + fields.length + " columns like the header, found " + count + ": '" + abbreviate(line) + "'");
        }
    }

    private static int indexOf(final String[] columns, final String name) {
        final int i = Arrays.asList(columns).indexOf(name);
        if (i < 0) {
            // detect() already matched the header, so this is a programming error, not bad input.
            throw new IllegalStateException("column " + name + " missing from " + List.of(columns));
        }
        return i;
    }

    // ---------------------------------------------------------------- Mooncake JSONL

    private static final List<String> MOONCAKE_KEYS = List.of("timestamp", "input_length", "output_length");

    /** The {@link JsonLineFields} on the class path, looked up once (null when there is none). */
    private static final class JsonDecoder {
        static final JsonLineFields INSTANCE = ServiceLoader.load(JsonLineFields.class).findFirst().orElse(null);
    }

    private void readMooncake(final BufferedReader in, final String first, final RowBuffer rows) throws IOException {
        final JsonLineFields json = JsonDecoder.INSTANCE;
        if (json == null) {
            throw new IllegalStateException("trace file " + file + " is JSON lines, but no " + JsonLineFields.class.getName()
                    + " is on the class path to decode it (module reports provides one)");
        }
        int lineNumber = 1;
        String line = TraceFormat.stripBom(first);
        while (line != null) {
            if (!line.isBlank()) {
                final String trimmed = line.trim();
                final String[] values;
                try {
                    values = json.values(trimmed, MOONCAKE_KEYS);
                } catch (final IllegalArgumentException e) {
                    throw new TraceFormatException(fileName, lineNumber, e.getMessage() + ": '" + abbreviate(trimmed) + "'");
                }
                for (int k = 0; k < values.length; k++) {
                    if (values[k] == null) {
                        throw new TraceFormatException(fileName, lineNumber, "missing key \"" + MOONCAKE_KEYS.get(k) + "\"");
                    }
                }
                final double ms = parseNonNegative(values[0], "timestamp", "milliseconds", lineNumber);
                rows.add(Math.round(ms * 1000.0),
                        parseLength(values[1], "input_length", lineNumber),
                        parseLength(values[2], "output_length", lineNumber));
            }
            line = in.readLine();
            lineNumber++;
        }
    }

    // ---------------------------------------------------------------- field parsers

    /** A token count: a positive integer (an integral decimal such as {@code 12.0} is accepted too). */
    private int parseLength(final String text, final String column, final int lineNumber) {
        long value;
        try {
            value = Long.parseLong(text);
        } catch (final NumberFormatException e) {
            value = integralDecimal(text, column, lineNumber);
        }
        if (value < 1) {
            throw new TraceFormatException(fileName, lineNumber, column + " must be >= 1 token, got " + value);
        }
        if (value > Integer.MAX_VALUE) {
            throw new TraceFormatException(fileName, lineNumber, column + " is too large: " + value);
        }
        return (int) value;
    }

    private long integralDecimal(final String text, final String column, final int lineNumber) {
        final double d;
        try {
            d = Double.parseDouble(text);
        } catch (final NumberFormatException e) {
            throw new TraceFormatException(fileName, lineNumber, column + " is not an integer: '" + abbreviate(text) + "'");
        }
        if (Double.isNaN(d) || Double.isInfinite(d) || d != Math.rint(d) || Math.abs(d) > Long.MAX_VALUE / 2.0
                || !looksNumeric(text)) {
            throw new TraceFormatException(fileName, lineNumber, column + " is not an integer: '" + abbreviate(text) + "'");
        }
        return (long) d;
    }

    private double parseNonNegative(final String text, final String column, final String unit, final int lineNumber) {
        final double value;
        try {
            value = Double.parseDouble(text);
        } catch (final NumberFormatException e) {
            throw new TraceFormatException(fileName, lineNumber, column + " is not a number: '" + abbreviate(text) + "'");
        }
        if (Double.isNaN(value) || Double.isInfinite(value) || !looksNumeric(text)) {
            throw new TraceFormatException(fileName, lineNumber, column + " is not a finite number: '" + abbreviate(text) + "'");
        }
        if (value < 0) {
            throw new TraceFormatException(fileName, lineNumber, column + " must be >= 0 " + unit + ", got " + text);
        }
        // Keeps the microsecond conversion exact and far from overflow (2^53 us is 285 years).
        if (value > 1e12) {
            throw new TraceFormatException(fileName, lineNumber, column + " is implausibly large: " + text + " " + unit);
        }
        return value;
    }

    /** Double.parseDouble also accepts "1d", "0x1p3" and "Infinity"; trace files never mean those. */
    private static boolean looksNumeric(final String text) {
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses {@code yyyy-MM-dd HH:mm:ss[.fraction][Z|+HH:MM|-HH:MM]} (a 'T' separator is accepted
     * too) to nanoseconds since the epoch. Fixed positions instead of a DateTimeFormatter or a regex:
     * this is the hot loop of the Azure reader.
     */
    private long parseTimestampNanos(final String s, final int lineNumber) {
        if (s.length() < 19 || s.charAt(4) != '-' || s.charAt(7) != '-' || (s.charAt(10) != ' ' && s.charAt(10) != 'T')
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            throw badTimestamp(s, lineNumber);
        }
        final int year = digits(s, 0, 4, lineNumber);
        final int month = digits(s, 5, 7, lineNumber);
        final int day = digits(s, 8, 10, lineNumber);
        final int hour = digits(s, 11, 13, lineNumber);
        final int minute = digits(s, 14, 16, lineNumber);
        final int second = digits(s, 17, 19, lineNumber);
        if (hour > 23 || minute > 59 || second > 59) {
            throw badTimestamp(s, lineNumber);
        }
        final long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (final DateTimeException e) {
            throw badTimestamp(s, lineNumber);
        }
        int i = 19;
        long fractionNanos = 0;
        if (i < s.length() && s.charAt(i) == '.') {
            i++;
            final int start = i;
            long scale = 100_000_000L;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                if (i - start >= 9) {
                    // Digits beyond nanoseconds cannot matter at microsecond resolution.
                    i++;
                    continue;
                }
                fractionNanos += (s.charAt(i) - '0') * scale;
                scale /= 10;
                i++;
            }
            if (i == start) {
                throw badTimestamp(s, lineNumber);
            }
        }
        long offsetSeconds = 0;
        if (i < s.length()) {
            final char c = s.charAt(i);
            if (c == 'Z' && i + 1 == s.length()) {
                offsetSeconds = 0;
            } else if ((c == '+' || c == '-') && i + 6 == s.length() && s.charAt(i + 3) == ':') {
                final int sign = c == '+' ? 1 : -1;
                offsetSeconds = sign * (digits(s, i + 1, i + 3, lineNumber) * 3600L + digits(s, i + 4, i + 6, lineNumber) * 60L);
            } else {
                throw badTimestamp(s, lineNumber);
            }
        }
        final long seconds = epochDay * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        return seconds * 1_000_000_000L + fractionNanos;
    }

    private int digits(final String s, final int from, final int to, final int lineNumber) {
        int value = 0;
        for (int i = from; i < to; i++) {
            final char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw badTimestamp(s, lineNumber);
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private TraceFormatException badTimestamp(final String s, final int lineNumber) {
        return new TraceFormatException(fileName, lineNumber,
                "TIMESTAMP is not of the form 'yyyy-MM-dd HH:mm:ss[.fffffff][+HH:MM]': '" + abbreviate(s) + "'");
    }

    private static String abbreviate(final String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
