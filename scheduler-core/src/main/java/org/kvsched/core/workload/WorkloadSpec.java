package org.kvsched.core.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed generator spec: how many requests, how they arrive, and how long they are.
 *
 * <h2>Grammar</h2>
 * <pre>
 * spec   := kind [ ':' param { ',' param } ]
 * param  := key '=' value                       (whitespace around tokens is ignored)
 * kind   := 'poisson'  keys: rate, n, prompt, output        Poisson arrivals
 *         | 'gamma'    keys: rate, cv, n, prompt, output    Gamma-distributed gaps
 *         | 'uniform'  keys: rate, n, prompt, output        evenly spaced arrivals
 *         | 'static'   keys: n, prompt, output              everything at time 0
 *         | 'default'  keys: [n]                            {@link #defaultSpec(int)}; n defaults to 2000
 * rate   := requests per second, decimal &gt; 0
 * cv     := coefficient of variation of the gaps, decimal &gt; 0
 * n      := number of requests, integer &gt;= 1
 * prompt, output := dist (lengths in tokens)
 * dist   := 'fixed:' tokens
 *         | 'uniform:' lo ':' hi                  inclusive
 *         | 'lognormal:' median ':' sigma ':' min ':' max   clipped to [min, max]
 *         | 'empirical:' path                     rows of a trace file, sampled with replacement
 * </pre>
 * All keys of a kind are required except where shown. Examples:
 * <pre>
 * poisson:rate=5,n=1000,prompt=fixed:512,output=fixed:20
 * gamma:rate=5.53,cv=1.09,n=2000,prompt=lognormal:1020:0.5:2:14050,output=uniform:1:100
 * static:n=100,prompt=uniform:1:5,output=uniform:1:45
 * poisson:rate=2,n=500,prompt=empirical:../shared/data/traces/sharegpt_8k_filtered_stats_llama2_tokenizer.csv,output=empirical:../shared/data/traces/sharegpt_8k_filtered_stats_llama2_tokenizer.csv
 * </pre>
 * An empirical path may contain ':' but not ','. When {@code prompt} and {@code output} name the
 * same empirical file, whole rows are sampled, keeping the file's prompt/output pairing. Unknown
 * kinds, unknown or repeated keys, and missing keys are rejected with an
 * {@link IllegalArgumentException} naming the key and the accepted ones.
 *
 * @param arrivals  arrival process
 * @param count     number of requests to generate, &gt;= 1
 * @param prompt    prompt length distribution, tokens
 * @param output    output length distribution, tokens
 */
public record WorkloadSpec(ArrivalProcess arrivals, int count, LengthDistribution prompt, LengthDistribution output) {

    /** Requests in the default workload, about six minutes of the Azure conversation trace's rate. */
    public static final int DEFAULT_COUNT = 2000;

    // Calibration of the default workload, from ../shared/data/traces/SOURCES.md
    // (AzureLLMInferenceTrace_conv.csv, Azure LLM inference trace 2023, 19,366 requests).
    /** Mean arrival rate of the Azure 2023 conversation trace, requests per second. */
    public static final double AZURE_CONV_RATE_PER_S = 5.53;
    /** Coefficient of variation of the Azure 2023 conversation trace's inter-arrival gaps. */
    public static final double AZURE_CONV_INTERARRIVAL_CV = 1.09;
    /** Azure 2023 conversation prompt tokens: median, mean, min, max. */
    public static final double AZURE_CONV_PROMPT_MEDIAN = 1020;
    /** See {@link #AZURE_CONV_PROMPT_MEDIAN}. */
    public static final double AZURE_CONV_PROMPT_MEAN = 1154.7;
    /** See {@link #AZURE_CONV_PROMPT_MEDIAN}. */
    public static final int AZURE_CONV_PROMPT_MIN = 2;
    /** See {@link #AZURE_CONV_PROMPT_MEDIAN}. */
    public static final int AZURE_CONV_PROMPT_MAX = 14_050;
    /** Azure 2023 conversation output tokens: median, mean, min, max. */
    public static final double AZURE_CONV_OUTPUT_MEDIAN = 129;
    /** See {@link #AZURE_CONV_OUTPUT_MEDIAN}. */
    public static final double AZURE_CONV_OUTPUT_MEAN = 211.1;
    /** See {@link #AZURE_CONV_OUTPUT_MEDIAN}. */
    public static final int AZURE_CONV_OUTPUT_MIN = 7;
    /** See {@link #AZURE_CONV_OUTPUT_MEDIAN}. */
    public static final int AZURE_CONV_OUTPUT_MAX = 1000;

    private static final Map<String, List<String>> KEYS_BY_KIND = new LinkedHashMap<>();

    static {
        KEYS_BY_KIND.put("poisson", List.of("rate", "n", "prompt", "output"));
        KEYS_BY_KIND.put("gamma", List.of("rate", "cv", "n", "prompt", "output"));
        KEYS_BY_KIND.put("uniform", List.of("rate", "n", "prompt", "output"));
        KEYS_BY_KIND.put("static", List.of("n", "prompt", "output"));
        KEYS_BY_KIND.put("default", List.of("n"));
    }

    private static final List<String> DISTRIBUTIONS = List.of("fixed:<tokens>", "uniform:<lo>:<hi>",
            "lognormal:<median>:<sigma>:<min>:<max>", "empirical:<path>");

    public WorkloadSpec {
        if (arrivals == null || prompt == null || output == null) {
            throw new IllegalArgumentException("arrivals, prompt and output must be set");
        }
        if (count < 1) {
            throw new IllegalArgumentException("a generated workload needs n >= 1 requests, got " + count);
        }
    }

    /**
     * The default workload's spec: {@code count} requests calibrated to the Azure LLM inference
     * trace 2023, conversation part (statistics in {@code ../shared/data/traces/SOURCES.md}):
     * <ul>
     *   <li>arrivals: Gamma gaps at 5.53 requests/s with inter-arrival CV 1.09;</li>
     *   <li>prompt: log-normal with median 1,020 and mean 1,154.7 tokens
     *       (sigma = sqrt(2 ln(mean/median)) &asymp; 0.499), clipped to [2, 14,050];</li>
     *   <li>output: log-normal with median 129 and mean 211.1 tokens (sigma &asymp; 0.992),
     *       clipped to [7, 1,000]. The clip at the trace's 1,000-token cap moves about 2% of the
     *       mass down, so the realised output mean is about 5% below 211.</li>
     * </ul>
     * Known differences from the real trace: it has a slight negative prompt/output correlation
     * (-0.11), while this spec draws them independently; and 7.6% of its prompts sit in a spike at
     * 4,000-4,199 tokens (apparently truncated upstream), which a log-normal does not reproduce, so a
     * 4,096-token context cap shortens 8.3% of the real requests but only about 0.4% of these.
     */
    public static WorkloadSpec defaultSpec(final int count) {
        return new WorkloadSpec(
                ArrivalProcess.gamma(AZURE_CONV_RATE_PER_S, AZURE_CONV_INTERARRIVAL_CV),
                count,
                LengthDistribution.lognormalFromMedianAndMean(AZURE_CONV_PROMPT_MEDIAN, AZURE_CONV_PROMPT_MEAN,
                        AZURE_CONV_PROMPT_MIN, AZURE_CONV_PROMPT_MAX),
                LengthDistribution.lognormalFromMedianAndMean(AZURE_CONV_OUTPUT_MEDIAN, AZURE_CONV_OUTPUT_MEAN,
                        AZURE_CONV_OUTPUT_MIN, AZURE_CONV_OUTPUT_MAX));
    }

    /**
     * Parses a spec string (grammar in the class comment). Empirical files are read here, relative
     * to the working directory.
     *
     * @throws IllegalArgumentException for any syntax or value error, naming the offending key
     * @throws UncheckedIOException     when an empirical file exists but cannot be read
     */
    public static WorkloadSpec parse(final String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty workload spec; expected kind:key=value,... with kind one of "
                    + KEYS_BY_KIND.keySet());
        }
        final String text = spec.trim();
        final int colon = text.indexOf(':');
        final String kind = (colon < 0 ? text : text.substring(0, colon)).trim();
        final List<String> accepted = KEYS_BY_KIND.get(kind);
        if (accepted == null) {
            throw new IllegalArgumentException("workload spec '" + text + "': unknown kind '" + kind + "'; accepted kinds: "
                    + KEYS_BY_KIND.keySet());
        }
        final Map<String, String> params = new LinkedHashMap<>();
        if (colon >= 0 && !text.substring(colon + 1).isBlank()) {
            for (final String param : text.substring(colon + 1).split(",", -1)) {
                final int eq = param.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("workload spec '" + text + "': expected key=value, got '" + param.trim()
                            + "'; accepted keys for " + kind + ": " + accepted);
                }
                final String key = param.substring(0, eq).trim();
                if (!accepted.contains(key)) {
                    throw new IllegalArgumentException("workload spec '" + text + "': unknown key '" + key + "' for kind " + kind
                            + "; accepted keys: " + accepted);
                }
                if (params.put(key, param.substring(eq + 1).trim()) != null) {
                    throw new IllegalArgumentException("workload spec '" + text + "': key '" + key + "' given twice");
                }
            }
        }
        final Parser p = new Parser(text, kind, accepted, params);
        if (kind.equals("default")) {
            return defaultSpec(params.containsKey("n") ? p.count() : DEFAULT_COUNT);
        }
        final ArrivalProcess arrivals = switch (kind) {
            case "poisson" -> ArrivalProcess.poisson(p.positive("rate"));
            case "gamma" -> ArrivalProcess.gamma(p.positive("rate"), p.positive("cv"));
            case "uniform" -> ArrivalProcess.uniform(p.positive("rate"));
            case "static" -> ArrivalProcess.atOnce();
            default -> throw new AssertionError(kind);
        };
        return new WorkloadSpec(arrivals, p.count(), p.distribution("prompt"), p.distribution("output"));
    }

    /** Per-parse state: the spec text for messages, and empirical files read once even if named twice. */
    private static final class Parser {
        private final String text;
        private final String kind;
        private final List<String> accepted;
        private final Map<String, String> params;
        private final Map<Path, EmpiricalLengths> tables = new HashMap<>();

        Parser(final String text, final String kind, final List<String> accepted, final Map<String, String> params) {
            this.text = text;
            this.kind = kind;
            this.accepted = accepted;
            this.params = params;
        }

        private String required(final String key) {
            final String value = params.get(key);
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException("workload spec '" + text + "': missing key '" + key + "'; kind " + kind
                        + " needs keys " + accepted);
            }
            return value;
        }

        int count() {
            final String value = required("n");
            try {
                final int n = Integer.parseInt(value);
                if (n < 1) {
                    throw new IllegalArgumentException("workload spec '" + text + "': n must be >= 1, got " + n);
                }
                return n;
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException("workload spec '" + text + "': n is not an integer: '" + value + "'", e);
            }
        }

        double positive(final String key) {
            final String value = required(key);
            final double d;
            try {
                d = Double.parseDouble(value);
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException("workload spec '" + text + "': " + key + " is not a number: '" + value + "'", e);
            }
            if (!(d > 0) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("workload spec '" + text + "': " + key + " must be > 0 and finite, got " + value);
            }
            return d;
        }

        LengthDistribution distribution(final String key) {
            final String value = required(key);
            final int colon = value.indexOf(':');
            final String name = colon < 0 ? value : value.substring(0, colon).trim();
            final String rest = colon < 0 ? "" : value.substring(colon + 1);
            try {
                switch (name) {
                    case "fixed": {
                        final String[] a = args(key, value, rest, 1);
                        return LengthDistribution.fixed(Integer.parseInt(a[0]));
                    }
                    case "uniform": {
                        final String[] a = args(key, value, rest, 2);
                        return LengthDistribution.uniform(Integer.parseInt(a[0]), Integer.parseInt(a[1]));
                    }
                    case "lognormal": {
                        final String[] a = args(key, value, rest, 4);
                        return LengthDistribution.lognormal(Double.parseDouble(a[0]), Double.parseDouble(a[1]),
                                Integer.parseInt(a[2]), Integer.parseInt(a[3]));
                    }
                    case "empirical":
                        return empirical(key, rest.trim());
                    default:
                        throw new IllegalArgumentException("workload spec '" + text + "': " + key + " has unknown distribution '"
                                + name + "'; accepted: " + DISTRIBUTIONS);
                }
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException("workload spec '" + text + "': " + key + "=" + value
                        + " has a parameter that is not a number; accepted: " + DISTRIBUTIONS, e);
            } catch (final IllegalArgumentException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("workload spec")) {
                    throw e;
                }
                throw new IllegalArgumentException("workload spec '" + text + "': " + key + "=" + value + ": " + e.getMessage(), e);
            }
        }

        private String[] args(final String key, final String value, final String rest, final int expected) {
            final String[] a = rest.isEmpty() ? new String[0] : rest.split(":", -1);
            if (a.length != expected) {
                throw new IllegalArgumentException("workload spec '" + text + "': " + key + "=" + value + " needs " + expected
                        + " parameter(s); accepted: " + DISTRIBUTIONS);
            }
            for (int i = 0; i < a.length; i++) {
                a[i] = a[i].trim();
            }
            return a;
        }

        private LengthDistribution empirical(final String key, final String path) {
            if (path.isEmpty()) {
                throw new IllegalArgumentException("workload spec '" + text + "': " + key + "=empirical needs a file path");
            }
            final Path file = Paths.get(path).toAbsolutePath().normalize();
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("workload spec '" + text + "': " + key + ": empirical file not found: " + file);
            }
            final EmpiricalLengths table = tables.computeIfAbsent(file, f -> {
                try {
                    return EmpiricalLengths.read(f);
                } catch (final IOException e) {
                    throw new UncheckedIOException("cannot read empirical lengths from " + f, e);
                }
            });
            return key.equals("prompt") ? table.prompts() : table.outputs();
        }
    }
}
