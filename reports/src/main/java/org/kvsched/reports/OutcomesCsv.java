package org.kvsched.reports;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.kvsched.core.metrics.RequestOutcome;

/**
 * Per-request outcomes as CSV (RFC 4180, {@code \n} line ends, UTF-8), one row per outcome in list
 * order, under the header {@value #HEADER}.
 *
 * <p>Times ({@code *_s}) are virtual seconds with 6 decimals (exact: the source is whole microseconds);
 * {@code ttft_ms} and {@code e2e_ms} are milliseconds with 3 decimals (exact), {@code tpot_ms}
 * milliseconds rounded to 3 decimals. A field is blank where the moment never came (-1 in the outcome) or
 * the latency is undefined. {@code reject_reason} is blank unless rejected, and quoted (quotes doubled)
 * when it contains a comma, quote or line break.
 */
public final class OutcomesCsv {

    /** The header line, without line end. */
    public static final String HEADER = "request_id,replica,arrival_s,first_admit_s,first_token_s,completion_s,"
            + "prompt_tokens,output_tokens,preemptions,ttft_ms,e2e_ms,tpot_ms,reject_reason,finish_reason";

    private OutcomesCsv() {
    }

    /** Writes the header and one row per outcome to {@code file} (replaced if it exists). */
    public static void write(final Path file, final List<RequestOutcome> outcomes) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(w, outcomes);
        }
    }

    /** Appends the header and one row per outcome to {@code out}. */
    public static void write(final Appendable out, final List<RequestOutcome> outcomes) throws IOException {
        out.append(HEADER).append('\n');
        final StringBuilder row = new StringBuilder(128);
        for (final RequestOutcome o : outcomes) {
            row.setLength(0);
            appendRow(row, o);
            out.append(row);
        }
    }

    /** The whole CSV text (header and rows) as a string, for small runs and tests. */
    public static String toCsv(final List<RequestOutcome> outcomes) {
        final StringBuilder sb = new StringBuilder(64 + 96 * outcomes.size());
        try {
            write(sb, outcomes);
        } catch (final IOException e) {
            throw new IllegalStateException("StringBuilder cannot fail", e);
        }
        return sb.toString();
    }

    private static void appendRow(final StringBuilder sb, final RequestOutcome o) {
        sb.append(o.requestId()).append(',').append(o.replicaId()).append(',');
        appendFixed(sb, o.arrivalUs(), 6);
        sb.append(',');
        appendFixed(sb, o.firstAdmitUs(), 6);
        sb.append(',');
        appendFixed(sb, o.firstTokenUs(), 6);
        sb.append(',');
        appendFixed(sb, o.completionUs(), 6);
        sb.append(',').append(o.promptTokens()).append(',').append(o.outputTokens()).append(',')
                .append(o.preemptions()).append(',');
        // Derived latencies are meaningless when either end is missing, even if the difference is >= 0.
        appendFixed(sb, o.arrivalUs() < 0 ? -1 : o.ttftUs(), 3);
        sb.append(',');
        appendFixed(sb, o.arrivalUs() < 0 ? -1 : o.e2eUs(), 3);
        sb.append(',');
        final double tpot = o.tpotUs();
        if (tpot >= 0 && o.firstTokenUs() >= 0 && Double.isFinite(tpot)) {
            sb.append(String.format(Locale.ROOT, "%.3f", tpot / 1000.0));
        }
        sb.append(',');
        appendQuoted(sb, o.rejectReason());
        sb.append(',');
        appendQuoted(sb, o.finishReason());
        sb.append('\n');
    }

    /**
     * Appends {@code us} microseconds as seconds ({@code decimals} 6) or milliseconds ({@code decimals} 3),
     * with integer arithmetic so the text is exact and locale-free; nothing for a negative value (the
     * "never happened" marker).
     */
    private static void appendFixed(final StringBuilder sb, final long us, final int decimals) {
        if (us < 0) {
            return;
        }
        final long unit = decimals == 6 ? 1_000_000L : 1_000L;
        final long frac = us % unit;
        sb.append(us / unit).append('.');
        final String f = Long.toString(frac);
        for (int i = f.length(); i < decimals; i++) {
            sb.append('0');
        }
        sb.append(f);
    }

    static void appendQuoted(final StringBuilder sb, final String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            sb.append(field);
            return;
        }
        sb.append('"').append(field.replace("\"", "\"\"")).append('"');
    }
}
