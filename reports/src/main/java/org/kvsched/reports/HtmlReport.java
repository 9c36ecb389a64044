package org.kvsched.reports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import org.kvsched.core.metrics.KvSample;
import org.kvsched.core.metrics.RequestOutcome;
import org.kvsched.core.metrics.RunResult;
import org.kvsched.core.metrics.Stats;
import org.kvsched.core.metrics.Summary;

/**
 * A self-contained report of one or more runs: {@code index.html} (inline CSS and SVG, no scripts, opens
 * offline), {@code summary.json} ({@code {"title": ..., "runs": [...]}}, each run as
 * {@link SummaryJson#toMap(RunResult)} plus {@code requests_csv}) and one {@link OutcomesCsv} file per
 * run, named {@code requests-<label>-x<rate scale>.csv} (label reduced to {@code [A-Za-z0-9._-]};
 * {@code -2}, {@code -3}... appended when two runs would share a name).
 *
 * <p>The page shows a summary table (one row per run, in the given order), then charts. Runs are grouped
 * by label (and model, when the runs use more than one model); each group keeps its colour in every chart.
 * A group's <em>representative</em> run is its run at rate scale 1 if it has one, else its lowest rate
 * scale. Charts:
 * <ul>
 *   <li>CDFs of TTFT and of end-to-end latency, one line per group (representative run); log x axis when
 *       the values span more than two decades;</li>
 *   <li>when the runs have more than one distinct rate scale: mean (dashed) and p99 (solid) end-to-end
 *       latency vs rate scale, and the same for TTFT, one colour per group;</li>
 *   <li>per group, KV blocks in use (sum over replicas) as a percentage of total capacity over virtual time
 *       (representative run), as a step line downsampled to at most {@value #MAX_KV_POINTS} points by
 *       keeping each bucket's maximum, so short peaks stay visible; a dashed line marks the time-weighted
 *       mean utilisation of the summary.</li>
 * </ul>
 */
public final class HtmlReport {

    /** Most points of one KV usage line. */
    public static final int MAX_KV_POINTS = 1500;
    /** Most points of one CDF line. */
    public static final int MAX_CDF_POINTS = 2000;
    /** Above this many milliseconds a latency axis switches to seconds. */
    private static final double SECONDS_AXIS_ABOVE_MS = 10_000;

    private HtmlReport() {
    }

