package org.kvsched.cli;

import org.kvsched.core.policy.ParamSpec;
import org.kvsched.core.policy.PolicyFactory;
import org.kvsched.core.policy.PolicyKind;

import picocli.CommandLine.Command;

/** {@code kvsched policies}: what can be passed to --policy. */
@Command(name = "policies", mixinStandardHelpOptions = true, description = "List the registered policies with their parameters.")
final class PoliciesCommand implements Runnable {

    @Override
    public void run() {
        for (final PolicyFactory kind : PolicyKind.all()) {
            System.out.println(kind.name() + (kind.needsLengths() ? "  [uses predicted lengths]" : ""));
            System.out.println("    " + kind.description());
            for (final ParamSpec p : kind.parameters()) {
                System.out.printf("    %-26s default %-8s %s%n", p.name(), p.defaultValue(), p.description());
            }
        }
        System.out.println();
        System.out.println("Pass parameters as --policy NAME:key=value,key=value (or policy.NAME.key=value in a properties file).");
    }
}
