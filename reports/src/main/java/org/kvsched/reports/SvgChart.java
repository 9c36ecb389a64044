package org.kvsched.reports;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A static line chart rendered as an inline SVG element: titled, framed plot area, grid lines at "nice"
 * round ticks (1, 2 or 5 times a power of ten; powers of ten on a log axis), axis labels, one line per
 * {@link Series} in a colour-blind-safe palette, and a legend below the plot that wraps onto as many rows
 * as it needs (so long policy names never overlap the plot).
 *
 * <p>The chart draws exactly the points it is given, in order (no sorting, no downsampling: callers reduce
 * large series first). Non-finite points, and points with x &lt;= 0 on a log x axis, are skipped and break
 * the line. Points outside a fixed range are clamped to the frame. Output contains no scripts and no ids,
 * so any number of charts can be inlined in one HTML page. Instances are immutable; build them with
 * {@link #builder()}.
 */
public final class SvgChart {

    /**
     * Okabe-Ito colours, reordered so the first few are the most distinct on white, with their yellow
     * (unreadable as a thin line on white) replaced by grey. Colour index {@code i} uses
     * {@code PALETTE.get(i % PALETTE.size())}.
     */
    public static final List<String> PALETTE = List.of(
            "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999");

    /** Line pattern, to tell apart several lines of one colour (e.g. mean and p99 of one policy). */
    public enum Stroke {
        SOLID(""), DASHED("6 4"), DOTTED("1.5 3");

        private final String dashArray;

        Stroke(final String dashArray) {
            this.dashArray = dashArray;
        }
    }

    /**
     * One line of the chart.
     *
     * @param name    legend text
     * @param xs      x values, in drawing order
     * @param ys      y values, same length as {@code xs}
     * @param colour  palette index, or -1 for the series' position in the chart
     * @param stroke  line pattern
     * @param step    draw as a step function that holds each y until the next x (KV occupancy, CDFs)
     * @param markers draw a dot at every point (for sparse series such as a rate sweep)
     */
    public record Series(String name, double[] xs, double[] ys, int colour, Stroke stroke, boolean step, boolean markers) {

        public Series {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(stroke, "stroke");
            if (xs.length != ys.length) {
                throw new IllegalArgumentException("series " + name + ": " + xs.length + " x values but " + ys.length + " y values");
            }
            if (colour < -1) {
                throw new IllegalArgumentException("colour index must be >= -1, got " + colour);
            }
            xs = xs.clone();
            ys = ys.clone();
        }

        /** A solid line without markers, coloured by its position. */
        public static Series line(final String name, final double[] xs, final double[] ys) {
            return new Series(name, xs, ys, -1, Stroke.SOLID, false, false);
        }

        @Override
        public double[] xs() {
            return xs.clone();
        }

        @Override
        public double[] ys() {
            return ys.clone();
        }

        public int size() {
            return xs.length;
        }

        public Series withColour(final int index) {
            return new Series(name, xs, ys, index, stroke, step, markers);
        }

        public Series withStroke(final Stroke s) {
            return new Series(name, xs, ys, colour, s, step, markers);
        }

        public Series asStep() {
            return new Series(name, xs, ys, colour, stroke, true, markers);
        }

        public Series withMarkers() {
            return new Series(name, xs, ys, colour, stroke, step, true);
        }

        @Override
        public boolean equals(final Object o) {
            return o instanceof Series && name.equals(((Series) o).name) && Arrays.equals(xs, ((Series) o).xs)
                    && Arrays.equals(ys, ((Series) o).ys) && colour == ((Series) o).colour
                    && stroke == ((Series) o).stroke && step == ((Series) o).step && markers == ((Series) o).markers;
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, Arrays.hashCode(xs), Arrays.hashCode(ys), colour, stroke, step, markers);
        }

        @Override
        public String toString() {
            return "Series[" + name + ", " + xs.length + " points]";
        }
    }

    /** Collects the settings of one chart; not thread-safe, and used by one caller only. */
    public static final class Builder {
        private String title = "";
        private String xLabel = "";
        private String yLabel = "";
        private boolean logX;
        private boolean xFromZero;
        private boolean yFromZero = true;
        private double[] xRange;
        private double[] yRange;
        private int width = 640;
        private int plotHeight = 280;
        private final List<Series> series = new ArrayList<>();

        private Builder() {
        }

        public Builder title(final String t) {
            title = Objects.requireNonNull(t);
            return this;
        }

        /** X axis label, units included, e.g. {@code "TTFT (ms)"}. */
        public Builder xLabel(final String l) {
            xLabel = Objects.requireNonNull(l);
            return this;
        }

        /** Y axis label, units included. */
        public Builder yLabel(final String l) {
            yLabel = Objects.requireNonNull(l);
            return this;
        }

        /** Logarithmic x axis (decade ticks). Default linear. */
        public Builder logX(final boolean log) {
            logX = log;
            return this;
        }

        /** Whether an automatic linear x range includes 0. Default false. */
        public Builder xFromZero(final boolean z) {
            xFromZero = z;
            return this;
        }

        /** Whether an automatic y range includes 0. Default true (latencies, throughputs, usage). */
        public Builder yFromZero(final boolean z) {
            yFromZero = z;
            return this;
        }

        /** Fixed x range instead of one fitted to the data ({@code min < max}; both > 0 on a log axis). */
        public Builder xRange(final double min, final double max) {
            xRange = checkedRange(min, max);
            return this;
        }

        /** Fixed y range instead of one fitted to the data, e.g. 0..100 for percentages. */
        public Builder yRange(final double min, final double max) {
            yRange = checkedRange(min, max);
            return this;
        }

        /** Width of the whole chart and height of the plot area, pixels (the legend adds height). */
        public Builder size(final int w, final int plotH) {
            if (w < 200 || plotH < 80) {
                throw new IllegalArgumentException("chart too small: " + w + "x" + plotH);
            }
            width = w;
            plotHeight = plotH;
            return this;
        }

        public Builder add(final Series s) {
            series.add(Objects.requireNonNull(s));
            return this;
        }

        public SvgChart build() {
            if (logX && xRange != null && xRange[0] <= 0) {
                throw new IllegalArgumentException("log x range must be positive");
            }
            return new SvgChart(this);
        }

        private static double[] checkedRange(final double min, final double max) {
            if (!(Double.isFinite(min) && Double.isFinite(max) && min < max)) {
                throw new IllegalArgumentException("bad range " + min + ".." + max);
            }
            return new double[] {min, max};
        }
    }

    private static final int LEFT = 66;
    private static final int RIGHT = 22;
    private static final int TOP = 34;
    private static final int LEGEND_ROW = 18;
    /** Rough advance of a 12px sans-serif character; generous so estimated widths err on the wide side. */
    private static final double CHAR_WIDTH = 6.8;
    private static final int MAX_LEGEND_CHARS = 60;
    private static final int TARGET_TICKS = 6;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final boolean logX;
    private final boolean xFromZero;
    private final boolean yFromZero;
    private final double[] xRange;
    private final double[] yRange;
    private final int width;
    private final int plotHeight;
    private final List<Series> series;

    private SvgChart(final Builder b) {
        title = b.title;
        xLabel = b.xLabel;
        yLabel = b.yLabel;
        logX = b.logX;
        xFromZero = b.xFromZero;
        yFromZero = b.yFromZero;
        xRange = b.xRange == null ? null : b.xRange.clone();
        yRange = b.yRange == null ? null : b.yRange.clone();
        width = b.width;
        plotHeight = b.plotHeight;
        series = List.copyOf(b.series);
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Series> series() {
        return series;
    }

    // ---------------------------------------------------------------- ticks

    /**
     * The "nice" tick spacing for a span shown with about {@code target} intervals: 1, 2 or 5 times a
     * power of ten, exact in decimal (so 0.1 stays 0.1).
     */
    public static double niceStep(final double span, final int target) {
        if (!(span > 0) || !Double.isFinite(span) || target < 1) {
            throw new IllegalArgumentException("span must be positive and finite, target >= 1");
        }
        final double raw = span / target;
        int exp = (int) Math.floor(Math.log10(raw));
        final double f = raw / Math.pow(10, exp);
        final int nice;
        if (f < 1.5) {
            nice = 1;
        } else if (f < 3) {
            nice = 2;
        } else if (f < 7) {
            nice = 5;
        } else {
            nice = 1;
            exp++;
        }
        return BigDecimal.valueOf(nice).scaleByPowerOfTen(exp).doubleValue();
    }

    /**
     * Ticks at the multiples of {@link #niceStep niceStep(max - min, target)} that lie in [min, max], each
     * computed in decimal so they print cleanly (0.3, not 0.30000000000000004).
     */
    public static double[] niceTicks(final double min, final double max, final int target) {
        if (!(min < max)) {
            throw new IllegalArgumentException("need min < max, got " + min + ".." + max);
        }
        final double step = niceStep(max - min, target);
        final BigDecimal bStep = BigDecimal.valueOf(step);
        final long first = (long) Math.ceil(min / step - 1e-9);
        final long last = (long) Math.floor(max / step + 1e-9);
        final double[] ticks = new double[(int) Math.max(0, last - first + 1)];
        for (int i = 0; i < ticks.length; i++) {
            ticks[i] = bStep.multiply(BigDecimal.valueOf(first + i)).doubleValue();
        }
        return ticks;
    }

    /**
     * Ticks of a log axis over [min, max] ({@code 0 < min < max}): powers of ten, every k-th decade when
     * there are more than 8; also 2 and 5 times each power when the range is within one or two decades,
     * so a short log axis still has at least a few labels.
     */
    public static double[] logTicks(final double min, final double max) {
        if (!(min > 0 && min < max && Double.isFinite(max))) {
            throw new IllegalArgumentException("need 0 < min < max, got " + min + ".." + max);
        }
        final int e0 = (int) Math.ceil(Math.log10(min) - 1e-9);
        final int e1 = (int) Math.floor(Math.log10(max) + 1e-9);
        final List<Double> out = new ArrayList<>();
        if (e1 - e0 <= 1) {
            for (int e = e0 - 1; e <= e1; e++) {
                for (final int m : new int[] {1, 2, 5}) {
                    final double v = BigDecimal.valueOf(m).scaleByPowerOfTen(e).doubleValue();
                    if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) {
                        out.add(v);
                    }
                }
            }
        } else {
            final int stride = (int) Math.ceil((e1 - e0) / 8.0);
            for (int e = e0; e <= e1; e += stride) {
                out.add(BigDecimal.ONE.scaleByPowerOfTen(e).doubleValue());
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Labels for the ticks of one axis: same number of decimals for every label of a linear axis (enough
     * for its step), a {@code k} or {@code M} suffix when the largest tick reaches 10,000 or 10,000,000,
     * and the shortest form of each value on a log axis ({@code k} from 1,000, {@code M} from 1,000,000,
     * so decades read 100, 1k, 10k).
     */
    public static List<String> tickLabels(final double[] ticks, final boolean log) {
        final List<String> out = new ArrayList<>(ticks.length);
        if (log) {
            for (final double t : ticks) {
                out.add(shortNumber(t));
            }
            return out;
        }
        double maxAbs = 0;
        for (final double t : ticks) {
            maxAbs = Math.max(maxAbs, Math.abs(t));
        }
        final double div = maxAbs >= 1e7 ? 1e6 : maxAbs >= 1e4 ? 1e3 : 1;
        final String suffix = div == 1e6 ? "M" : div == 1e3 ? "k" : "";
        final double step = ticks.length > 1 ? ticks[1] - ticks[0] : Math.max(Math.abs(ticks.length == 1 ? ticks[0] : 1), 1e-12);
        final int decimals = (int) Math.max(0, Math.min(10, Math.ceil(-Math.log10(step / div) - 1e-6)));
        for (final double t : ticks) {
            out.add(noNegativeZero(String.format(Locale.ROOT, "%." + decimals + "f", t / div)) + suffix);
        }
        return out;
    }

    private static String shortNumber(final double v) {
        final double a = Math.abs(v);
        if (a >= 1e6 && a < 1e15) {
            return BigDecimal.valueOf(v / 1e6).stripTrailingZeros().toPlainString() + "M";
        }
        if (a >= 1e3 && a < 1e6) {
            return BigDecimal.valueOf(v / 1e3).stripTrailingZeros().toPlainString() + "k";
        }
        if (a != 0 && (a < 1e-4 || a >= 1e15)) {
            return String.format(Locale.ROOT, "%.0e", v);
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static String noNegativeZero(final String s) {
        return s.matches("-0(\\.0*)?") ? s.substring(1) : s;
    }

    // ---------------------------------------------------------------- rendering

    /** The chart as one {@code <svg>} element with explicit size and viewBox. */
    public String render() {
        final double[] xr = xRange != null ? xRange : fitRange(true);
        final double[] yr = yRange != null ? yRange : fitRange(false);
        final boolean hasData = hasPlottablePoint();
        final int plotW = width - LEFT - RIGHT;
        final List<int[]> legendRows = layoutLegend(plotW);
        final int xAxisBottom = TOP + plotHeight + 40;
        final int height = xAxisBottom + (legendRows.isEmpty() ? 8 : 10 + legendRows.size() * LEGEND_ROW);
        final Frame f = new Frame(LEFT, TOP, plotW, plotHeight, xr, yr, logX);

        final StringBuilder sb = new StringBuilder(4096);
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" font-family=\"system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif\" font-size=\"12\"")
                .append(" role=\"img\" aria-label=\"").append(Html.escape(title)).append("\">\n");
        sb.append("<title>").append(Html.escape(title)).append("</title>\n");
        sb.append("<rect width=\"").append(width).append("\" height=\"").append(height).append("\" fill=\"#ffffff\"/>\n");
        sb.append("<text x=\"").append(width / 2).append("\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"600\" fill=\"#222\">")
                .append(Html.escape(title)).append("</text>\n");

        appendGridAndAxes(sb, f);
        if (hasData) {
            for (int i = 0; i < series.size(); i++) {
                appendSeries(sb, f, series.get(i), colourOf(i));
            }
        } else {
            sb.append("<text x=\"").append(LEFT + plotW / 2).append("\" y=\"").append(TOP + plotHeight / 2)
                    .append("\" text-anchor=\"middle\" fill=\"#888\" font-size=\"14\">no data</text>\n");
        }
        appendLegend(sb, legendRows, xAxisBottom + 6);
        sb.append("</svg>");
        return sb.toString();
    }

    private String colourOf(final int position) {
        final int c = series.get(position).colour() >= 0 ? series.get(position).colour() : position;
        return PALETTE.get(c % PALETTE.size());
    }

    /** Pixel mapping of the plot area. */
    private record Frame(int left, int top, int w, int h, double[] xr, double[] yr, boolean logX) {
        double px(final double x) {
            final double t = logX ? (Math.log10(x) - Math.log10(xr[0])) / (Math.log10(xr[1]) - Math.log10(xr[0]))
                    : (x - xr[0]) / (xr[1] - xr[0]);
            return left + clamp(t) * w;
        }

        double py(final double y) {
            return top + h - clamp((y - yr[0]) / (yr[1] - yr[0])) * h;
        }

        private static double clamp(final double t) {
            return Math.max(0, Math.min(1, t));
        }
    }

    private boolean plottable(final double x, final double y) {
        return Double.isFinite(x) && Double.isFinite(y) && (!logX || x > 0);
    }

    private boolean hasPlottablePoint() {
        for (final Series s : series) {
            for (int i = 0; i < s.xs.length; i++) {
                if (plottable(s.xs[i], s.ys[i])) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A range that holds every plottable point, widened to nice tick boundaries (decades on a log axis). */
    private double[] fitRange(final boolean x) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (final Series s : series) {
            for (int i = 0; i < s.xs.length; i++) {
                if (plottable(s.xs[i], s.ys[i])) {
                    final double v = x ? s.xs[i] : s.ys[i];
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (x && logX) {
            if (lo > hi) {
                return new double[] {1, 10};
            }
            final double l = Math.pow(10, Math.floor(Math.log10(lo) + 1e-9));
            double h = Math.pow(10, Math.ceil(Math.log10(hi) - 1e-9));
            if (h <= l) {
                h = l * 10;
            }
            return new double[] {l, h};
        }
        if (lo > hi) {
            return new double[] {0, 1};
        }
        if (x ? xFromZero : yFromZero) {
            lo = Math.min(lo, 0);
            hi = Math.max(hi, 0);
        }
        if (hi - lo <= Math.abs(hi) * 1e-12) {
            final double pad = hi == 0 ? 1 : Math.abs(hi) * 0.5;
            hi += pad;
            lo = lo == 0 && (x ? xFromZero : yFromZero) ? 0 : lo - pad;
        }
        final double step = niceStep(hi - lo, TARGET_TICKS);
        return new double[] {Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step};
    }

    private void appendGridAndAxes(final StringBuilder sb, final Frame f) {
        final double[] xt = logX ? logTicks(f.xr[0], f.xr[1]) : niceTicks(f.xr[0], f.xr[1], TARGET_TICKS);
        final double[] yt = niceTicks(f.yr[0], f.yr[1], TARGET_TICKS);
        final List<String> xl = tickLabels(xt, logX);
        final List<String> yl = tickLabels(yt, false);
        final int bottom = f.top + f.h;

        sb.append("<g stroke=\"#ebebeb\" stroke-width=\"1\">\n");
        if (logX && Math.log10(f.xr[1] / f.xr[0]) <= 6.01) {
            // Minor decade lines make a log axis readable without crowding it with labels.
            for (int e = (int) Math.floor(Math.log10(f.xr[0])); e < Math.ceil(Math.log10(f.xr[1])); e++) {
                for (int m = 2; m <= 9; m++) {
                    final double v = m * Math.pow(10, e);
                    if (v > f.xr[0] && v < f.xr[1]) {
                        vLine(sb, f.px(v), f.top, bottom, "#f4f4f4");
                    }
                }
            }
        }
        for (final double t : xt) {
            vLine(sb, f.px(t), f.top, bottom, null);
        }
        for (final double t : yt) {
            sb.append("<line x1=\"").append(f.left).append("\" x2=\"").append(f.left + f.w).append("\" y1=\"");
            coord(sb, f.py(t));
            sb.append("\" y2=\"");
            coord(sb, f.py(t));
            sb.append("\"/>\n");
        }
        sb.append("</g>\n");
        sb.append("<rect x=\"").append(f.left).append("\" y=\"").append(f.top).append("\" width=\"").append(f.w)
                .append("\" height=\"").append(f.h).append("\" fill=\"none\" stroke=\"#9a9a9a\"/>\n");

        sb.append("<g fill=\"#444\" text-anchor=\"middle\">\n");
        for (int i = 0; i < xt.length; i++) {
            sb.append("<text x=\"");
            coord(sb, f.px(xt[i]));
            sb.append("\" y=\"").append(bottom + 16).append("\">").append(Html.escape(xl.get(i))).append("</text>\n");
        }
        sb.append("</g>\n<g fill=\"#444\" text-anchor=\"end\">\n");
        for (int i = 0; i < yt.length; i++) {
            sb.append("<text x=\"").append(f.left - 6).append("\" y=\"");
            coord(sb, f.py(yt[i]) + 4);
            sb.append("\">").append(Html.escape(yl.get(i))).append("</text>\n");
        }
        sb.append("</g>\n");
        sb.append("<text x=\"").append(f.left + f.w / 2).append("\" y=\"").append(bottom + 34)
                .append("\" text-anchor=\"middle\" fill=\"#222\">").append(Html.escape(xLabel)).append("</text>\n");
        sb.append("<text transform=\"translate(16 ").append(f.top + f.h / 2)
                .append(") rotate(-90)\" text-anchor=\"middle\" fill=\"#222\">").append(Html.escape(yLabel)).append("</text>\n");
    }

    private static void vLine(final StringBuilder sb, final double x, final int y1, final int y2, final String colour) {
        sb.append("<line x1=\"");
        coord(sb, x);
        sb.append("\" x2=\"");
        coord(sb, x);
        sb.append("\" y1=\"").append(y1).append("\" y2=\"").append(y2).append('"');
        if (colour != null) {
            sb.append(" stroke=\"").append(colour).append('"');
        }
        sb.append("/>\n");
    }

    private void appendSeries(final StringBuilder sb, final Frame f, final Series s, final String colour) {
        final StringBuilder d = new StringBuilder(s.xs.length * 16);
        boolean penDown = false;
        for (int i = 0; i < s.xs.length; i++) {
            if (!plottable(s.xs[i], s.ys[i])) {
                penDown = false;
                continue;
            }
            final double px = f.px(s.xs[i]);
            final double py = f.py(s.ys[i]);
            if (!penDown) {
                d.append(d.length() == 0 ? "M" : " M");
                coord(d, px);
                d.append(',');
                coord(d, py);
                penDown = true;
            } else if (s.step) {
                d.append('H');
                coord(d, px);
                d.append('V');
                coord(d, py);
            } else {
                d.append('L');
                coord(d, px);
                d.append(',');
                coord(d, py);
            }
        }
        if (d.length() == 0) {
            return;
        }
        sb.append("<path d=\"").append(d).append("\" fill=\"none\" stroke=\"").append(colour)
                .append("\" stroke-width=\"1.8\" stroke-linejoin=\"round\" stroke-linecap=\"round\"");
        if (!s.stroke.dashArray.isEmpty()) {
            sb.append(" stroke-dasharray=\"").append(s.stroke.dashArray).append('"');
        }
        sb.append("><title>").append(Html.escape(s.name)).append("</title></path>\n");
        if (s.markers) {
            sb.append("<g fill=\"").append(colour).append("\">");
            for (int i = 0; i < s.xs.length; i++) {
                if (plottable(s.xs[i], s.ys[i])) {
                    sb.append("<circle cx=\"");
                    coord(sb, f.px(s.xs[i]));
                    sb.append("\" cy=\"");
                    coord(sb, f.py(s.ys[i]));
                    sb.append("\" r=\"3\"/>");
                }
            }
            sb.append("</g>\n");
        }
    }

    /** Series indices per legend row, packed greedily into the plot width. */
    private List<int[]> layoutLegend(final int availableWidth) {
        final List<int[]> rows = new ArrayList<>();
        final List<Integer> row = new ArrayList<>();
        double used = 0;
        for (int i = 0; i < series.size(); i++) {
            final double w = legendItemWidth(series.get(i));
            if (!row.isEmpty() && used + w > availableWidth) {
                rows.add(row.stream().mapToInt(Integer::intValue).toArray());
                row.clear();
                used = 0;
            }
            row.add(i);
            used += w;
        }
        if (!row.isEmpty()) {
            rows.add(row.stream().mapToInt(Integer::intValue).toArray());
        }
        return rows;
    }

    private static String legendText(final Series s) {
        return s.name.length() <= MAX_LEGEND_CHARS ? s.name : s.name.substring(0, MAX_LEGEND_CHARS - 1) + "\u2026";
    }

    private static double legendItemWidth(final Series s) {
        return 30 + legendText(s).length() * CHAR_WIDTH + 18;
    }

    private void appendLegend(final StringBuilder sb, final List<int[]> rows, final int top) {
        int y = top;
        for (final int[] row : rows) {
            double x = LEFT;
            for (final int i : row) {
                final Series s = series.get(i);
                final String colour = colourOf(i);
                final int mid = y + LEGEND_ROW / 2;
                sb.append("<line x1=\"");
                coord(sb, x);
                sb.append("\" x2=\"");
                coord(sb, x + 24);
                sb.append("\" y1=\"").append(mid).append("\" y2=\"").append(mid).append("\" stroke=\"").append(colour)
                        .append("\" stroke-width=\"2.2\"");
                if (!s.stroke.dashArray.isEmpty()) {
                    sb.append(" stroke-dasharray=\"").append(s.stroke.dashArray).append('"');
                }
                sb.append("/>");
                if (s.markers) {
                    sb.append("<circle cx=\"");
                    coord(sb, x + 12);
                    sb.append("\" cy=\"").append(mid).append("\" r=\"3\" fill=\"").append(colour).append("\"/>");
                }
                sb.append("<text x=\"");
                coord(sb, x + 30);
                sb.append("\" y=\"").append(mid + 4).append("\" fill=\"#222\">").append(Html.escape(legendText(s)));
                if (!legendText(s).equals(s.name)) {
                    sb.append("<title>").append(Html.escape(s.name)).append("</title>");
                }
                sb.append("</text>\n");
                x += legendItemWidth(s);
            }
            y += LEGEND_ROW;
        }
    }

    /** Appends a pixel coordinate with one decimal: enough for a crisp line, a third of the bytes of toString. */
    private static void coord(final StringBuilder sb, final double v) {
        final long tenths = Math.round(v * 10);
        if (tenths < 0) {
            sb.append('-');
        }
        final long a = Math.abs(tenths);
        sb.append(a / 10);
        if (a % 10 != 0) {
            sb.append('.').append(a % 10);
        }
    }
}