    /**
     * Writes {@code index.html}, {@code summary.json} and the per-run CSV files into {@code dir} (created
     * if missing; files of the same names are replaced).
     *
     * @param dir   output directory
     * @param title page title, also the {@code title} of summary.json
     * @param runs  the runs, in table order (may be empty)
     */
    public static void write(final Path dir, final String title, final List<RunResult> runs) throws IOException {
        Files.createDirectories(dir);
        final List<String> csv = csvFileNames(runs);
        for (int i = 0; i < runs.size(); i++) {
            OutcomesCsv.write(dir.resolve(csv.get(i)), runs.get(i).outcomes());
        }
        Files.writeString(dir.resolve("summary.json"), summaryJson(title, runs) + "\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("index.html"), html(title, runs), StandardCharsets.UTF_8);
    }

    /** The CSV file name of each run, in run order, unique within the list. */
    public static List<String> csvFileNames(final List<RunResult> runs) {
        final List<String> names = new ArrayList<>(runs.size());
        final Set<String> taken = new HashSet<>();
        for (final RunResult r : runs) {
            final String base = "requests-" + safe(r.label()) + "-x" + safe(Fmt.scale(r.rateScale()));
            String name = base + ".csv";
            for (int k = 2; !taken.add(name); k++) {
                name = base + "-" + k + ".csv";
            }
            names.add(name);
        }
        return names;
    }

    /** The text of {@code summary.json}. */
    public static String summaryJson(final String title, final List<RunResult> runs) {
        final List<String> csv = csvFileNames(runs);
        final List<Object> list = new ArrayList<>(runs.size());
        for (int i = 0; i < runs.size(); i++) {
            final Map<String, Object> m = SummaryJson.toMap(runs.get(i));
            m.put("requests_csv", csv.get(i));
            list.add(m);
        }
        final Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("title", title);
        doc.put("runs", list);
        return ReportJson.write(doc);
    }

    /** The text of {@code index.html}. */
    public static String html(final String title, final List<RunResult> runs) {
        final List<Group> groups = groups(runs);
        final StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(Html.escape(title)).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        sb.append("<h1>").append(Html.escape(title)).append("</h1>\n");
        sb.append("<p class=\"meta\">").append(runs.size()).append(runs.size() == 1 ? " run" : " runs").append(", ")
                .append(groups.size()).append(groups.size() == 1 ? " configuration" : " configurations")
                .append(". Times are virtual (simulated) except the wall column. Raw numbers: <a href=\"summary.json\">summary.json</a>.</p>\n");
        appendTable(sb, runs);
        if (!runs.isEmpty()) {
            appendCdfs(sb, groups);
            appendLoadCharts(sb, groups, runs);
            appendKvCharts(sb, groups);
        }
        sb.append("</body>\n</html>\n");
        return sb.toString();
    }

    // ---------------------------------------------------------------- grouping

    /**
     * Runs of one label (and model); {@code rep} is the run the single-load charts show. Compared by
     * identity in practice: never used as a hash key (hashing would walk every outcome).
     */
    private record Group(String name, int colour, List<RunResult> runs, RunResult rep) {
    }

    private static List<Group> groups(final List<RunResult> runs) {
        final boolean manyModels = runs.stream().map(RunResult::model).distinct().count() > 1;
        final Map<String, List<RunResult>> byName = new LinkedHashMap<>();
        for (final RunResult r : runs) {
            final String name = manyModels ? r.label() + " [" + r.model() + "]" : r.label();
            byName.computeIfAbsent(name, k -> new ArrayList<>()).add(r);
        }
        final List<Group> out = new ArrayList<>();
        for (final Map.Entry<String, List<RunResult>> e : byName.entrySet()) {
            final List<RunResult> list = e.getValue();
            RunResult rep = list.stream().filter(r -> r.rateScale() == 1.0).findFirst().orElse(null);
            if (rep == null) {
                rep = list.stream().min(Comparator.comparingDouble(RunResult::rateScale)).orElseThrow();
            }
            out.add(new Group(e.getKey(), out.size(), list, rep));
        }
        return out;
    }

    // ---------------------------------------------------------------- table

    private static void appendTable(final StringBuilder sb, final List<RunResult> runs) {
        final List<String> csv = csvFileNames(runs);
        sb.append("<h2>Summary</h2>\n<div class=\"scroll\"><table>\n<thead>\n<tr>")
                .append("<th rowspan=\"2\">Run</th><th rowspan=\"2\">Model</th><th rowspan=\"2\">Rate<br>scale</th>")
                .append("<th rowspan=\"2\" title=\"completed / requests\">Done</th><th rowspan=\"2\" title=\"rejected requests\">Rej.</th><th rowspan=\"2\" title=\"preemptions\">Pre-<br>empt.</th>")
                .append("<th rowspan=\"2\">Output<br>tok/s</th><th colspan=\"3\">TTFT</th><th colspan=\"3\">End-to-end</th>")
                .append("<th colspan=\"2\">TPOT</th><th rowspan=\"2\">KV util<br>mean</th><th rowspan=\"2\">KV peak /<br>capacity (tok)</th>")
                .append("<th rowspan=\"2\">Make-<br>span</th><th rowspan=\"2\">Wall</th><th rowspan=\"2\" title=\"per-request outcomes\">Raw</th></tr>\n<tr>")
                .append("<th>mean</th><th>p50</th><th>p99</th><th>mean</th><th>p50</th><th>p99</th><th>p50</th><th>p99</th></tr>\n</thead>\n<tbody>\n");
        for (int i = 0; i < runs.size(); i++) {
            final RunResult r = runs.get(i);
            final Summary s = r.summary();
            sb.append("<tr><td class=\"label\">").append(Html.escape(r.label())).append("</td><td>").append(Html.escape(r.model()))
                    .append("</td>");
            num(sb, "\u00d7" + Fmt.scale(r.rateScale()));
            num(sb, Fmt.count(s.completed()) + " / " + Fmt.count(s.requests()));
            num(sb, Fmt.count(s.rejected()));
            num(sb, Fmt.count(s.preemptions()));
            num(sb, Fmt.number(s.throughputTokensPerS()));
            latencyCells(sb, s.ttftMs(), true);
            latencyCells(sb, s.e2eMs(), true);
            latencyCells(sb, s.tpotMs(), false);
            num(sb, Fmt.percent(s.kvUtilMean()));
            num(sb, Fmt.compact(s.kvPeakTokens()) + " / " + Fmt.compact(s.kvCapacityTokens()));
            num(sb, Fmt.seconds(s.makespanS()));
            num(sb, r.wallSeconds() > 0 ? Fmt.seconds(r.wallSeconds()) : Fmt.NONE);
            sb.append("<td><a href=\"").append(Html.escape(csv.get(i))).append("\">csv</a></td></tr>\n");
        }
        sb.append("</tbody>\n</table></div>\n");
    }

    private static void latencyCells(final StringBuilder sb, final Stats st, final boolean withMean) {
        if (withMean) {
            num(sb, st.count() == 0 ? Fmt.NONE : Fmt.ms(st.mean()));
        }
        num(sb, st.count() == 0 ? Fmt.NONE : Fmt.ms(st.p50()));
        num(sb, st.count() == 0 ? Fmt.NONE : Fmt.ms(st.p99()));
    }

    private static void num(final StringBuilder sb, final String text) {
        sb.append("<td class=\"num\">").append(Html.escape(text)).append("</td>");
    }

    // ---------------------------------------------------------------- charts

    private static void appendCdfs(final StringBuilder sb, final List<Group> groups) {
        final Set<Double> repScales = new TreeSet<>();
        groups.forEach(g -> repScales.add(g.rep.rateScale()));
        final boolean sameScale = repScales.size() == 1;
        final String at = sameScale ? " at rate \u00d7" + Fmt.scale(repScales.iterator().next()) : "";
        sb.append("<h2>Latency distributions").append(Html.escape(at)).append("</h2>\n<div class=\"charts\">\n");
        final List<double[]> ttft = new ArrayList<>();
        final List<double[]> e2e = new ArrayList<>();
        for (final Group g : groups) {
            ttft.add(sortedMs(g.rep.outcomes(), true));
            e2e.add(sortedMs(g.rep.outcomes(), false));
        }
        figure(sb, cdfChart("Time to first token \u2014 CDF", "TTFT", groups, ttft, sameScale));
        figure(sb, cdfChart("End-to-end latency \u2014 CDF", "end-to-end latency", groups, e2e, sameScale));
        sb.append("</div>\n");
    }

    /** TTFT (or end-to-end latency of completed requests) of every request that has one, ms, sorted. */
    private static double[] sortedMs(final List<RequestOutcome> outcomes, final boolean ttft) {
        final double[] v = new double[outcomes.size()];
        int n = 0;
        for (final RequestOutcome o : outcomes) {
            final long us = o.arrivalUs() < 0 ? -1 : ttft ? o.ttftUs() : o.e2eUs();
            if (us >= 0) {
                v[n++] = us / 1000.0;
            }
        }
        final double[] out = Arrays.copyOf(v, n);
        Arrays.sort(out);
        return out;
    }

    private static SvgChart cdfChart(final String title, final String what, final List<Group> groups,
                                     final List<double[]> values, final boolean sameScale) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (final double[] v : values) {
            for (final double x : v) {
                if (x > 0) {
                    min = Math.min(min, x);
                }
            }
            if (v.length > 0) {
                max = Math.max(max, v[v.length - 1]);
            }
        }
        final boolean log = max > 0 && max / min > 100;
        final double unit = max > SECONDS_AXIS_ABOVE_MS ? 1000 : 1;
        final SvgChart.Builder b = SvgChart.builder().title(title).xLabel(what + (unit == 1 ? " (ms)" : " (s)") + (log ? ", log scale" : ""))
                .yLabel("requests at or below (%)").yRange(0, 100).logX(log);
        for (int i = 0; i < groups.size(); i++) {
            final Group g = groups.get(i);
            final double[][] pts = cdfPoints(values.get(i), unit, MAX_CDF_POINTS);
            final String name = sameScale ? g.name : g.name + " \u00d7" + Fmt.scale(g.rep.rateScale());
            // Past the palette colours repeat, so the second round of policies is drawn dashed.
            final SvgChart.Stroke stroke = g.colour >= SvgChart.PALETTE.size() ? SvgChart.Stroke.DASHED : SvgChart.Stroke.SOLID;
            b.add(SvgChart.Series.line(name, pts[0], pts[1]).withColour(g.colour).withStroke(stroke).asStep());
        }
        return b.build();
    }

