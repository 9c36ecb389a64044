package org.kvsched.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kvsched rerun}'s input errors: one line, exit code 2, naming what is wrong. */
class RerunCommandTest {

    @Test
    void aMissingRecordingSaysHowToMakeOne(@TempDir final Path dir) {
        final CliRunner.Result r = CliRunner.run("rerun", dir.resolve("nothing").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("no recording at") && r.err().contains("--record"), r.err());
    }

    @Test
    void aFileThatIsNotARecordingIsRefused(@TempDir final Path dir) throws Exception {
        final Path file = Files.writeString(dir.resolve("replica-log.avro"), "not avro");
        final CliRunner.Result r = CliRunner.run("rerun", dir.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("kvsched: ") && r.err().contains(file.toString()), r.err());
    }
}
