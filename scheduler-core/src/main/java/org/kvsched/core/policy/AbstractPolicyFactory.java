package org.kvsched.core.policy;

import java.util.List;
import java.util.Set;

/**
 * A {@link PolicyFactory} whose name, description, flags and parameters are given to its constructor, so a
 * factory class writes only its declaration and {@link #create(PolicyParams, PolicyContext)}. A class that
 * registers several names (variants of one rule) makes one instance per name.
 */
public abstract class AbstractPolicyFactory implements PolicyFactory {

    private final String name;
    private final String description;
    private final Set<Flag> flags;
    private final List<ParamSpec> parameters;

    /**
     * @param name        the registry name (written here and nowhere else)
     * @param description one line for {@code ./kvsched policies}
     * @param flags       the policy's flags
     * @param parameters  the accepted parameters, in listing order
     */
    protected AbstractPolicyFactory(final String name, final String description, final Set<Flag> flags,
                                    final List<ParamSpec> parameters) {
        this.name = name;
        this.description = description;
        this.flags = Set.copyOf(flags);
        this.parameters = List.copyOf(parameters);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final Set<Flag> flags() {
        return flags;
    }

    @Override
    public final List<ParamSpec> parameters() {
        return parameters;
    }
}
