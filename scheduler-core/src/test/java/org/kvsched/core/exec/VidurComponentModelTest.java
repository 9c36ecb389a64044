package org.kvsched.core.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The component model against the anchor iteration times recorded when its coefficients were fitted to Vidur's
 * A100 profiles ({@link ComponentCoefficients}; the fits are ours [R]).
 *
 * <p>"ctx 1024" in that table is the context length of <em>each</em> decoding sequence, so
 * S = decodeContextTokens = B * 1024: with S = 1024 flat, 128 decodes would cost the same at ctx 1024
 * and ctx 2048 (15.1 ms for 7B), whereas the table has 51.4 vs 88.1. With S = B * ctx every row of the
 * table is reproduced to its printed 0.1 ms.
 */
class VidurComponentModelTest {

    private static final int CTX = 1024;

    /** The nine shapes of the A.9 table, in its row order. */
    private static List<BatchShape> anchorShapes() {
        return List.of(
                BatchShape.decodeOnly(1, CTX),
                BatchShape.decodeOnly(32, 32L * CTX),
                BatchShape.decodeOnly(64, 64L * CTX),
                BatchShape.decodeOnly(128, 128L * CTX),
                BatchShape.decodeOnly(128, 128L * 2048),
                prefill(512),
                prefill(2048),
                prefill(4096),
                new BatchShape(List.of(new PrefillChunk(512, 0)), 64, 64L * CTX));
    }

    private static final String[] ROW_NAMES = {
        "1 decode @1K", "32 decodes @1K", "64 decodes @1K", "128 decodes @1K", "128 decodes @2K",
        "prefill 512", "prefill 2048", "prefill 4096", "chunk 512 + 64 decodes @1K"};

    private static final double[] ANCHORS_7B = {10.1, 20.0, 30.2, 51.4, 88.1, 37.7, 156.4, 345.5, 62.4};
    private static final double[] ANCHORS_70B_TP4 = {34.8, 38.7, 43.8, 62.2, 70.0, 121.7, 427.8, 876.8, 140.8};
    private static final double[] ANCHORS_70B_TP2 = {56.1, 62.9, 77.1, 110.6, 125.6, 212.8, 753.1, 1550.6, 247.0};

    static BatchShape prefill(final int tokens) {
        return new BatchShape(List.of(new PrefillChunk(tokens, 0)), 0, 0);
    }