    /**
     * Points of the empirical CDF of {@code sorted} (divided by {@code unit}), y in percent, starting at
     * (first value, 0) so the step line rises at the first value; evenly spaced ranks when there are more
     * than {@code maxPoints} values (the last value is always kept, so the maximum shows).
     */
    static double[][] cdfPoints(final double[] sorted, final double unit, final int maxPoints) {
        final int n = sorted.length;
        if (n == 0) {
            return new double[][] {new double[0], new double[0]};
        }
        final int m = Math.min(n, maxPoints);
        final double[] xs = new double[m + 1];
        final double[] ys = new double[m + 1];
        xs[0] = sorted[0] / unit;
        ys[0] = 0;
        for (int k = 0; k < m; k++) {
            final int rank = m == n ? k : (int) Math.round((double) k * (n - 1) / (m - 1));
            xs[k + 1] = sorted[rank] / unit;
            ys[k + 1] = 100.0 * (rank + 1) / n;
        }
        return new double[][] {xs, ys};
    }

    private static void appendLoadCharts(final StringBuilder sb, final List<Group> groups, final List<RunResult> runs) {
        final long scales = runs.stream().mapToDouble(RunResult::rateScale).distinct().count();
        if (scales < 2) {
            return;
        }
        sb.append("<h2>Latency vs load</h2>\n<div class=\"charts\">\n");
        figure(sb, loadChart("End-to-end latency vs rate scale", "end-to-end", groups, Summary::e2eMs));
        figure(sb, loadChart("Time to first token vs rate scale", "TTFT", groups, Summary::ttftMs));
        sb.append("</div>\n");
    }

