package org.kvsched.core.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.workload.TraceFormatException;
import org.kvsched.core.workload.Workload;
import org.kvsched.core.workload.WorkloadOptions;
import org.kvsched.core.workload.Workloads;

/** Trace files written for a test and read back through {@link Workloads#readTrace}; shared with other modules' tests. */
public final class TraceFiles {

    /** Options that keep the file's lengths as written (no context cap). */
    public static final WorkloadOptions RAW = WorkloadOptions.defaults().withMaxContextTokens(0);

    private TraceFiles() {
    }

    /** Writes {@code content} (UTF-8) to {@code dir/name} and returns the file. */
    public static Path write(final Path dir, final String name, final String content) throws IOException {
        final Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    /** The error of reading {@code content} as trace file {@code dir/name} with {@link #RAW}; fails the test if none. */
    public static TraceFormatException malformed(final Path dir, final String name, final String content) throws IOException {
        final Path file = write(dir, name, content);
        return assertThrows(TraceFormatException.class, () -> Workloads.readTrace(file, RAW));
    }

    /** The arrival times of the workload's requests, microseconds, in order. */
    public static List<Long> arrivals(final Workload w) {
        return w.requests().stream().map(WorkloadRequest::arrivalUs).collect(Collectors.toList());
    }
}
