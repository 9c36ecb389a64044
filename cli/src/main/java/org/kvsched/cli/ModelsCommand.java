package org.kvsched.cli;

import java.util.Map;

import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;

import picocli.CommandLine.Command;

/** {@code kvsched models}: what can be passed to --model. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "List the model profiles with their KV geometry and parameters.")
final class ModelsCommand implements Runnable {

    @Override
    public void run() {
        for (final ModelProfile m : ModelCatalog.all()) {
            System.out.printf("%-24s KV %,9d tokens (%,d blocks of %d), context %,d%n", m.name(), m.kvCapacityTokens(),
                    m.kvCapacityBlocks(), m.blockSize(), m.maxContextTokens());
            System.out.println("    " + m.description());
            if (!m.parameters().isEmpty()) {
                final StringBuilder sb = new StringBuilder("    parameters:");
                for (final Map.Entry<String, String> e : m.parameters().entrySet()) {
                    sb.append(' ').append(e.getKey()).append('=').append(e.getValue());
                }
                System.out.println(sb);
            }
        }
        System.out.println();
        System.out.println("Pass parameters as --model NAME:key=value,... (kv=, block=, ctx= for every model; see each model's keys).");
    }
}