    private static SvgChart loadChart(final String title, final String what, final List<Group> groups,
                                      final Function<Summary, Stats> stat) {
        double max = 0;
        for (final Group g : groups) {
            for (final RunResult r : g.runs) {
                final Stats st = stat.apply(r.summary());
                if (st.count() > 0 && Double.isFinite(st.p99())) {
                    max = Math.max(max, Math.max(st.p99(), st.mean()));
                }
            }
        }
        final double unit = max > SECONDS_AXIS_ABOVE_MS ? 1000 : 1;
        final SvgChart.Builder b = SvgChart.builder().title(title).xLabel("arrival rate scale (\u00d7 base rate)")
                .yLabel(what + " latency (" + (unit == 1 ? "ms" : "s") + ")");
        for (final Group g : groups) {
            final List<RunResult> sorted = new ArrayList<>(g.runs);
            sorted.sort(Comparator.comparingDouble(RunResult::rateScale));
            final List<double[]> p99 = new ArrayList<>();
            final List<double[]> mean = new ArrayList<>();
            double lastScale = Double.NaN;
            for (final RunResult r : sorted) {
                final Stats st = stat.apply(r.summary());
                // One point per scale (the first run of a repeated scale) and none for a run without data,
                // whose zeros would read as zero latency.
                if (st.count() == 0 || r.rateScale() == lastScale) {
                    continue;
                }
                lastScale = r.rateScale();
                p99.add(new double[] {r.rateScale(), st.p99() / unit});
                mean.add(new double[] {r.rateScale(), st.mean() / unit});
            }
            b.add(series(g.name + " p99", p99).withColour(g.colour).withMarkers());
            b.add(series(g.name + " mean", mean).withColour(g.colour).withStroke(SvgChart.Stroke.DASHED).withMarkers());
        }
        return b.build();
    }

