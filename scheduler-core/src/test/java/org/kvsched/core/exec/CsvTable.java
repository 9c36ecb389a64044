package org.kvsched.core.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately small, tolerant CSV reader for the profiling files in ../shared/data/profiling.
 *
 * <p>Tolerates: a UTF-8 BOM, CRLF line ends, blank lines, a nameless first column (pandas' index),
 * quoted cells without embedded commas, surrounding whitespace and header case. Columns are looked up
 * by name, never by position, so a re-ordered or extended file still parses.
 */
final class CsvTable {

    private final Map<String, Integer> columns;
    private final List<String[]> rows;
    private final Path file;

    private CsvTable(final Path file, final Map<String, Integer> columns, final List<String[]> rows) {
        this.file = file;
        this.columns = columns;
        this.rows = rows;
    }

    static CsvTable read(final Path file) throws IOException {
        final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int first = 0;
        while (first < lines.size() && lines.get(first).isBlank()) {
            first++;
        }
        if (first == lines.size()) {
            throw new IOException("no header in " + file);
        }
        String header = lines.get(first);
        if (!header.isEmpty() && header.charAt(0) == '\uFEFF') {
            header = header.substring(1);
        }
        final String[] names = split(header);
        final Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            columns.putIfAbsent(names[i].toLowerCase(Locale.ROOT), i);
        }
        final List<String[]> rows = new ArrayList<>();
        for (int i = first + 1; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                rows.add(split(lines.get(i)));
            }
        }
        return new CsvTable(file, columns, rows);
    }

    private static String[] split(final String line) {
        final String[] cells = line.split(",", -1);
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i].strip();
            if (c.length() >= 2 && c.startsWith("\"") && c.endsWith("\"")) {
                c = c.substring(1, c.length() - 1).strip();
            }
            cells[i] = c;
        }
        return cells;
    }

    /** Index of the first of {@code candidates} present (case-insensitive); fails naming the file otherwise. */
    int column(final String... candidates) {
        for (final String name : candidates) {
            final Integer idx = columns.get(name.toLowerCase(Locale.ROOT));
            if (idx != null) {
                return idx;
            }
        }
        throw new IllegalStateException("none of " + List.of(candidates) + " in " + file + "; columns: " + columns.keySet());
    }

    List<String[]> rows() {
        return rows;
    }

    static String cell(final String[] row, final int column) {
        return column < row.length ? row[column] : "";
    }

    static double number(final String[] row, final int column) {
        return Double.parseDouble(cell(row, column));
    }

    /** Integer cells may be written as "4.0" by pandas. */
    static int integer(final String[] row, final int column) {
        return (int) Math.round(number(row, column));
    }
}
