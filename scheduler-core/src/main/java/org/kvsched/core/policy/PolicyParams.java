package org.kvsched.core.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The parameter values given to one policy, checked against its {@link ParamSpec}s: the one place where
 * parameters are checked. An unknown key, a malformed value or a value outside its range fails at
 * construction with one line naming the key ({@code policy.<kind>.<key>}) and what is accepted, so an
 * instance always holds valid values.
 */
public final class PolicyParams {

    private final String kind;
    private final List<ParamSpec> specs;
    private final Map<String, String> values;

    /**
     * @param kind   policy name, for messages
     * @param specs  accepted parameters with defaults
     * @param values given values (keys without the {@code policy.<kind>.} prefix)
     */
    public PolicyParams(final String kind, final List<ParamSpec> specs, final Map<String, String> values) {
        this.kind = kind;
        this.specs = List.copyOf(specs);
        this.values = Map.copyOf(values);
        final Set<String> accepted = specs.stream().map(ParamSpec::name).collect(Collectors.toCollection(TreeSet::new));
        for (final String key : values.keySet()) {
            if (!accepted.contains(key)) {
                throw new IllegalArgumentException("policy." + kind + "." + key + ": unknown parameter of policy " + kind
                        + "; accepted: " + (accepted.isEmpty() ? "(none)" : String.join(", ", accepted)));
            }
        }
        for (final ParamSpec spec : specs) {
            check(spec);
        }
    }

    /** Reads the value (given or default) by its type and checks its range. */
    private void check(final ParamSpec spec) {
        final String name = spec.name();
        switch (spec.type()) {
            case INT -> require(spec.range().contains(getInt(name)), name, spec.range().describe());
            case NUMBER -> require(spec.range().contains(getDouble(name)), name, spec.range().describe());
            case BOOLEAN -> getBoolean(name);
            case TEXT -> { }
            default -> throw new IllegalStateException("unknown type " + spec.type());
        }
    }

    private String raw(final String name) {
        final String given = values.get(name);
        if (given != null) {
            return given.trim();
        }
        for (final ParamSpec spec : specs) {
            if (spec.name().equals(name)) {
                return spec.defaultValue();
            }
        }
        throw new IllegalStateException("policy " + kind + " reads undeclared parameter " + name);
    }

    /** The value of an integer parameter. */
    public int getInt(final String name) {
        try {
            return Integer.parseInt(raw(name));
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("policy." + kind + "." + name + ": expected an integer, got '" + raw(name) + "'", e);
        }
    }

    /** The value of a numeric parameter. */
    public double getDouble(final String name) {
        try {
            return Double.parseDouble(raw(name));
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("policy." + kind + "." + name + ": expected a number, got '" + raw(name) + "'", e);
        }
    }

    /** The value of a true/false parameter. */
    public boolean getBoolean(final String name) {
        final String v = raw(name);
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException("policy." + kind + "." + name + ": expected true or false, got '" + v + "'");
    }

    /** The value as text (trimmed), for parameters the factory parses itself. */
    public String getString(final String name) {
        return raw(name);
    }

    /** Fails with one line naming the key if {@code ok} is false. */
    public void require(final boolean ok, final String name, final String expectation) {
        if (!ok) {
            throw new IllegalArgumentException("policy." + kind + "." + name + ": " + expectation + ", got '" + raw(name) + "'");
        }
    }
}
