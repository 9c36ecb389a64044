package org.kvsched.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kvsched.core.metrics.KvSample;
import org.kvsched.core.metrics.RunResult;
import org.kvsched.core.metrics.Stats;
import org.kvsched.core.metrics.Summary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The report directory: files, charts per section, labels, summary.json contents, helpers. */
class HtmlReportTest {

    /** Three policies; "lru & co" has no run at scale 1 (its lowest, 0.5, is shown); "fcfs" also at 2. */
    static List<RunResult> sweep() {
        final List<RunResult> runs = new ArrayList<>();
        long seed = 1;
        for (final double rate : new double[] {0.5, 1.0, 1.5}) {
            runs.add(ReportFixtures.run("fcfs", "llama-2-7b", rate, 300, 1.0, 1, seed++));
            runs.add(ReportFixtures.run("alpha-protection:alpha=0.2", "llama-2-7b", rate, 300, 0.4, 1, seed++));
        }
        runs.add(ReportFixtures.run("fcfs", "llama-2-7b", 2.0, 300, 1.0, 1, seed++));
        runs.add(ReportFixtures.run("lru & co", "llama-2-7b", 0.5, 300, 2.0, 2, seed++));
        runs.add(ReportFixtures.run("lru & co", "llama-2-7b", 0.75, 300, 2.0, 2, seed));
        return runs;
    }

    @Test
    void writesPageJsonAndOneCsvPerRun(@TempDir final Path dir) throws Exception {
        final List<RunResult> runs = sweep();
        HtmlReport.write(dir, "Sweep <1>", runs);
        final String html = Files.readString(dir.resolve("index.html"), StandardCharsets.UTF_8);

        // 2 CDFs + 2 latency-vs-load + one KV chart per label.
        assertEquals(2 + 2 + 3, count(html, "<svg"));
        assertEquals(count(html, "<svg"), count(html, "</svg>"));
        for (final String label : List.of("fcfs", "alpha-protection:alpha=0.2", "lru &amp; co")) {
            assertTrue(html.contains(label), label);
        }
        assertTrue(html.contains("Sweep &lt;1&gt;"));
        assertFalse(html.contains("NaN") || html.contains("Infinity"));
        assertEquals(runs.size(), count(html, "<tr><td class=\"label\">"));
        assertTrue(html.contains("\u00d70.5"), "the lowest scale of a label without scale 1 is named");
        // Every chart is well-formed XML on its own.
        final Matcher m = Pattern.compile("(?s)<svg.*?</svg>").matcher(html);
        while (m.find()) {
            SvgChartTest.parse(m.group());
        }

        final JsonNode json = new ObjectMapper().readTree(Files.readString(dir.resolve("summary.json")));
        assertEquals("Sweep <1>", json.get("title").asText());
        final JsonNode jruns = json.get("runs");
        assertEquals(runs.size(), jruns.size());
        final List<String> csv = HtmlReport.csvFileNames(runs);
        for (int i = 0; i < runs.size(); i++) {
            final JsonNode r = jruns.get(i);
            assertEquals(runs.get(i).label(), r.get("label").asText());
            assertEquals(runs.get(i).rateScale(), r.get("rate_scale").asDouble());
            assertEquals(runs.get(i).summary().completed(), r.get("completed").asLong());
            assertTrue(r.get("completed").isIntegralNumber(), "counts are written without a fraction");
            assertEquals(runs.get(i).wallSeconds(), r.get("wall_s").asDouble());
            assertTrue(r.has("ttft_ms") && r.has("kv_util_mean"));
            assertEquals(csv.get(i), r.get("requests_csv").asText());
            final Path file = dir.resolve(csv.get(i));
            assertTrue(Files.exists(file), file.toString());
            assertEquals(runs.get(i).outcomes().size() + 1, Files.readAllLines(file).size());
            assertTrue(html.contains("href=\"" + csv.get(i) + "\""));
        }
        assertEquals("requests-fcfs-x0.5.csv", csv.get(0));
        assertEquals("requests-alpha-protection_alpha_0.2-x1.csv", csv.get(3));
        assertEquals("requests-lru_co-x0.75.csv", csv.get(8));
    }

