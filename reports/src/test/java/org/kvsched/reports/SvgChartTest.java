package org.kvsched.reports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** Tick generation, log axes, and the SVG the chart renders. */
class SvgChartTest {

    @Test
    void niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertEquals(0.2, SvgChart.niceStep(1, 5));
        assertEquals(20, SvgChart.niceStep(97, 6));
        assertEquals(50, SvgChart.niceStep(230, 6));
        assertEquals(100, SvgChart.niceStep(480, 6));
        assertEquals(0.0005, SvgChart.niceStep(0.003, 6));
        assertEquals(2000, SvgChart.niceStep(12_345, 6));
        assertThrows(IllegalArgumentException.class, () -> SvgChart.niceStep(0, 5));
    }

    @Test
    void niceTicksAreExactDecimalsInsideTheRange() {
        assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1.0}, SvgChart.niceTicks(0, 1, 5));
        assertArrayEquals(new double[] {0.1, 0.2, 0.3}, SvgChart.niceTicks(0.1, 0.3, 2));
        assertArrayEquals(new double[] {0, 20, 40, 60, 80}, SvgChart.niceTicks(0, 97, 6));
        assertArrayEquals(new double[] {-10, 0, 10, 20}, SvgChart.niceTicks(-13, 24, 4));
        assertArrayEquals(new double[] {0, 20, 40, 60, 80, 100}, SvgChart.niceTicks(0, 100, 6));
    }

    @Test
    void logTicksArePowersOfTenOrOneTwoFiveOnShortRanges() {
        assertArrayEquals(new double[] {1, 10, 100, 1000, 10_000, 100_000}, SvgChart.logTicks(1, 1e5));
        assertArrayEquals(new double[] {0.01, 0.1, 1, 10}, SvgChart.logTicks(0.01, 10));
        assertArrayEquals(new double[] {0.5, 1, 2, 5, 10, 20}, SvgChart.logTicks(0.5, 30));
        final double[] wide = SvgChart.logTicks(1e-6, 1e12);
        assertTrue(wide.length <= 10, "every other decade on an 18-decade axis");
        assertEquals(1e-6, wide[0]);
        assertThrows(IllegalArgumentException.class, () -> SvgChart.logTicks(0, 10));
    }

    @Test
    void tickLabelsShareDecimalsAndUseSuffixesForLargeValues() {
        assertEquals(List.of("0.0", "0.5", "1.0", "1.5"), SvgChart.tickLabels(new double[] {0, 0.5, 1, 1.5}, false));
        assertEquals(List.of("0", "20", "40"), SvgChart.tickLabels(new double[] {0, 20, 40}, false));
        assertEquals(List.of("0k", "5k", "10k"), SvgChart.tickLabels(new double[] {0, 5000, 10_000}, false));
        assertEquals(List.of("0.01", "1", "100", "10k", "1M"), SvgChart.tickLabels(new double[] {0.01, 1, 100, 1e4, 1e6}, true));
        assertEquals(List.of("-0.2", "0.0", "0.2"), SvgChart.tickLabels(new double[] {-0.2, -0.0, 0.2}, false));
    }

    @Test
    void rendersWellFormedSvgWithLegendAndEscapedText() throws Exception {
        final SvgChart c = SvgChart.builder().title("A & B <test>").xLabel("x (ms)").yLabel("y (%)")
                .add(SvgChart.Series.line("p99 \"fcfs\"", new double[] {1, 2, 3}, new double[] {5, 7, 6}).withMarkers())
                .add(SvgChart.Series.line("mean", new double[] {1, 2, 3}, new double[] {1, 2, Double.NaN})
                        .withStroke(SvgChart.Stroke.DASHED).asStep())
                .build();
        final String svg = c.render();
        final Document doc = parse(svg);
        assertEquals("svg", doc.getDocumentElement().getTagName());
        assertEquals(2, doc.getElementsByTagName("path").getLength());
        assertEquals(3 + 1, doc.getElementsByTagName("circle").getLength(), "3 markers and one legend dot");
        assertTrue(svg.contains("A &amp; B &lt;test&gt;"));
        assertTrue(svg.contains("p99 &quot;fcfs&quot;"));
        assertTrue(svg.contains("stroke-dasharray"));
        assertFalse(svg.contains("NaN") || svg.contains("Infinity"), svg);
        assertTrue(svg.contains(SvgChart.PALETTE.get(0)) && svg.contains(SvgChart.PALETTE.get(1)));
    }

    @Test
    void logAxisSkipsNonPositivePointsAndLabelsDecades() throws Exception {
        final SvgChart c = SvgChart.builder().title("cdf").xLabel("ms").yLabel("%").logX(true).yRange(0, 100)
                .add(SvgChart.Series.line("a", new double[] {0, 0.5, 5, 50, 5000}, new double[] {0, 10, 40, 90, 100}).asStep())
                .build();
        final String svg = c.render();
        parse(svg);
        for (final String label : List.of(">0.1<", ">1<", ">10<", ">100<", ">1k<", ">10k<")) {
            assertTrue(svg.contains(label), "decade tick " + label);
        }
        assertFalse(svg.contains("NaN") || svg.contains("Infinity"));
    }

    @Test
    void emptyChartSaysNoDataAndLongLegendsWrap() throws Exception {
        final String empty = SvgChart.builder().title("nothing").add(SvgChart.Series.line("x", new double[0], new double[0]))
                .build().render();
        parse(empty);
        assertTrue(empty.contains("no data"));

        final SvgChart.Builder b = SvgChart.builder().title("many");
        for (int i = 0; i < 10; i++) {
            b.add(SvgChart.Series.line("policy-with-a-rather-long-name-" + i, new double[] {0, 1}, new double[] {i, i + 1}));
        }
        final String svg = b.build().render();
        final String h = svg.replaceFirst("(?s)^.*? height=\"(\\d+)\".*$", "$1");
        assertTrue(Integer.parseInt(h) > 400, "ten long legend entries take several rows: height " + h);
        assertEquals(10, parse(svg).getElementsByTagName("path").getLength());
    }

    @Test
    void seriesValidatesAndCopies() {
        final double[] xs = {1, 2};
        final SvgChart.Series s = SvgChart.Series.line("s", xs, new double[] {3, 4});
        xs[0] = 99;
        assertEquals(1, s.xs()[0]);
        assertEquals(s, SvgChart.Series.line("s", new double[] {1, 2}, new double[] {3, 4}));
        assertThrows(IllegalArgumentException.class, () -> SvgChart.Series.line("s", new double[1], new double[2]));
        assertThrows(IllegalArgumentException.class, () -> SvgChart.builder().yRange(1, 1));
        assertThrows(IllegalArgumentException.class, () -> SvgChart.builder().logX(true).xRange(0, 10).build());
    }

    static Document parse(final String xml) throws Exception {
        final DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
