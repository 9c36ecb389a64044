package org.kvsched.cli.experiment;

import java.util.List;
import java.util.Map;

/**
 * The outcome of an experiment: a table (our figure, the paper's, their ratio, per row), the JSON object
 * written by {@code --json}, and notes on where and why we differ from the paper.
 *
 * @param title   one line
 * @param columns table header
 * @param rows    table rows (cells already formatted)
 * @param json    machine-readable results (the keys the issue names, plus {@code rows})
 * @param notes   explanation of differences, printed under the table
 */
public record ExperimentResult(String title, List<String> columns, List<List<String>> rows, Map<String, Object> json,
                               List<String> notes) {

    public ExperimentResult {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
        notes = List.copyOf(notes);
    }
}