    @Test
    void singleScaleHasNoLoadChartsAndDuplicateNamesAreNumbered(@TempDir final Path dir) throws Exception {
        final List<RunResult> runs = List.of(ReportFixtures.run("a", "m1", 1, 50, 1, 1, 1),
                ReportFixtures.run("a", "m2", 1, 50, 1, 1, 2));
        HtmlReport.write(dir, "t", runs);
        final String html = Files.readString(dir.resolve("index.html"));
        assertEquals(2 + 2, count(html, "<svg"), "two models make two groups, each with a KV chart");
        assertTrue(html.contains("a [m1]") && html.contains("a [m2]"));
        assertFalse(html.contains("vs rate scale"));
        assertEquals(List.of("requests-a-x1.csv", "requests-a-x1-2.csv"), HtmlReport.csvFileNames(runs));
    }

    @Test
    void degenerateRunsRenderWithoutNaN(@TempDir final Path dir) throws Exception {
        // Nothing completed, an infinite statistic, no KV samples, and an empty run list.
        final Summary s = new Summary(3, 0, 3, 0, 0, 0, 0, Stats.EMPTY, Stats.EMPTY, Stats.EMPTY,
                new Stats(1, Double.POSITIVE_INFINITY, Double.NaN, 0, 0, 0), Stats.EMPTY, 0, 0, 1000, 0, 0, 0, 1);
        HtmlReport.write(dir, "empty", List.of(new RunResult("x", "m", 1, s, List.of(), List.of(), 0)));
        final String html = Files.readString(dir.resolve("index.html"));
        assertFalse(html.contains("NaN") || html.contains("Infinity"));
        assertEquals(3, count(html, "<svg"));
        assertTrue(html.contains("no data"));
        assertFalse(Files.readString(dir.resolve("summary.json")).contains("NaN"));

        final Path empty = dir.resolve("none");
        HtmlReport.write(empty, "no runs", List.of());
        assertEquals(0, count(Files.readString(empty.resolve("index.html")), "<svg"));
        final JsonNode none = new ObjectMapper().readTree(Files.readString(empty.resolve("summary.json")));
        assertTrue(none.get("runs").isArray() && none.get("runs").isEmpty());
    }

    @Test
    void kvUsageSumsReplicasAndKeepsPeaksWhenDownsampling() {
        final List<KvSample> samples = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            samples.add(new KvSample(0, i * 1000L, 10, i == 7777 ? 500 : 10));
            samples.add(new KvSample(1, i * 1000L, 5, 5));
        }
        final double[][] pts = HtmlReport.usedOverTime(samples, 100);
        assertTrue(pts[0].length <= 100, "downsampled to " + pts[0].length);
        double max = 0;
        for (final double y : pts[1]) {
            max = Math.max(max, y);
            assertTrue(y >= 15, "both replicas are summed");
        }
        assertEquals(505, max, "the one-sample peak survives");

        final double[][] exact = HtmlReport.usedOverTime(List.of(new KvSample(0, 1_000_000, 4, 4),
                new KvSample(1, 2_000_000, 6, 6), new KvSample(0, 3_000_000, 4, 1)), 100);
        assertEquals(List.of(1.0, 2.0, 3.0), List.of(exact[0][0], exact[0][1], exact[0][2]));
        assertEquals(List.of(4.0, 10.0, 7.0), List.of(exact[1][0], exact[1][1], exact[1][2]));
    }

    @Test
    void capacityInBlocksIsRecoveredFromThePeak() {
        final RunResult r = ReportFixtures.run("a", "m", 1, 100, 1, 1, 5);
        assertEquals(ReportFixtures.CAPACITY_BLOCKS, HtmlReport.capacityBlocks(r.summary(), r.kvSamples()), 1e-9);
        assertEquals(0, HtmlReport.capacityBlocks(r.summary(), List.of()));
    }

    @Test
    void cdfPointsStartAtZeroAndKeepTheMaximum() {
        final double[] sorted = new double[5000];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i + 1;
        }
        final double[][] p = HtmlReport.cdfPoints(sorted, 1000, 100);
        assertEquals(101, p[0].length);
        assertEquals(0.001, p[0][0]);
        assertEquals(0, p[1][0]);
        assertEquals(5.0, p[0][100]);
        assertEquals(100.0, p[1][100]);
    }

    /** Writes the sample report to -Dreport.preview.dir=... for a visual check; a no-op otherwise. */
    @Test
    void previewWhenAsked() throws Exception {
        final String out = System.getProperty("report.preview.dir");
        if (out != null) {
            HtmlReport.write(Path.of(out), "kvsched sample report", sweep());
        }
    }

    private static int count(final String s, final String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
            n++;
        }
        return n;
    }
}
