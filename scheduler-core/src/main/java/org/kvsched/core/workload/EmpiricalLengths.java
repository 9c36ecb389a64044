package org.kvsched.core.workload;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The (prompt, output) length pairs of a trace file, for sampling rows with replacement.
 *
 * <p>Any supported trace format works (only the lengths are kept); the natural source is a
 * length-only file such as {@code sharegpt_8k_filtered_stats_llama2_tokenizer.csv}. Lengths are
 * the file's raw values, in tokens, untruncated: apply a context cap through {@link WorkloadOptions}.
 * Immutable.
 */
public final class EmpiricalLengths {

    /** Which length of a row. */
    public enum Column {
        /** Prompt (prefill, context) tokens. */
        PROMPT,
        /** Output (decode, generated) tokens. */
        OUTPUT
    }

    private final String source;
    private final int[] prompts;
    private final int[] outputs;

    private EmpiricalLengths(final String source, final int[] prompts, final int[] outputs) {
        if (prompts.length == 0) {
            throw new IllegalArgumentException("empirical lengths from " + source + ": no rows");
        }
        this.source = source;
        this.prompts = prompts;
        this.outputs = outputs;
    }

    /** Reads the length columns of a trace file (format auto-detected, rows in file order). */
    public static EmpiricalLengths read(final Path file) throws IOException {
        final RowBuffer rows = TraceReader.read(file).rows();
        final int[] p = new int[rows.size()];
        final int[] o = new int[rows.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = rows.prompt(i);
            o[i] = rows.output(i);
        }
        return new EmpiricalLengths(String.valueOf(file.getFileName()), p, o);
    }

    /** A table from explicit pairs (tokens, each &gt;= 1); mostly for tests. */
    public static EmpiricalLengths of(final String source, final int[] prompts, final int[] outputs) {
        if (prompts.length != outputs.length) {
            throw new IllegalArgumentException("prompt and output columns differ in length: " + prompts.length + " vs " + outputs.length);
        }
        for (int i = 0; i < prompts.length; i++) {
            if (prompts[i] < 1 || outputs[i] < 1) {
                throw new IllegalArgumentException("row " + i + ": lengths must be >= 1, got " + prompts[i] + ", " + outputs[i]);
            }
        }
        return new EmpiricalLengths(source, prompts.clone(), outputs.clone());
    }

    /** Where the rows came from (a file name). */
    public String source() {
        return source;
    }

    /** Number of rows. */
    public int size() {
        return prompts.length;
    }

    /** The length in tokens of row {@code row}'s column {@code column}. */
    public int length(final int row, final Column column) {
        return column == Column.PROMPT ? prompts[row] : outputs[row];
    }

    /** Distribution sampling the prompt column. */
    public LengthDistribution.Empirical prompts() {
        return new LengthDistribution.Empirical(this, Column.PROMPT);
    }

    /** Distribution sampling the output column. */
    public LengthDistribution.Empirical outputs() {
        return new LengthDistribution.Empirical(this, Column.OUTPUT);
    }

    /** Mean of a column, tokens. */
    public double mean(final Column column) {
        return Arrays.stream(column == Column.PROMPT ? prompts : outputs).average().orElse(0);
    }

    @Override
    public String toString() {
        return "EmpiricalLengths[" + source + ", " + size() + " rows]";
    }
}
