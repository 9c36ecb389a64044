package org.kvsched.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the team's shared data folder ({@code ../shared/data} beside the checkout) for tests.
 *
 * <p>The rule of the project: outside CI (environment variable {@code CI} unset) a test that needs
 * a shared file is skipped with a message naming the missing path; under {@code CI=true} a missing
 * file is a failure, because CI always has {@code ../shared} beside the clone.
 */
public final class SharedData {

    private SharedData() {
    }

    /** The shared folder: {@code $KVSCHED_SHARED_DIR} if set, else the first {@code ../shared} found upwards. */
    public static Path sharedDir() {
        final String env = System.getenv("KVSCHED_SHARED_DIR");
        if (env != null && !env.isBlank()) {
            return Paths.get(env).toAbsolutePath().normalize();
        }
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null) {
            final Path candidate = dir.resolveSibling("shared");
            if (Files.isDirectory(candidate.resolve("data"))) {
                return candidate.normalize();
            }
            dir = dir.getParent();
        }
        return Paths.get("..", "shared").toAbsolutePath().normalize();
    }

    /**
     * Returns the path of {@code relative} under the shared folder (e.g. {@code data/traces/splitwise_conv.csv}),
     * skipping the calling test when it is absent outside CI and failing it under CI.
     */
    public static Path require(final String relative) {
        final Path file = sharedDir().resolve(relative);
        if (!Files.exists(file)) {
            final String message = "shared data file " + file + " is absent";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(message + " (CI=true requires ../shared beside the clone)");
            }
            Assumptions.abort(message + "; skipping (outside CI)");
        }
        return file;
    }
}
