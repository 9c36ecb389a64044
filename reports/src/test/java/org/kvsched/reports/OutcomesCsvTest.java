package org.kvsched.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kvsched.core.metrics.RequestOutcome;

/** CSV layout: header, exact time formatting, blanks, quoting. */
class OutcomesCsvTest {

    @Test
    void writesHeaderAndOneRowPerOutcome(@TempDir final Path dir) throws Exception {
        final List<RequestOutcome> outcomes = List.of(
                new RequestOutcome(7, 1, 1_500_000, 1_600_000, 1_750_250, 3_000_001, 512, 11, 2, "", "length"),
                new RequestOutcome(8, 0, 2_000_000, -1, -1, -1, 4096, 3, 0, "too long, \"2x\" capacity", ""),
                new RequestOutcome(9, 0, 42, 100, 200, 200, 1, 1, 0, "", "eos"));
        final Path f = dir.resolve("r.csv");
        OutcomesCsv.write(f, outcomes);
        final List<String> lines = Files.readAllLines(f);
        assertEquals(4, lines.size());
        assertEquals(OutcomesCsv.HEADER, lines.get(0));
        // TPOT: (3.000001 - 1.75025) s over 10 tokens = 124.9751 ms.
        assertEquals("7,1,1.500000,1.600000,1.750250,3.000001,512,11,2,250.250,1500.001,124.975,,length", lines.get(1));
        assertEquals("8,0,2.000000,,,,4096,3,0,,,,\"too long, \"\"2x\"\" capacity\",", lines.get(2));
        assertEquals("9,0,0.000042,0.000100,0.000200,0.000200,1,1,0,0.158,0.158,,,eos", lines.get(3));
        assertEquals(String.join("\n", lines) + "\n", OutcomesCsv.toCsv(outcomes));
    }

    @Test
    void collectorOutcomesHaveOneRowEach() {
        final var run = ReportFixtures.run("x", "m", 1, 100, 1, 2, 1);
        final String[] lines = OutcomesCsv.toCsv(run.outcomes()).split("\n");
        assertEquals(101, lines.length);
        final List<String[]> rejected = java.util.Arrays.stream(lines).skip(1)
                .filter(l -> l.contains(",stalled,") || l.endsWith("\",")).map(l -> l.split(",", -1)).toList();
        assertEquals(run.summary().rejected(), rejected.size());
        for (final String[] f : rejected) {
            assertEquals("", f[4], "a rejected request has no first token");
            assertEquals("", f[9], "nor a TTFT");
        }
    }
}