    private static SvgChart.Series series(final String name, final List<double[]> points) {
        final double[] xs = new double[points.size()];
        final double[] ys = new double[points.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = points.get(i)[0];
            ys[i] = points.get(i)[1];
        }
        return SvgChart.Series.line(name, xs, ys);
    }

    private static void appendKvCharts(final StringBuilder sb, final List<Group> groups) {
        sb.append("<h2>KV cache usage</h2>\n<div class=\"charts\">\n");
        for (final Group g : groups) {
            figure(sb, kvChart(g));
        }
        sb.append("</div>\n");
    }

    private static SvgChart kvChart(final Group g) {
        final RunResult r = g.rep;
        final Summary s = r.summary();
        final List<KvSample> samples = r.kvSamples();
        final int replicas = Math.max(1, Math.max(s.replicas(), (int) samples.stream().mapToInt(KvSample::replicaId).distinct().count()));
        final double capacityBlocks = capacityBlocks(s, samples);
        final boolean percent = capacityBlocks > 0;
        final double scale = percent ? 100.0 / (capacityBlocks * replicas) : 1;
        final double[][] pts = usedOverTime(samples, MAX_KV_POINTS);
        for (int i = 0; i < pts[1].length; i++) {
            pts[1][i] *= scale;
        }
        final String where = replicas == 1 ? "" : ", " + replicas + " replicas";
        final SvgChart.Builder b = SvgChart.builder()
                .title("KV cache usage \u2014 " + g.name + " (\u00d7" + Fmt.scale(r.rateScale()) + where + ")")
                .xLabel("virtual time (s)")
                .yLabel(percent ? "KV blocks in use (% of capacity)" : "KV blocks in use")
                .add(SvgChart.Series.line("blocks in use after each plan", pts[0], pts[1]).withColour(g.colour).asStep());
        if (percent) {
            b.yRange(0, 100);
            if (pts[0].length > 1 && Double.isFinite(s.kvUtilMean())) {
                final double u = s.kvUtilMean() * 100;
                b.add(SvgChart.Series.line("time-weighted mean " + Fmt.percent(s.kvUtilMean()),
                        new double[] {pts[0][0], pts[0][pts[0].length - 1]}, new double[] {u, u})
                        .withColour(7).withStroke(SvgChart.Stroke.DASHED));
            }
        }
        return b.build();
    }

    /**
     * Blocks of one replica's capacity. The run result carries capacity in tokens only, so recover the
     * block size from the peak: {@code kvPeakTokens} is the largest sample peak times the block size.
     * 0 when it cannot be known (no samples, or nothing ever used).
     */
    static double capacityBlocks(final Summary s, final List<KvSample> samples) {
        final int peakBlocks = samples.stream().mapToInt(KvSample::peakBlocks).max().orElse(0);
        if (peakBlocks <= 0 || s.kvPeakTokens() <= 0 || s.kvCapacityTokens() <= 0) {
            return 0;
        }
        final double blockSize = (double) s.kvPeakTokens() / peakBlocks;
        return s.kvCapacityTokens() / blockSize;
    }

