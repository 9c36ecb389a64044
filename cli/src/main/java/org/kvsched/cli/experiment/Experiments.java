package org.kvsched.cli.experiment;

import java.util.List;
import java.util.stream.Collectors;

/** The registry of experiments: add one line per experiment class. */
public final class Experiments {

    private Experiments() {
    }

    /** Every experiment: the paper reproductions (MC-SF, WAIT, GSA), then the Azure replay. */
    public static List<Experiment> all() {
        return List.of(
                new org.kvsched.cli.experiment.mcsf.McsfSyntheticExperiment(),
                new org.kvsched.cli.experiment.mcsf.McsfTraceExperiment(),
                new WaitStabilityExperiment(),
                new GsaOfflineExperiment(),
                new org.kvsched.cli.experiment.replay.AzureReplayExperiment());
    }

    /** Looks one up; fails with one line listing the valid names. */
    public static Experiment byName(final String name) {
        return all().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("experiment: unknown '" + name + "'; valid: "
                        + (all().isEmpty() ? "(none yet)" : all().stream().map(Experiment::name).collect(Collectors.joining(", ")))));
    }
}
