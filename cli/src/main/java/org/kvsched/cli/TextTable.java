package org.kvsched.cli;

import java.io.PrintStream;
import java.util.List;

/** Prints rows of cells as an aligned text table: first column left-aligned, the rest right-aligned. */
public final class TextTable {

    private TextTable() {
    }

    /** Prints {@code header} then {@code rows}; every row must have as many cells as the header. */
    public static void print(final PrintStream out, final List<String> header, final List<List<String>> rows) {
        final int[] width = new int[header.size()];
        for (int i = 0; i < header.size(); i++) {
            width[i] = header.get(i).length();
        }
        for (final List<String> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("row has " + row.size() + " cells, header " + header.size());
            }
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        final String head = line(header, width);
        out.println(head);
        out.println("-".repeat(head.length()));
        for (final List<String> row : rows) {
            out.println(line(row, width));
        }
    }

    private static String line(final List<String> cells, final int[] width) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            final String cell = cells.get(i);
            if (i == 0) {
                sb.append(cell).append(" ".repeat(width[i] - cell.length()));
            } else {
                sb.append("  ").append(" ".repeat(width[i] - cell.length())).append(cell);
            }
        }
        return sb.toString();
    }
}