    static Stream<Arguments> anchors() {
        final List<Arguments> args = new ArrayList<>();
        final List<BatchShape> shapes = anchorShapes();
        for (int i = 0; i < shapes.size(); i++) {
            args.add(Arguments.of(ComponentCoefficients.LLAMA2_7B_A100_TP1, ROW_NAMES[i], shapes.get(i), ANCHORS_7B[i]));
            args.add(Arguments.of(ComponentCoefficients.LLAMA2_70B_A100_TP4, ROW_NAMES[i], shapes.get(i), ANCHORS_70B_TP4[i]));
            args.add(Arguments.of(ComponentCoefficients.LLAMA2_70B_A100_TP2, ROW_NAMES[i], shapes.get(i), ANCHORS_70B_TP2[i]));
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} / {1} = {3} ms")
    @MethodSource("anchors")
    void reproducesTheA9AnchorTable(final ComponentCoefficients k, final String row, final BatchShape shape,
                                    final double anchorMs) {
        final VidurComponentModel model = new VidurComponentModel(k);
        final double ms = model.iterationMillis(shape);
        // The agreed tolerance is 5%. The coefficients are A.9's own, so we also hold the table's printed
        // precision (0.1 ms). The largest gap is 0.06 ms: 876.74 ms for TP4 prefill 4096 against a printed
        // 876.8, presumably evaluated with the unrounded fit; every other row is within 0.05 ms.
        assertTrue(Math.abs(ms - anchorMs) <= 0.05 * anchorMs, () -> k.deployment() + " " + row + ": " + ms);
        assertTrue(Math.abs(ms - anchorMs) < 0.1, () -> k.deployment() + " " + row + ": " + ms + " vs printed " + anchorMs);
        assertEquals(Math.round(ms * 1000), model.iterationMicros(shape));
    }

    @Test
    void emptyBatchTakesNoTime() {
        final VidurComponentModel model = new VidurComponentModel(ComponentCoefficients.LLAMA2_7B_A100_TP1, 5.0);
        assertEquals(0L, model.iterationMicros(BatchShape.decodeOnly(0, 0)));
        assertEquals(0.0, model.iterationMillis(BatchShape.decodeOnly(0, 0)));
    }

    @Test
    void cpuOverheadAddsExactlyOncePerIteration() {
        final BatchShape shape = BatchShape.decodeOnly(64, 64L * CTX);
        final long base = new VidurComponentModel(ComponentCoefficients.LLAMA2_70B_A100_TP4).iterationMicros(shape);
        final long withCpu = new VidurComponentModel(ComponentCoefficients.LLAMA2_70B_A100_TP4, 7.5).iterationMicros(shape);
        assertEquals(7_500L, withCpu - base, 1L);
    }

    @Test
    void tokenCountIsPaddedToMultiplesOfEight() {
        final VidurComponentModel model = new VidurComponentModel(ComponentCoefficients.LLAMA2_70B_A100_TP2);
        // 1000 prefill tokens + 1 decode = 1001 -> 1008 for LIN and AR, the same as 1007 + 1.
        final double lin1001 = ComponentCoefficients.LLAMA2_70B_A100_TP2.linearMs(ComponentCoefficients.padTokens(1001));
        assertEquals(ComponentCoefficients.LLAMA2_70B_A100_TP2.linearMs(1008), lin1001);
        assertEquals(8, ComponentCoefficients.padTokens(1));
        assertEquals(8, ComponentCoefficients.padTokens(8));
        assertEquals(16, ComponentCoefficients.padTokens(9));
        assertEquals(0, ComponentCoefficients.padTokens(0));
        // On the flat part of LIN, 1 and 8 decodes at the same total context differ only by DEC's d1 term and GQA.
        assertTrue(model.iterationMillis(BatchShape.decodeOnly(8, 1024)) > model.iterationMillis(BatchShape.decodeOnly(1, 1024)));
    }

    @Test
    void gqaBatchingOverheadOnlyForGqaModelsWithMoreThanOneDecode() {
        final ComponentCoefficients tp4 = ComponentCoefficients.LLAMA2_70B_A100_TP4;
        final double one = tp4.d0() + tp4.d1() + tp4.d2() * 1024;
        assertEquals(one, tp4.decodeAttentionMs(1, 1024), 1e-15);
        final double two = (tp4.d0() + 2 * tp4.d1() + tp4.d2() * 2048) * 1.1;
        assertEquals(two, tp4.decodeAttentionMs(2, 2048), 1e-15);
        final ComponentCoefficients b7 = ComponentCoefficients.LLAMA2_7B_A100_TP1;
        assertEquals(b7.d0() + 2 * b7.d1() + b7.d2() * 2048, b7.decodeAttentionMs(2, 2048), 1e-15);
        assertEquals(0.0, b7.decodeAttentionMs(0, 0));
    }

    /** Vidur's attention_prefill_batching_overhead_fraction: x1.1 on a GQA model's prefill attention with more than one prefill. */
    @Test
    void gqaPrefillBatchingOverheadOnlyForGqaModelsWithMoreThanOnePrefill() {
        final ComponentCoefficients l3 = ComponentCoefficients.LLAMA3_8B_A100_TP1;
        final double one = l3.p0() + l3.p1() * 512 + l3.p2() * 512 * 512;
        assertEquals(one, l3.prefillAttentionMs(List.of(new PrefillChunk(512, 0))), 1e-15);
        final double two = (l3.p0() + 2 * (l3.p1() * 512 + l3.p2() * 512 * 512)) * 1.1;
        assertEquals(two, l3.prefillAttentionMs(List.of(new PrefillChunk(512, 0), new PrefillChunk(512, 0))), 1e-15);
        final ComponentCoefficients b7 = ComponentCoefficients.LLAMA2_7B_A100_TP1;
        assertEquals(b7.p0() + 2 * (b7.p1() * 512 + b7.p2() * 512 * 512),
                b7.prefillAttentionMs(List.of(new PrefillChunk(512, 0), new PrefillChunk(512, 0))), 1e-15);
    }

    @Test
    void noAllReduceAtTp1() {
        assertEquals(0.0, ComponentCoefficients.LLAMA2_7B_A100_TP1.allReducePerLayerMs(4096));
        final ComponentCoefficients tp2 = ComponentCoefficients.LLAMA2_70B_A100_TP2;
        assertEquals(2 * (0.0382 + 1.013e-4 * 64 + 0.02), tp2.allReducePerLayerMs(64), 1e-15);
    }

    @Test
    void prefillAttentionSumsChunksWithOneIntercept() {
        final ComponentCoefficients k = ComponentCoefficients.LLAMA2_7B_A100_TP1;
        final double expected = k.p0()
                + k.p1() * 100 + k.p2() * 100 * 100 + k.p3() * 100 * 300
                + k.p1() * 50 + k.p2() * 50 * 50;
        assertEquals(expected, k.prefillAttentionMs(List.of(new PrefillChunk(100, 300), new PrefillChunk(50, 0))), 1e-15);
    }

    @Test
    void tinyNonEmptyBatchIsAtLeastOneMicrosecond() {
        final ComponentCoefficients zero = new ComponentCoefficients("zero", 1, 1,
                0, 0, 0, 0, 0, 0, 0, 0, false, 0, 0, 0, 0);
        assertEquals(1L, new VidurComponentModel(zero).iterationMicros(BatchShape.decodeOnly(1, 1)));
    }

    @Test
    void rejectsBadParameters() {
        assertThrows(IllegalArgumentException.class,
                () -> new VidurComponentModel(ComponentCoefficients.LLAMA2_7B_A100_TP1, -1.0));
        assertThrows(IllegalArgumentException.class, () -> new ComponentCoefficients("x", 0, 1,
                0, 0, 0, 0, 0, 0, 0, 0, false, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ComponentCoefficients("x", 1, 1,
                -1, 0, 0, 0, 0, 0, 0, 0, false, 0, 0, 0, 0));
    }
}
