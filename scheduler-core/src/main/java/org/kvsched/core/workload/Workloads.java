package org.kvsched.core.workload;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Entry points that build {@link Workload}s: from trace files, from generator specs, and the
 * default workload that needs no file.
 *
 * <p>Every result has its first request at time 0, ids {@code 0..n-1} in arrival order, arrival
 * times in microseconds and lengths in tokens; {@link WorkloadOptions} are applied last, in the
 * order documented there.
 *
 * <p>Randomness: a seed feeds one {@link SplittableRandom}, split into independent streams in a
 * fixed order: arrivals first, then prompt lengths, then output lengths. Hence changing the length
 * distribution does not move the arrivals, and the same (input, options, seed) always gives the
 * same workload.
 */
public final class Workloads {

    /** Rate used for a length-only trace when the caller gives no arrival process, requests per second. */
    public static final double DEFAULT_LENGTH_ONLY_RATE_PER_S = 1.0;

    private Workloads() {
    }

    /**
     * Reads a trace file, detecting its {@link TraceFormat} from the first line.
     *
     * <p>Times: Azure wall-clock timestamps become microseconds since the earliest request;
     * Vidur's {@code arrived_at} (seconds) and Mooncake's {@code timestamp} (milliseconds) are
     * converted to microseconds as written. Rows out of time order are sorted (stable, so ties keep
     * file order). Blank lines are skipped.
     *
     * @param file                    the trace
     * @param options                 applied after reading
     * @param arrivalsForLengthOnly   arrivals for a {@link TraceFormat#LENGTHS_ONLY} file, whose rows
     *                                are taken in file order; {@code null} means Poisson at
     *                                {@value #DEFAULT_LENGTH_ONLY_RATE_PER_S} request/s, which the
     *                                workload's name then says. Ignored for files with times.
     * @param seed                    seeds the arrival process for length-only files
     * @throws TraceFormatException       for a malformed row ({@code file:line: reason})
     * @throws IllegalArgumentException   for an empty file or an unknown header (the message lists the
     *                                    accepted ones)
     * @throws IOException                when the file cannot be read
     * @throws IllegalStateException      for a JSON-lines file when no {@link JsonLineFields} is on the
     *                                    class path (module {@code reports} provides one)
     */
    public static Workload readTrace(final Path file, final WorkloadOptions options, final ArrivalProcess arrivalsForLengthOnly,
            final long seed) throws IOException {
        final TraceReader.Parsed parsed = TraceReader.read(file);
        final RowBuffer rows = parsed.rows();
        String name = String.valueOf(file.getFileName());
        if (parsed.format() == TraceFormat.LENGTHS_ONLY) {
            final ArrivalProcess arrivals = arrivalsForLengthOnly != null
                    ? arrivalsForLengthOnly
                    : ArrivalProcess.poisson(DEFAULT_LENGTH_ONLY_RATE_PER_S);
            rows.setTimes(arrivals.arrivalTimesUs(rows.size(), streams(seed).arrivals()));
            name += " with " + arrivals + (arrivalsForLengthOnly == null ? " arrivals (default, none given)" : " arrivals");
        }
        return rows.toWorkload(name, options);
    }

    /** {@link #readTrace(Path, WorkloadOptions, ArrivalProcess, long)} with default arrivals and seed 0. */
    public static Workload readTrace(final Path file, final WorkloadOptions options) throws IOException {
        return readTrace(file, options, null, 0L);
    }

    /**
     * Builds a generated workload from a spec string; the grammar is in {@link WorkloadSpec}. The
     * workload is named after the (trimmed) spec.
     *
     * @throws IllegalArgumentException for a malformed spec, naming the offending key
     */
    public static Workload generate(final String spec, final WorkloadOptions options, final long seed) {
        return generate(WorkloadSpec.parse(spec), spec.trim(), options, seed);
    }

    /**
     * Generates {@code spec.count()} requests, then applies {@code options}.
     *
     * @param name  the workload's name (the options that differ from the defaults are appended)
     */
    public static Workload generate(final WorkloadSpec spec, final String name, final WorkloadOptions options, final long seed) {
        final Streams s = streams(seed);
        final int n = spec.count();
        final long[] times = spec.arrivals().arrivalTimesUs(n, s.arrivals());
        final RowBuffer rows = new RowBuffer();
        final EmpiricalLengths jointTable = jointTable(spec);
        for (int i = 0; i < n; i++) {
            final int prompt;
            final int output;
            if (jointTable != null) {
                final int row = s.prompts().nextInt(jointTable.size());
                prompt = jointTable.length(row, ((LengthDistribution.Empirical) spec.prompt()).column());
                output = jointTable.length(row, ((LengthDistribution.Empirical) spec.output()).column());
            } else {
                prompt = spec.prompt().sample(s.prompts());
                output = spec.output().sample(s.outputs());
            }
            rows.add(times[i], prompt, output);
        }
        return rows.toWorkload(name, options);
    }

    /**
     * The default workload: {@link WorkloadSpec#defaultSpec} (calibrated to the Azure LLM inference
     * trace 2023, conversation part: Gamma arrivals at 5.53 req/s with CV 1.09, log-normal prompts
     * with median 1,020 / mean 1,154.7 tokens clipped to [2, 14,050], log-normal outputs with median
     * 129 / mean 211.1 tokens clipped to [7, 1,000]; see ../shared/data/traces/SOURCES.md).
     *
     * <p>It has {@value WorkloadSpec#DEFAULT_COUNT} requests, or exactly {@code options.maxRequests()}
     * when that is &gt; 0 (before the window, if any, removes some). The default options cap
     * prompt + output at 4,096 tokens, which shortens about 0.4% of the generated prompts (but 8.3% of
     * the real conv trace's: see {@link WorkloadSpec#defaultSpec}).
     */
    public static Workload defaultWorkload(final WorkloadOptions options, final long seed) {
        final int n = options.maxRequests() > 0 ? options.maxRequests() : WorkloadSpec.DEFAULT_COUNT;
        return generate(WorkloadSpec.defaultSpec(n), "default (Azure 2023 conv calibrated, n=" + n + ")", options, seed);
    }

    /** The prompt/output table when both sample the same empirical table, so rows are drawn jointly; else null. */
    private static EmpiricalLengths jointTable(final WorkloadSpec spec) {
        if (spec.prompt() instanceof LengthDistribution.Empirical p && spec.output() instanceof LengthDistribution.Empirical o
                && p.table() == o.table()) {
            return p.table();
        }
        return null;
    }

    private record Streams(SplittableRandom arrivals, SplittableRandom prompts, SplittableRandom outputs) {
    }

    private static Streams streams(final long seed) {
        final SplittableRandom root = new SplittableRandom(seed);
        // Split in a fixed order; each component owns its stream.
        final SplittableRandom arrivals = root.split();
        final SplittableRandom prompts = root.split();
        final SplittableRandom outputs = root.split();
        return new Streams(arrivals, prompts, outputs);
    }
}
