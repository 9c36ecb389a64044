package org.kvsched.core.workload;

import java.util.Arrays;

/**
 * Minimal CSV field splitting for the trace formats: plain comma-separated fields, no quoting
 * (none of the supported traces quote fields). Hand-written because it runs once per row and
 * {@code String.split} would allocate an array per row and hide the field count we need to check.
 */
final class CsvRows {

    private CsvRows() {
    }

    /** Splits {@code line} on commas and trims each field; an empty line gives one empty field. */
    static String[] splitTrimmed(final String line) {
        String[] fields = new String[8];
        int count = 0;
        int start = 0;
        while (true) {
            final int comma = line.indexOf(',', start);
            final int end = comma < 0 ? line.length() : comma;
            if (count == fields.length) {
                fields = Arrays.copyOf(fields, count * 2);
            }
            fields[count++] = line.substring(start, end).trim();
            if (comma < 0) {
                break;
            }
            start = comma + 1;
        }
        return Arrays.copyOf(fields, count);
    }

    /**
     * Splits {@code line} into {@code out} without allocating the array.
     *
     * @return the number of fields in the line, which may exceed {@code out.length} (the extra
     *         fields are counted but not stored)
     */
    static int splitInto(final String line, final String[] out) {
        int count = 0;
        int start = 0;
        while (true) {
            final int comma = line.indexOf(',', start);
            final int end = comma < 0 ? line.length() : comma;
            if (count < out.length) {
                out[count] = line.substring(start, end).trim();
            }
            count++;
            if (comma < 0) {
                return count;
            }
            start = comma + 1;
        }
    }
}
