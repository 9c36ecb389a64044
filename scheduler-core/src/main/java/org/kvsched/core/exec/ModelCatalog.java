package org.kvsched.core.exec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The named deployments users can pick (e.g. on the command line), with optional parameters.
 *
 * <p>Spec syntax: {@code name[:key=value[,key=value...]]}, for example {@code llama2-7b-a100},
 * {@code llama2-7b-a100:cpu=5}, {@code linear:d0=4.6,d1=0.0034,kv=20000}, {@code unit:kv=40}. Names and
 * keys are case-insensitive. Keys accepted by every model: {@code kv} (KV capacity, tokens; must be a
 * multiple of the block size), {@code block} (tokens per block) and {@code ctx} (max context, tokens).
 * Model-specific keys: {@code cpu} (CPU overhead, ms per iteration) for the component models;
 * {@code d0} (ms) and {@code d1} (ms per KV token) for {@code linear}; {@code a} (ms per request), {@code b} (ms per
 * prompt token), {@code c} (ms per batch) and {@code d} (ms per context token) for {@code mcsf-linear}.
 *
 * <table>
 *   <caption>Catalog</caption>
 *   <tr><th>name</th><th>time model</th><th>KV tokens</th><th>block</th></tr>
 *   <tr><td>llama2-7b-a100</td><td>{@link VidurComponentModel}, 7B TP1</td><td>118,784</td><td>16</td></tr>
 *   <tr><td>llama2-70b-a100-tp2</td><td>{@link VidurComponentModel}, 70B TP2</td><td>53,248</td><td>16</td></tr>
 *   <tr><td>llama2-70b-a100-tp4</td><td>{@link VidurComponentModel}, 70B TP4</td><td>524,288</td><td>16</td></tr>
 *   <tr><td>llama3-8b-a100</td><td>{@link VidurComponentModel}, Meta-Llama-3-8B TP1 (GQA)</td><td>483,328</td><td>16</td></tr>
 *   <tr><td>*-fit</td><td>{@link LinearSurrogateModel} of the same deployment</td><td>same</td><td>16</td></tr>
 *   <tr><td>linear</td><td>{@link LinearKvModel#DEFAULT}</td><td>118,784</td><td>16</td></tr>
 *   <tr><td>mcsf-linear</td><td>{@link LinearBatchModel#MCSF_AUTHORS}</td><td>16,492</td><td>1</td></tr>
 *   <tr><td>unit</td><td>{@link UnitTimeModel}</td><td>50</td><td>1</td></tr>
 * </table>
 *
 * <p>Capacities are Vidur's memory planner (80 GiB x 0.9, fp16; Vidur, arXiv 2405.05465, code microsoft/vidur): requests of 4,096
 * tokens that fit beside the attention and MLP weights, times 4,096 tokens. For Meta-Llama-3-8B: weights
 * 6,979,321,856 parameters = 13,958,643,712 B, KV 128 KiB per token (8 KV heads), so
 * (77,309,411,328 - 13,958,643,712) / (128 KiB x 4,096) = 118 requests = 483,328 tokens (30,208 blocks;
 * docs/wait-fidelity.md section 1). The theory model
 * counts single tokens, hence block 1; {@code mcsf-linear} is the MC-SF paper's trace setting (Llama2-70B on two
 * A100s, M = 16,492 tokens, token-exact). Stateless: every call builds fresh immutable profiles.
 */
public final class ModelCatalog {

    /** The name used when the user names none. */
    public static final String DEFAULT_NAME = "llama2-7b-a100";

    private static final int LLAMA2_MAX_CONTEXT = 4096;
    private static final int VLLM_BLOCK = 16;
    private static final int KV_7B_TP1 = 118_784;
    private static final int KV_70B_TP2 = 53_248;
    private static final int KV_70B_TP4 = 524_288;
    private static final int KV_L3_8B_TP1 = 483_328;
    /** The KV budget of the MC-SF paper's trace study (Llama2-70B on two A100s), tokens. */
    private static final int KV_MCSF_TRACE = 16_492;

    private static final List<String> COMMON_KEYS = List.of("kv", "block", "ctx");

    /** One catalog entry: defaults plus how to build the time model from parsed parameters. */
    private enum Entry {
        LLAMA2_7B("llama2-7b-a100", Kind.COMPONENT, KV_7B_TP1, VLLM_BLOCK,
                ComponentCoefficients.LLAMA2_7B_A100_TP1, LinearSurrogateModel.LLAMA2_7B_A100_TP1),
        LLAMA2_70B_TP2("llama2-70b-a100-tp2", Kind.COMPONENT, KV_70B_TP2, VLLM_BLOCK,
                ComponentCoefficients.LLAMA2_70B_A100_TP2, LinearSurrogateModel.LLAMA2_70B_A100_TP2),
        LLAMA2_70B_TP4("llama2-70b-a100-tp4", Kind.COMPONENT, KV_70B_TP4, VLLM_BLOCK,
                ComponentCoefficients.LLAMA2_70B_A100_TP4, LinearSurrogateModel.LLAMA2_70B_A100_TP4),
        LLAMA3_8B("llama3-8b-a100", Kind.COMPONENT, KV_L3_8B_TP1, VLLM_BLOCK,
                ComponentCoefficients.LLAMA3_8B_A100_TP1, null),
        LLAMA2_7B_FIT("llama2-7b-a100-fit", Kind.SURROGATE, KV_7B_TP1, VLLM_BLOCK,
                ComponentCoefficients.LLAMA2_7B_A100_TP1, LinearSurrogateModel.LLAMA2_7B_A100_TP1),
        LLAMA2_70B_TP2_FIT("llama2-70b-a100-tp2-fit", Kind.SURROGATE, KV_70B_TP2, VLLM_BLOCK,
                ComponentCoefficients.LLAMA2_70B_A100_TP2, LinearSurrogateModel.LLAMA2_70B_A100_TP2),
        LLAMA2_70B_TP4_FIT("llama2-70b-a100-tp4-fit", Kind.SURROGATE, KV_70B_TP4, VLLM_BLOCK,
                ComponentCoefficients.LLAMA2_70B_A100_TP4, LinearSurrogateModel.LLAMA2_70B_A100_TP4),
        LINEAR("linear", Kind.LINEAR, KV_7B_TP1, VLLM_BLOCK, null, null),
        MCSF_LINEAR("mcsf-linear", Kind.LINEAR_BATCH, KV_MCSF_TRACE, 1, null, null),
        UNIT("unit", Kind.UNIT, 50, 1, null, null);

        final String specName;
        final Kind kind;
        final int defaultKv;
        final int defaultBlock;
        final ComponentCoefficients coefficients;
        final LinearSurrogateModel surrogate;

        Entry(final String specName, final Kind kind, final int defaultKv, final int defaultBlock,
              final ComponentCoefficients coefficients, final LinearSurrogateModel surrogate) {
            this.specName = specName;
            this.kind = kind;
            this.defaultKv = defaultKv;
            this.defaultBlock = defaultBlock;
            this.coefficients = coefficients;
            this.surrogate = surrogate;
        }

        List<String> acceptedKeys() {
            final List<String> keys = new ArrayList<>(COMMON_KEYS);
            keys.addAll(kind.extraKeys);
            return List.copyOf(keys);
        }
    }

    private enum Kind {
        COMPONENT(List.of("cpu")),
        SURROGATE(List.of()),
        LINEAR(List.of("d0", "d1")),
        LINEAR_BATCH(List.of("a", "b", "c", "d")),
        UNIT(List.of());

        final List<String> extraKeys;

        Kind(final List<String> extraKeys) {
            this.extraKeys = extraKeys;
        }
    }

    private ModelCatalog() {
    }

    /** All catalog names, in catalog order. */
    public static List<String> names() {
        final List<String> names = new ArrayList<>();
        for (final Entry e : Entry.values()) {
            names.add(e.specName);
        }
        return List.copyOf(names);
    }

    /** Every catalog entry with its default parameters, in catalog order. */
    public static List<ModelProfile> all() {
        final List<ModelProfile> all = new ArrayList<>();
        for (final Entry e : Entry.values()) {
            all.add(build(e, Map.of(), e.specName));
        }
        return List.copyOf(all);
    }

    /**
     * The profile a user configured: {@code spec} as for {@link #byName(String)}, with the KV capacity
     * replaced by {@code kvCapacityOverride} tokens when it is positive. The one place every entry point
     * (CLI options, service configuration keys) turns its settings into a profile.
     *
     * @param spec               model name with optional parameters
     * @param kvCapacityOverride KV capacity per replica, tokens; 0 keeps the profile's
     * @param source             how the user set the model, for messages (e.g. {@code --model}, {@code config: key 'model'})
     * @throws IllegalArgumentException one line starting with {@code source}
     */
    public static ModelProfile configured(final String spec, final int kvCapacityOverride, final String source) {
        return configured(spec, kvCapacityOverride, source, source + ": KV capacity override");
    }

    /**
     * As {@link #configured(String, int, String)}, with the override's errors attributed to {@code kvSource} (a service
     * names its {@code kv.capacity} key there, its {@code model} key in {@code modelSource}).
     */
    public static ModelProfile configured(final String spec, final int kvCapacityOverride, final String modelSource,
                                          final String kvSource) {
        if (kvCapacityOverride < 0) {
            throw new IllegalArgumentException(kvSource + " must be >= 0 tokens (0: the model's own), got " + kvCapacityOverride);
        }
        final ModelProfile profile;
        try {
            profile = byName(spec);
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException(modelSource + ": " + e.getMessage(), e);
        }
        return kvCapacityOverride > 0 ? profile.withKvCapacityTokens(kvCapacityOverride) : profile;
    }

    /**
     * Parses a spec ({@code name[:key=value,...]}) into a profile.
     *
     * @throws IllegalArgumentException with a one-line message naming the bad name, key or value and
     *                                  listing the accepted ones
     */
    public static ModelProfile byName(final String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty model name; valid names: " + String.join(", ", names()));
        }
        final String trimmed = spec.strip();
        final int colon = trimmed.indexOf(':');
        final String name = (colon < 0 ? trimmed : trimmed.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
        final Entry entry = lookup(name);
        final Map<String, String> params = colon < 0
                ? Map.of()
                : parseParameters(entry, trimmed.substring(colon + 1), trimmed);
        return build(entry, params, trimmed);
    }

    private static Entry lookup(final String name) {
        for (final Entry e : Entry.values()) {
            if (e.specName.equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown model '" + oneLine(name) + "'; valid names: "
                + String.join(", ", names()));
    }

    private static Map<String, String> parseParameters(final Entry entry, final String text, final String spec) {
        final Map<String, String> params = new LinkedHashMap<>();
        if (text.isBlank()) {
            return params; // "unit:" is the same as "unit"
        }
        for (final String part : text.split(",", -1)) {
            final String item = part.strip();
            final int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("parameter '" + oneLine(item) + "' in '" + oneLine(spec)
                        + "' is not key=value; accepted keys for " + entry.specName + ": "
                        + String.join(", ", entry.acceptedKeys()));
            }
            final String key = item.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            final String value = item.substring(eq + 1).strip();
            if (!entry.acceptedKeys().contains(key)) {
                throw new IllegalArgumentException("unknown parameter '" + oneLine(key) + "' for model "
                        + entry.specName + "; accepted keys: " + String.join(", ", entry.acceptedKeys()));
            }
            if (params.putIfAbsent(key, value) != null) {
                throw new IllegalArgumentException("parameter '" + key + "' given twice in '" + oneLine(spec) + "'");
            }
        }
        return params;
    }

    private static ModelProfile build(final Entry e, final Map<String, String> params, final String spec) {
        final int kv = positiveInt(params, "kv", e.defaultKv, e);
        final int block = positiveInt(params, "block", e.defaultBlock, e);
        final int ctx = positiveInt(params, "ctx", LLAMA2_MAX_CONTEXT, e);
        final Map<String, String> display = new LinkedHashMap<>();
        display.put(ModelProfile.KV_KEY, Integer.toString(kv));
        display.put("block", Integer.toString(block));
        display.put("ctx", Integer.toString(ctx));
        final ExecutionTimeModel model;
        final String description;
        switch (e.kind) {
            case COMPONENT: {
                final double cpu = nonNegativeDouble(params, "cpu", 0.0, e);
                final ComponentCoefficients k = e.coefficients;
                model = new VidurComponentModel(k, cpu);
                description = k.deployment() + ": Vidur-profile component model (research A.9)"
                        + (cpu > 0 ? ", +" + cpu + " ms CPU overhead" : "");
                display.put("cpu", Double.toString(cpu));
                putCoefficients(display, k);
                break;
            }
            case SURROGATE: {
                final LinearSurrogateModel s = e.surrogate;
                model = s;
                description = s.label() + ": one-line surrogate a + b*P + c*B + d*S (research A.9)";
                display.put("a", Double.toString(s.a()));
                display.put("b", Double.toString(s.b()));
                display.put("c", Double.toString(s.c()));
                display.put("d", Double.toString(s.d()));
                break;
            }
            case LINEAR: {
                final double d0 = nonNegativeDouble(params, "d0", LinearKvModel.DEFAULT_D0_MS, e);
                final double d1 = nonNegativeDouble(params, "d1", LinearKvModel.DEFAULT_D1_MS_PER_TOKEN, e);
                model = new LinearKvModel(d0, d1);
                description = "WAIT-paper linear model d0 + d1 * KV tokens of the batch (ms)";
                display.put("d0", Double.toString(d0));
                display.put("d1", Double.toString(d1));
                break;
            }
            case LINEAR_BATCH: {
                final LinearBatchModel k = LinearBatchModel.MCSF_AUTHORS;
                final LinearBatchModel m = new LinearBatchModel(nonNegativeDouble(params, "a", k.aMsPerRequest(), e),
                        nonNegativeDouble(params, "b", k.bMsPerPromptToken(), e), nonNegativeDouble(params, "c", k.cMs(), e),
                        nonNegativeDouble(params, "d", k.dMsPerContextToken(), e));
                model = m;
                description = "MC-SF authors' trace batch time c + b * prompt tokens + (d * mean context + a) * batch size (ms)";
                display.put("a", Double.toString(m.aMsPerRequest()));
                display.put("b", Double.toString(m.bMsPerPromptToken()));
                display.put("c", Double.toString(m.cMs()));
                display.put("d", Double.toString(m.dMsPerContextToken()));
                break;
            }
            case UNIT:
                model = UnitTimeModel.INSTANCE;
                description = "one time unit (1 s) per non-empty iteration (MC-SF / GSA theory model)";
                display.put("unitMicros", Long.toString(UnitTimeModel.UNIT_MICROS));
                break;
            default:
                throw new IllegalStateException("unhandled kind " + e.kind + " in '" + oneLine(spec) + "'");
        }
        return new ModelProfile(e.specName, description, kv, block, ctx, model, display);
    }

    private static void putCoefficients(final Map<String, String> display, final ComponentCoefficients k) {
        display.put("layers", Integer.toString(k.layers()));
        display.put("tp", Integer.toString(k.tensorParallel()));
        display.put("a0", Double.toString(k.a0()));
        display.put("a1", Double.toString(k.a1()));
        display.put("b1", Double.toString(k.b1()));
        display.put("r0", Double.toString(k.r0()));
        display.put("r1", Double.toString(k.r1()));
        display.put("d0", Double.toString(k.d0()));
        display.put("d1", Double.toString(k.d1()));
        display.put("d2", Double.toString(k.d2()));
        display.put("gqa", Boolean.toString(k.gqa()));
        display.put("p0", Double.toString(k.p0()));
        display.put("p1", Double.toString(k.p1()));
        display.put("p2", Double.toString(k.p2()));
        display.put("p3", Double.toString(k.p3()));
    }

    private static int positiveInt(final Map<String, String> params, final String key, final int fallback,
                                   final Entry e) {
        final String raw = params.get(key);
        if (raw == null) {
            return fallback;
        }
        try {
            final int v = Integer.parseInt(raw.replace("_", ""));
            if (v >= 1) {
                return v;
            }
        } catch (final NumberFormatException ignored) {
            // fall through to the one-line error below
        }
        throw new IllegalArgumentException("parameter '" + key + "' of model " + e.specName
                + " must be a positive integer, got '" + oneLine(raw) + "'");
    }

    private static double nonNegativeDouble(final Map<String, String> params, final String key,
                                            final double fallback, final Entry e) {
        final String raw = params.get(key);
        if (raw == null) {
            return fallback;
        }
        try {
            final double v = Double.parseDouble(raw);
            if (Double.isFinite(v) && v >= 0) {
                return v;
            }
        } catch (final NumberFormatException ignored) {
            // fall through to the one-line error below
        }
        throw new IllegalArgumentException("parameter '" + key + "' of model " + e.specName
                + " must be a finite number >= 0, got '" + oneLine(raw) + "'");
    }

    /** Error messages are one line even when the user's input is not. */
    private static String oneLine(final String s) {
        return s.replaceAll("[\\r\\n]+", " ");
    }
}
