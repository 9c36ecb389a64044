package org.kvsched.core.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The surrogate, linear-KV and unit models. */
class SimpleModelsTest {

    @Test
    void linearKvModelCountsChunkKvAfterTheChunkAndDecodeContexts() {
        final LinearKvModel m = LinearKvModel.DEFAULT;
        assertEquals(4.6, m.d0Ms());
        assertEquals(0.0034, m.d1MsPerToken());
        // A 512-token chunk over 256 cached tokens holds 768 tokens afterwards; decodes attend to 10,000.
        final BatchShape shape = new BatchShape(List.of(new PrefillChunk(512, 256)), 10, 10_000);
        assertEquals(10_768L, LinearKvModel.batchKvTokens(shape));
        assertEquals(Math.round((4.6 + 0.0034 * 10_768) * 1000), m.iterationMicros(shape));
        assertEquals(0L, m.iterationMicros(BatchShape.decodeOnly(0, 0)));
    }

    @Test
    void linearKvModelMatchesTheWaitDiagnosticPointsItWasReadFrom() {
        // wait-nested-wait.md 1.2: 43.9 ms at 11,648 KV tokens and 201.2 ms at 58,240; the two-point fit
        // rounds d0 and d1, so allow 3%.
        final LinearKvModel m = LinearKvModel.DEFAULT;
        assertEquals(43.9, m.iterationMillis(BatchShape.decodeOnly(22, 11_648)), 0.03 * 43.9);
        assertEquals(201.2, m.iterationMillis(BatchShape.decodeOnly(110, 58_240)), 0.03 * 201.2);
    }

    @Test
    void linearKvModelParametersAreConfigurableAndValidated() {
        final LinearKvModel m = new LinearKvModel(1.0, 0.5);
        assertEquals(51_000L, m.iterationMicros(BatchShape.decodeOnly(2, 100)));
        assertEquals(1L, new LinearKvModel(0, 0).iterationMicros(BatchShape.decodeOnly(1, 1)));
        assertThrows(IllegalArgumentException.class, () -> new LinearKvModel(-1, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new LinearKvModel(1, Double.NaN));
    }

    @Test
    void mcsfAuthorsBatchTimeCountsEveryRequestAndThePromptTokens() {
        final LinearBatchModel m = LinearBatchModel.MCSF_AUTHORS;
        // Two whole prompts (300 and 200 tokens, context 0) and 10 decodes attending to 4,000 tokens in all:
        // batch size 12, mean context 4,000 / 12.
        final BatchShape shape = new BatchShape(List.of(new PrefillChunk(300, 0), new PrefillChunk(200, 0)), 10, 4_000);
        final double expected = (0.0027 * 4_000.0 / 12 + 0.52) * 12 + 44.6 + 0.378 * 500;
        assertEquals(expected, m.iterationMillis(shape), 1e-9);
        assertEquals(Math.round(expected * 1000), m.iterationMicros(shape));
        // A lone decode: 44.6 + 0.52 + 0.0027 * its context.
        assertEquals(44.6 + 0.52 + 0.0027 * 100, m.iterationMillis(BatchShape.decodeOnly(1, 100)), 1e-9);
        assertEquals(0L, m.iterationMicros(BatchShape.decodeOnly(0, 0)));
        assertEquals(m, ModelCatalog.byName("mcsf-linear").timeModel());
        assertEquals(16_492, ModelCatalog.byName("mcsf-linear").kvCapacityTokens());
        assertEquals(new LinearBatchModel(1, 2, 3, 4), ModelCatalog.byName("mcsf-linear:a=1,b=2,c=3,d=4").timeModel());
        assertThrows(IllegalArgumentException.class, () -> new LinearBatchModel(-1, 0, 0, 0));
    }

    @Test
    void unitModelIsOneSecondPerNonEmptyIteration() {
        final UnitTimeModel m = UnitTimeModel.INSTANCE;
        assertEquals(1_000_000L, UnitTimeModel.UNIT_MICROS);
        assertEquals(1_000_000L, m.iterationMicros(BatchShape.decodeOnly(1, 1)));
        assertEquals(1_000_000L, m.iterationMicros(new BatchShape(List.of(new PrefillChunk(4096, 0)), 500, 1_000_000)));
        assertEquals(0L, m.iterationMicros(BatchShape.decodeOnly(0, 0)));
    }

    @Test
    void surrogateFormula() {
        final LinearSurrogateModel s = LinearSurrogateModel.LLAMA2_7B_A100_TP1;
        final BatchShape shape = new BatchShape(List.of(new PrefillChunk(300, 0), new PrefillChunk(200, 50)), 40, 40_000);
        final double expected = 8.612 + 0.07275 * 500 + 0.03908 * 40 + 2.892e-4 * 40_000;
        assertEquals(expected, s.iterationMillis(shape), 1e-12);
        assertEquals(Math.round(expected * 1000), s.iterationMicros(shape));
        assertEquals(0L, s.iterationMicros(BatchShape.decodeOnly(0, 0)));
        // A.9 caveat: no small-batch floor, one short decode is ~8.7 ms against ~10 ms.
        assertEquals(8.7, s.iterationMillis(BatchShape.decodeOnly(1, 128)), 0.1);
    }

    /**
     * Re-runs A.9's surrogate check: 4,000 random batches (B 0-256, contexts 16-4,096, 0-2 chunks of
     * 16-2,048 tokens over 0-2,048 cached, 1 &lt;= N &lt;= 8,192), surrogate vs component model. A.9 reports
     * MAPE 2.5% / 2.4% / 1.7% (7B / TP4 / TP2); we see 1.7-2.9% depending on how cached tokens are drawn
     * (A.9 does not say), so the bound is 4%.
     */
    @Test
    void surrogateTracksTheComponentModel() {
        final List<String> lines = new ArrayList<>();
        final ComponentCoefficients[] ks = {ComponentCoefficients.LLAMA2_7B_A100_TP1,
            ComponentCoefficients.LLAMA2_70B_A100_TP4, ComponentCoefficients.LLAMA2_70B_A100_TP2};
        final LinearSurrogateModel[] ss = {LinearSurrogateModel.LLAMA2_7B_A100_TP1,
            LinearSurrogateModel.LLAMA2_70B_A100_TP4, LinearSurrogateModel.LLAMA2_70B_A100_TP2};
        for (int i = 0; i < ks.length; i++) {
            final VidurComponentModel component = new VidurComponentModel(ks[i]);
            final Random rnd = new Random(20240601L + i);
            final ErrorStats stats = new ErrorStats();
            while (stats.count() < 4000) {
                final int b = rnd.nextInt(257);
                long s = 0;
                for (int j = 0; j < b; j++) {
                    s += 16 + rnd.nextInt(4096 - 16 + 1);
                }
                final List<PrefillChunk> chunks = new ArrayList<>();
                final int nChunks = rnd.nextInt(3);
                for (int j = 0; j < nChunks; j++) {
                    chunks.add(new PrefillChunk(16 + rnd.nextInt(2048 - 16 + 1), rnd.nextInt(2049)));
                }
                final BatchShape shape = new BatchShape(chunks, b, s);
                if (shape.isEmpty() || shape.totalTokens() > 8192) {
                    continue;
                }
                stats.add(ss[i].iterationMillis(shape), component.iterationMillis(shape), shape.toString());
            }
            lines.add(stats.summary("surrogate " + ks[i].deployment()).replaceAll(" at .*", ""));
            assertTrue(stats.mape() < 0.04, stats.summary(ks[i].deployment()));
        }
        lines.forEach(System.out::println);
    }
}
