package org.kvsched.core.workload;

import java.util.List;

/**
 * The trace file formats {@link Workloads#readTrace} recognises, told apart by the header line (CSV)
 * or the first line (JSONL). Column names match exactly after trimming; extra columns are ignored.
 */
public enum TraceFormat {

    /**
     * Azure LLM inference trace 2023/2024: {@code TIMESTAMP,ContextTokens,GeneratedTokens}, with
     * wall-clock timestamps such as {@code 2023-11-16 18:17:03.9799600} (up to 9 fractional digits;
     * an optional {@code Z} or {@code +HH:MM} offset, as in the 2024 files, is honoured).
     */
    AZURE("TIMESTAMP,ContextTokens,GeneratedTokens"),

    /** Vidur's trace_replay input: {@code arrived_at} (seconds, decimal), {@code num_prefill_tokens}, {@code num_decode_tokens}. */
    VIDUR_REPLAY("arrived_at,num_prefill_tokens,num_decode_tokens"),

    /**
     * Lengths without times: {@code num_prefill_tokens,num_decode_tokens} and no {@code arrived_at}
     * (Vidur's length-trace format, e.g. the ShareGPT file). Arrivals come from an {@link ArrivalProcess}.
     */
    LENGTHS_ONLY("num_prefill_tokens,num_decode_tokens"),

    /**
     * Mooncake FAST'25 JSONL: one object per line with {@code timestamp} (milliseconds),
     * {@code input_length} and {@code output_length}; other keys such as {@code hash_ids} are ignored.
     * Decoded by the {@link JsonLineFields} on the class path.
     */
    MOONCAKE_JSONL("{\"timestamp\": <ms>, \"input_length\": <tokens>, \"output_length\": <tokens>, ...} per line");

    private final String shape;

    TraceFormat(final String shape) {
        this.shape = shape;
    }

    /** The required header (CSV) or line shape (JSONL), for error messages and documentation. */
    public String shape() {
        return shape;
    }

    /**
     * Detects the format from the first line of a file.
     *
     * @param firstLine  the first line, possibly with a byte-order mark or surrounding whitespace
     * @return the format, or {@code null} when the line matches none
     */
    public static TraceFormat detect(final String firstLine) {
        final String line = stripBom(firstLine).trim();
        if (line.startsWith("{")) {
            return MOONCAKE_JSONL;
        }
        final List<String> columns = List.of(CsvRows.splitTrimmed(line));
        if (columns.containsAll(List.of("TIMESTAMP", "ContextTokens", "GeneratedTokens"))) {
            return AZURE;
        }
        if (columns.containsAll(List.of("num_prefill_tokens", "num_decode_tokens"))) {
            return columns.contains("arrived_at") ? VIDUR_REPLAY : LENGTHS_ONLY;
        }
        return null;
    }

    /** A description of every accepted first line, for the "unknown header" message. */
    static String acceptedShapes() {
        final StringBuilder sb = new StringBuilder();
        for (final TraceFormat f : values()) {
            sb.append("\n  ").append(f.name()).append(": ").append(f.shape());
        }
        return sb.toString();
    }

    static String stripBom(final String line) {
        return !line.isEmpty() && line.charAt(0) == '\uFEFF' ? line.substring(1) : line;
    }
}
