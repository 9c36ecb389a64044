package org.kvsched.cli.experiment;

/**
 * One reproduction of a published result, run by {@code kvsched experiment NAME}: it computes our figure
 * and prints it next to the paper's.
 *
 * <p>Contract: deterministic for a seed; {@code quick} mode finishes in under a minute on a 2-core machine
 * (the tests run it), the full mode is what closing notes report.
 */
public interface Experiment {

    /** The name on the command line (e.g. {@code mcsf-synthetic}). */
    String name();

    /** One line: what is reproduced and from which paper. */
    String description();

    /** Runs the experiment. */
    ExperimentResult run(ExperimentContext context);
}
