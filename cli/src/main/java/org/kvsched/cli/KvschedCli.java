package org.kvsched.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code kvsched} command: the user's entry point to the in-memory engine and the Kafka pipeline.
 * Each subcommand is its own class; this one only wires them and maps errors to one-line messages.
 */
@Command(name = "kvsched", mixinStandardHelpOptions = true, version = "kvsched 0.1.0",
        description = "Scheduling LLM inference under KV-cache memory limits: simulate, compare and replay policies.",
        subcommands = {
            SimulateCommand.class,
            CompareCommand.class,
            ReplayCommand.class,
            RerunCommand.class,
            ClusterCommand.class,
            PoliciesCommand.class,
            ModelsCommand.class,
            ExperimentCommand.class,
            FluidCommand.class,
            VllmSimCommand.class,
            VllmDirectCommand.class,
            LiveBenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class KvschedCli implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** Builds the command line with the project's error handling (bad input: one line, exit code 2). */
    public static CommandLine commandLine() {
        final CommandLine cl = new CommandLine(new KvschedCli());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof java.io.UncheckedIOException
                    || ex instanceof java.nio.file.NoSuchFileException) {
                commandLine.getErr().println("kvsched: " + oneLine(ex));
                return 2;
            }
            throw ex;
        });
        return cl;
    }

    private static String oneLine(final Throwable ex) {
        if (ex instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + ex.getMessage();
        }
        final String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
        return msg.replace('\n', ' ');
    }

    public static void main(final String[] args) {
        System.exit(commandLine().execute(args));
    }
}
