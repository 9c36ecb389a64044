package org.kvsched.cli.experiment;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * What an experiment gets from the command line.
 *
 * @param quick     reduced version (under 60 s) instead of the full one
 * @param seed      base seed
 * @param sharedDir the team's shared folder ({@code ../shared}), for experiments that read real traces
 * @param progress  where to print progress lines (stderr)
 */
public record ExperimentContext(boolean quick, long seed, Path sharedDir, PrintStream progress) {

    /** A file under the shared data folder, failing with one line if it is absent. */
    public Path sharedFile(final String relative) {
        final Path p = sharedDir.resolve(relative);
        if (!java.nio.file.Files.exists(p)) {
            throw new IllegalArgumentException("experiment needs " + p + " (the shared data folder; set --shared DIR)");
        }
        return p;
    }
}
