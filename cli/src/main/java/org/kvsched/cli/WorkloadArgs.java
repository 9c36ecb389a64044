package org.kvsched.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.kvsched.core.workload.ArrivalProcess;
import org.kvsched.core.workload.EosModel;
import org.kvsched.core.workload.Workload;
import org.kvsched.core.workload.WorkloadOptions;
import org.kvsched.core.workload.Workloads;

import picocli.CommandLine.Option;

/** Workload options shared by every command that runs requests (a picocli mixin). */
public final class WorkloadArgs {

    @Option(names = "--trace", paramLabel = "FILE",
            description = "Trace file: Azure 2023 CSV, Vidur trace_replay CSV, length-only CSV or Mooncake JSONL (auto-detected).")
    Path trace;

    @Option(names = "--workload", paramLabel = "SPEC", defaultValue = "default",
            description = "Generated workload when no --trace: 'default' (calibrated to the Azure 2023 conversation trace) "
                    + "or a spec such as poisson:rate=5,n=1000,prompt=fixed:512,output=fixed:20 (default: ${DEFAULT-VALUE}).")
    String workload;

    @Option(names = "--rate-scale", paramLabel = "X", defaultValue = "1.0",
            description = "Compress time by X (X=2 doubles the arrival rate) (default: ${DEFAULT-VALUE}).")
    double rateScale;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "0",
            description = "Keep only the first N requests (0 = all; for the default workload, generate N).")
    int requests;

    @Option(names = "--max-context", paramLabel = "TOKENS", defaultValue = "4096",
            description = "Shorten prompts so prompt + output <= TOKENS (Llama-2 context); 0 keeps lengths as they are (default: ${DEFAULT-VALUE}).")
    int maxContext;

    @Option(names = "--window", paramLabel = "FROM_S:TO_S",
            description = "Keep requests arriving in [FROM_S, TO_S) seconds of the trace, re-based to start at 0.")
    String window;

    @Option(names = "--arrival", paramLabel = "SPEC",
            description = "Arrival process for a length-only trace: poisson:RATE, gamma:RATE:CV, static (default poisson:1).")
    String arrival;

    @Option(names = "--eos", paramLabel = "SPEC",
            description = "Requests end before their cap, as with a real model's end-of-sequence token: each true output length "
                    + "is drawn from SPEC (fixed:N, uniform:LO:HI, lognormal:MEDIAN:SIGMA:MIN:MAX) and capped at the trace's "
                    + "output length, which stays the request's max_tokens. Default: none (true length = trace length).")
    String eos;

    /** Options of the workload with the given rate scale. */
    WorkloadOptions options(final double scale) {
        if (!(scale > 0)) {
            throw new IllegalArgumentException("--rate-scale must be > 0, got " + scale);
        }
        if (requests < 0) {
            throw new IllegalArgumentException("--requests must be >= 0, got " + requests);
        }
        if (maxContext < 0) {
            throw new IllegalArgumentException("--max-context must be >= 0, got " + maxContext);
        }
        WorkloadOptions o = WorkloadOptions.defaults().withRateScale(scale).withMaxRequests(requests).withMaxContextTokens(maxContext);
        if (window != null) {
            final String[] parts = window.split(":");
            if (parts.length != 2) {
                throw new IllegalArgumentException("--window must be FROM_S:TO_S, got '" + window + "'");
            }
            try {
                o = o.withWindow(Math.round(Double.parseDouble(parts[0]) * 1e6), Math.round(Double.parseDouble(parts[1]) * 1e6));
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException("--window must be FROM_S:TO_S in seconds, got '" + window + "'", e);
            }
        }
        return o;
    }

    /** Loads the workload at the given rate scale (with the EOS model applied when {@code --eos} is given). */
    Workload load(final double scale, final long seed) {
        final Workload w = loadCapped(scale, seed);
        if (eos == null) {
            return w;
        }
        try {
            return EosModel.parse(eos, seed).apply(w);
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("--eos: " + e.getMessage(), e);
        }
    }

    private Workload loadCapped(final double scale, final long seed) {
        final WorkloadOptions o = options(scale);
        if (trace == null) {
            return workload.equals("default") ? Workloads.defaultWorkload(o, seed) : Workloads.generate(workload, o, seed);
        }
        if (!Files.exists(trace)) {
            throw new UncheckedIOException(new NoSuchFileException(trace.toString(), null, "--trace file not found"));
        }
        try {
            return Workloads.readTrace(trace, o, arrivalProcess(), seed);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + trace + ": " + e.getMessage(), e);
        }
    }

    /** The workload's name for tables and reports. */
    String describe() {
        return trace != null ? trace.getFileName().toString() : workload;
    }

    private ArrivalProcess arrivalProcess() {
        if (arrival == null) {
            return null;
        }
        final String[] parts = arrival.trim().split(":");
        try {
            switch (parts[0]) {
                case "poisson":
                    if (parts.length == 2) {
                        return ArrivalProcess.poisson(Double.parseDouble(parts[1]));
                    }
                    break;
                case "gamma":
                    if (parts.length == 3) {
                        return ArrivalProcess.gamma(Double.parseDouble(parts[1]), Double.parseDouble(parts[2]));
                    }
                    break;
                case "uniform":
                    if (parts.length == 2) {
                        return ArrivalProcess.uniform(Double.parseDouble(parts[1]));
                    }
                    break;
                case "static":
                    if (parts.length == 1) {
                        return ArrivalProcess.atOnce();
                    }
                    break;
                default:
                    break;
            }
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("--arrival: bad number in '" + arrival + "'", e);
        }
        throw new IllegalArgumentException("--arrival: '" + arrival + "' is not one of poisson:RATE, gamma:RATE:CV, uniform:RATE, static");
    }
}