    /**
     * Blocks in use summed over replicas, as (seconds, blocks) step points: each replica's latest sample
     * holds until its next. With more than {@code maxPoints} points, the time span is cut into
     * {@code maxPoints} equal buckets and each non-empty bucket keeps its largest value, at its first time.
     */
    static double[][] usedOverTime(final List<KvSample> samples, final int maxPoints) {
        final List<KvSample> sorted = new ArrayList<>(samples);
        sorted.sort(Comparator.comparingLong(KvSample::timeUs));
        final Map<Integer, Integer> current = new HashMap<>();
        final List<long[]> points = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < sorted.size(); i++) {
            final KvSample k = sorted.get(i);
            final Integer before = current.put(k.replicaId(), k.usedBlocks());
            total += k.usedBlocks() - (before == null ? 0 : before);
            // Samples of several replicas at one instant are one change of the total.
            if (i + 1 == sorted.size() || sorted.get(i + 1).timeUs() != k.timeUs()) {
                points.add(new long[] {k.timeUs(), total});
            }
        }
        final int n = points.size();
        if (n <= maxPoints) {
            final double[] xs = new double[n];
            final double[] ys = new double[n];
            for (int i = 0; i < n; i++) {
                xs[i] = points.get(i)[0] / 1e6;
                ys[i] = points.get(i)[1];
            }
            return new double[][] {xs, ys};
        }
        final long t0 = points.get(0)[0];
        final double span = Math.max(1, points.get(n - 1)[0] - t0);
        final List<double[]> out = new ArrayList<>(maxPoints);
        int bucket = -1;
        for (final long[] p : points) {
            final int b = (int) Math.min(maxPoints - 1, (long) ((p[0] - t0) / span * maxPoints));
            if (b != bucket) {
                out.add(new double[] {p[0] / 1e6, p[1]});
                bucket = b;
            } else {
                final double[] last = out.get(out.size() - 1);
                last[1] = Math.max(last[1], p[1]);
            }
        }
        final double[] xs = new double[out.size()];
        final double[] ys = new double[out.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = out.get(i)[0];
            ys[i] = out.get(i)[1];
        }
        return new double[][] {xs, ys};
    }

    private static void figure(final StringBuilder sb, final SvgChart chart) {
        sb.append("<figure>\n").append(chart.render()).append("\n</figure>\n");
    }

    // ---------------------------------------------------------------- files

    private static String safe(final String s) {
        String t = s.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^[_.]+|_+$", "");
        if (t.length() > 80) {
            t = t.substring(0, 80);
        }
        return t.isEmpty() ? "run" : t;
    }

    private static final String CSS = String.join("\n",
            "body { font-family: system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 16px; color: #222; background: #f7f7f8; }",
            "h1 { font-size: 22px; margin: 0 0 4px; }",
            "h2 { font-size: 17px; margin: 28px 0 10px; }",
            ".meta { color: #666; margin: 0 0 12px; font-size: 13px; }",
            ".scroll { overflow-x: auto; }",
            "table { border-collapse: collapse; font-size: 12px; background: #fff; }",
            "th, td { border: 1px solid #ddd; padding: 3px 6px; white-space: nowrap; }",
            "th { background: #eef0f3; font-weight: 600; text-align: center; }",
            "td.num { text-align: right; font-variant-numeric: tabular-nums; }",
            "td.label { font-weight: 600; }",
            "tbody tr:nth-child(even) { background: #fafafa; }",
            ".charts { display: flex; flex-wrap: wrap; gap: 16px; }",
            "figure { margin: 0; background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 6px; }",
            "figure svg { display: block; max-width: 100%; height: auto; }",
            "a { color: #0b62a4; }",
            "");
}
