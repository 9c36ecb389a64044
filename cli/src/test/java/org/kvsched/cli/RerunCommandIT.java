package org.kvsched.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live replay recorded ({@code replay --live --record}) and re-run offline ({@code rerun}), as a user runs
 * them: the re-run re-derives every recorded decision and every request's times, and {@code --policy} serves
 * the same arrivals under another policy with every request accounted for.
 */
class RerunCommandIT {

    private static final int REQUESTS = 60;

    @Test
    @Timeout(120)
    void aRecordedLiveRunRerunsIdenticallyAndUnderAnotherPolicy(@TempDir final Path dir) throws Exception {
        final Path rec = dir.resolve("run");
        final CliRunner.Result live = CliRunner.run("replay", "--live", "--speed", "20", "--requests", Integer.toString(REQUESTS),
                "--replicas", "2", "--record", rec.toString());
        assertEquals(0, live.exitCode(), live.err());
        assertTrue(Files.size(rec.resolve("replica-log.avro")) > 0 && Files.exists(rec.resolve("requests.csv")), live.out());
        assertTrue(live.out().contains("recorded: ") && !live.out().contains("INCOMPLETE"), live.out());

        final Path json = dir.resolve("rerun.json");
        final CliRunner.Result rerun = CliRunner.run("rerun", rec.toString(), "--policy", "sarathi", "--json", json.toString());
        assertEquals(0, rerun.exitCode(), rerun.out() + rerun.err());
        assertTrue(rerun.out().contains("requests: identical: " + REQUESTS + "/" + REQUESTS + " requests"), rerun.out());
        final Matcher d = Pattern.compile("decisions: identical: (\\d+)/(\\d+) decisions").matcher(rerun.out());
        assertTrue(d.find(), rerun.out());
        assertEquals(d.group(1), d.group(2));
        // At least one decision per request's admission: a re-run that compared nothing would say 0/0.
        assertTrue(Long.parseLong(d.group(2)) >= REQUESTS / 2, rerun.out());
        // Recorded, modelled recorded policy, modelled sarathi: every request accounted for in each.
        final Matcher rows = Pattern.compile("(?m)^(\\S+)\\s+(recorded \\(live\\)|modelled)\\s+(\\d+)/(\\d+)\\s+(\\d+)").matcher(rerun.out());
        int n = 0;
        boolean sarathi = false;
        while (rows.find()) {
            n++;
            assertEquals(Integer.toString(REQUESTS), rows.group(4), rows.group());
            assertEquals(REQUESTS, Integer.parseInt(rows.group(3)) + Integer.parseInt(rows.group(5)), rows.group());
            sarathi |= rows.group(1).startsWith("sarathi") && rows.group(2).equals("modelled");
        }
        assertEquals(3, n, rerun.out());
        assertTrue(sarathi, rerun.out());
        final String text = Files.readString(json);
        assertTrue(text.contains("\"identical\": true") || text.contains("\"identical\":true"), text);
    }
}
