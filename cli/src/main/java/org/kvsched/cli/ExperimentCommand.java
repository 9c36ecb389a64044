package org.kvsched.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.kvsched.cli.experiment.Experiment;
import org.kvsched.cli.experiment.ExperimentContext;
import org.kvsched.cli.experiment.ExperimentResult;
import org.kvsched.cli.experiment.Experiments;
import org.kvsched.reports.ReportJson;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kvsched experiment NAME}: reproduces a published result and prints ours next to the paper's. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Reproduce a published result (see docs/policies.md, Experiments): prints our figure, the paper's, and the ratio.")
final class ExperimentCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME", description = "Experiment name; 'list' prints them all.")
    String name;

    @Option(names = "--quick", description = "Reduced version (under a minute).")
    boolean quick;

    @Option(names = "--seed", defaultValue = "1", description = "Base seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--shared", paramLabel = "DIR", defaultValue = "../shared",
            description = "The shared folder with data/traces (default: ${DEFAULT-VALUE}).")
    Path shared;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
    Path json;

    @Override
    public Integer call() {
        if (name.equals("list")) {
            for (final Experiment e : Experiments.all()) {
                System.out.printf("%-16s %s%n", e.name(), e.description());
            }
            return 0;
        }
        final Experiment experiment = Experiments.byName(name);
        final long start = System.nanoTime();
        final ExperimentResult result = experiment.run(new ExperimentContext(quick, seed, shared, System.err));
        final double wall = (System.nanoTime() - start) / 1e9;
        System.out.println("kvsched experiment " + experiment.name() + (quick ? " (quick)" : "") + ": " + result.title());
        TextTable.print(System.out, result.columns(), result.rows());
        for (final String note : result.notes()) {
            System.out.println("note: " + note);
        }
        System.out.printf("(%.1f s wall)%n", wall);
        if (json != null) {
            final java.util.Map<String, Object> root = new java.util.LinkedHashMap<>(result.json());
            root.putIfAbsent("experiment", experiment.name());
            root.putIfAbsent("quick", quick);
            root.putIfAbsent("columns", result.columns());
            root.putIfAbsent("rows", result.rows());
            root.put("wall_s", wall);
            RunOutputs.writeJson(json, ReportJson.write(root));
        }
        return 0;
    }
}
