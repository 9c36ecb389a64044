package org.kvsched.core.policy;

/**
 * One configurable parameter of a policy, as {@code ./kvsched policies} lists it and as the config
 * key {@code policy.<kind>.<name>} sets it.
 *
 * @param name         kebab-case key
 * @param defaultValue default, as text
 * @param description  meaning and unit
 */
public record ParamSpec(String name, String defaultValue, String description) {
}
