package org.kvsched.core.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Registers one policy name: what {@code ./kvsched policies} lists about it and how to build it. Each policy
 * package has its factory next to its policy class, and {@link PolicyKind} lists the factories, one line each
 * (docs/policies.md, "Adding a policy"). Most factories extend {@link AbstractPolicyFactory}, which takes the
 * declaration (name, description, flags, parameters) in its constructor.
 *
 * <p>A factory declares its parameters with their types and ranges ({@link ParamSpec}); {@link PolicyParams}
 * checks every given value against them before {@link #create(PolicyParams, PolicyContext)} runs, so a
 * factory and its policy's constructor repeat no range check. A factory checks only what a range cannot say
 * (a list's length, a value that needs the workload).
 */
public interface PolicyFactory {

    /** What callers need to know about a policy beyond its parameters. */
    enum Flag {
        /** Reads predicted output lengths, so {@code --predictor none} makes no sense for it. */
        USES_PREDICTIONS,
        /**
         * Offline and clairvoyant: built from the whole workload in advance ({@link PolicyContext#workload()}); runs
         * only in the in-memory simulator, the scheduler service refuses it, the Kafka pipeline's {@code --verify}
         * and the contract suite skip it (its own tests cover it).
         */
        OFFLINE
    }

    /** The registry name, the value of {@code policy=}; each policy's name is written here and nowhere else. */
    String name();

    /** One line for {@code ./kvsched policies}: the source and the rule. */
    String description();

    /** The accepted parameters with their defaults, types and ranges. */
    List<ParamSpec> parameters();

    /** The policy's flags (empty for an online policy that ignores predictions). */
    Set<Flag> flags();

    /**
     * Builds the policy from parameters already checked against {@link #parameters()}; throws
     * IllegalArgumentException with one line naming the key ({@link PolicyParams#require}) for what a range
     * cannot check.
     */
    Policy create(PolicyParams params, PolicyContext context);

    /** Checks {@code values} (keys without the {@code policy.<name>.} prefix) and builds the policy. */
    default Policy create(final Map<String, String> values, final PolicyContext context) {
        return create(new PolicyParams(name(), parameters(), values), context);
    }

    /** True if the policy uses predicted output lengths ({@link Flag#USES_PREDICTIONS}). */
    default boolean needsLengths() {
        return flags().contains(Flag.USES_PREDICTIONS);
    }

    /** True for an offline, clairvoyant policy ({@link Flag#OFFLINE}). */
    default boolean offline() {
        return flags().contains(Flag.OFFLINE);
    }
}
