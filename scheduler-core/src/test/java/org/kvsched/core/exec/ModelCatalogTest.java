package org.kvsched.core.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ModelCatalogTest {

    private static final List<String> NAMES = List.of(
            "llama2-7b-a100", "llama2-70b-a100-tp2", "llama2-70b-a100-tp4", "llama3-8b-a100",
            "llama2-7b-a100-fit", "llama2-70b-a100-tp2-fit", "llama2-70b-a100-tp4-fit",
            "linear", "mcsf-linear", "unit");

    @Test
    void namesAndDefaults() {
        assertEquals(NAMES, ModelCatalog.names());
        final List<ModelProfile> all = ModelCatalog.all();
        assertEquals(NAMES.size(), all.size());
        for (int i = 0; i < NAMES.size(); i++) {
            final ModelProfile p = all.get(i);
            assertEquals(NAMES.get(i), p.name());
            assertEquals(p, ModelCatalog.byName(NAMES.get(i)), "all() and byName() agree: " + p.name());
            assertEquals(0, p.kvCapacityTokens() % p.blockSize());
            assertFalse(p.description().isBlank());
            assertEquals(Integer.toString(p.kvCapacityTokens()), p.parameters().get("kv"));
        }
        assertThrows(UnsupportedOperationException.class, () -> all.add(all.get(0)));
        assertEquals(ModelCatalog.DEFAULT_NAME, all.get(0).name());
    }

    @Test
    void capacitiesAreVidurPlannerValues() {
        assertCapacity("llama2-7b-a100", 118_784, 16, 7_424);
        assertCapacity("llama2-70b-a100-tp2", 53_248, 16, 3_328);
        assertCapacity("llama2-70b-a100-tp4", 524_288, 16, 32_768);
        assertCapacity("llama3-8b-a100", 483_328, 16, 30_208);
        assertCapacity("llama2-7b-a100-fit", 118_784, 16, 7_424);
        assertCapacity("llama2-70b-a100-tp2-fit", 53_248, 16, 3_328);
        assertCapacity("llama2-70b-a100-tp4-fit", 524_288, 16, 32_768);
        assertCapacity("linear", 118_784, 16, 7_424);
        assertCapacity("unit", 50, 1, 50);
        for (final ModelProfile p : ModelCatalog.all()) {
            assertEquals(4096, p.maxContextTokens(), p.name());
        }
    }

    /**
     * Vidur's memory planner from the model shapes: 80 GiB x (1 - 0.1) minus 2 bytes per attention and MLP
     * weight, divided by the KV of one 4,096-token request (2 bytes x K and V x head dim x KV heads x layers
     * x 4,096), floored, times 4,096 tokens. The catalog's Llama-2-7B value, 118,784, is this computation;
     * the Llama-3-8B one is computed the same way.
     */
    @Test
    void capacitiesFollowVidursMemoryPlanner() {
        assertEquals(ModelCatalog.byName("llama2-7b-a100").kvCapacityTokens(), vidurPlannerTokens(32, 32, 32, 4096, 11008));
        assertEquals(ModelCatalog.byName("llama3-8b-a100").kvCapacityTokens(), vidurPlannerTokens(32, 32, 8, 4096, 14336));
    }

    private static long vidurPlannerTokens(final int layers, final int qHeads, final int kvHeads, final int hidden,
                                           final int mlp) {
        final long headDim = hidden / qHeads;
        final long perLayer = hidden * headDim * (qHeads + 2L * kvHeads) + hidden * headDim * qHeads + 3L * hidden * mlp;
        final double available = 80.0 * (1L << 30) * (1 - 0.1);
        final long kvPerRequest = 2L * 2 * headDim * kvHeads * 4096 * layers;
        final long requests = (long) Math.floor((available - 2.0 * perLayer * layers) / kvPerRequest);
        return requests * 4096;
    }

    private static void assertCapacity(final String name, final int tokens, final int block, final int blocks) {
        final ModelProfile p = ModelCatalog.byName(name);
        assertEquals(tokens, p.kvCapacityTokens(), name);
        assertEquals(block, p.blockSize(), name);
        assertEquals(blocks, p.kvCapacityBlocks(), name);
    }

    @Test
    void timeModelsAreTheDocumentedOnes() {
        final VidurComponentModel c = assertInstanceOf(VidurComponentModel.class,
                ModelCatalog.byName("llama2-70b-a100-tp4").timeModel());
        assertSame(ComponentCoefficients.LLAMA2_70B_A100_TP4, c.coefficients());
        assertEquals(0.0, c.cpuOverheadMs());
        assertSame(LinearSurrogateModel.LLAMA2_70B_A100_TP2, ModelCatalog.byName("llama2-70b-a100-tp2-fit").timeModel());
        assertEquals(LinearKvModel.DEFAULT, ModelCatalog.byName("linear").timeModel());
        assertSame(UnitTimeModel.INSTANCE, ModelCatalog.byName("unit").timeModel());
    }

    @Test
    void specsWithParameters() {
        final ModelProfile linear = ModelCatalog.byName("linear:d0=4.6,d1=0.0034,kv=20000");
        assertEquals(new LinearKvModel(4.6, 0.0034), linear.timeModel());
        assertEquals(20_000, linear.kvCapacityTokens());
        assertEquals(1_250, linear.kvCapacityBlocks());
        assertEquals("20000", linear.parameters().get("kv"));
        assertEquals("4.6", linear.parameters().get("d0"));

        assertEquals(new LinearKvModel(2.0, 0.01), ModelCatalog.byName("linear:d0=2,d1=0.01").timeModel());

        final ModelProfile unit = ModelCatalog.byName("unit:kv=40");
        assertEquals(40, unit.kvCapacityTokens());
        assertEquals(1, unit.blockSize());

        final BatchShape shape = BatchShape.decodeOnly(64, 64L * 1024);
        final long base = ModelCatalog.byName("llama2-7b-a100").timeModel().iterationMicros(shape);
        final ModelProfile cpu = ModelCatalog.byName("llama2-7b-a100:cpu=5");
        assertEquals(base + 5_000, cpu.timeModel().iterationMicros(shape), 1);
        assertEquals("5.0", cpu.parameters().get("cpu"));

        final ModelProfile blocks = ModelCatalog.byName("llama2-70b-a100-tp2-fit:kv=32768,block=32,ctx=2048");
        assertEquals(32_768, blocks.kvCapacityTokens());
        assertEquals(32, blocks.blockSize());
        assertEquals(1_024, blocks.kvCapacityBlocks());
        assertEquals(2_048, blocks.maxContextTokens());

        // Case and whitespace are forgiven; an empty parameter list is the same as none.
        assertEquals(ModelCatalog.byName("unit:kv=40"), ModelCatalog.byName("  UNIT : KV = 40 "));
        assertEquals(ModelCatalog.byName("unit"), ModelCatalog.byName("unit:"));
        assertEquals(118_784, ModelCatalog.byName("linear:kv=118_784").kvCapacityTokens());
    }

    @Test
    void unknownNameIsOneLineListingValidNames() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelCatalog.byName("llama3-8b:kv=10"));
        assertOneLine(e);
        assertTrue(e.getMessage().contains("'llama3-8b'"), e.getMessage());
        for (final String name : NAMES) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
        assertOneLine(assertThrows(IllegalArgumentException.class, () -> ModelCatalog.byName("bad\nname")));
        assertOneLine(assertThrows(IllegalArgumentException.class, () -> ModelCatalog.byName("")));
        assertOneLine(assertThrows(IllegalArgumentException.class, () -> ModelCatalog.byName(null)));
    }

    @Test
    void unknownParameterIsOneLineListingAcceptedKeys() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelCatalog.byName("unit:kv=40,d0=3"));
        assertOneLine(e);
        assertTrue(e.getMessage().contains("'d0'"), e.getMessage());
        assertTrue(e.getMessage().contains("kv, block, ctx"), e.getMessage());

        final IllegalArgumentException cpu = assertThrows(IllegalArgumentException.class,
                () -> ModelCatalog.byName("linear:cpu=5"));
        assertTrue(cpu.getMessage().contains("'cpu'") && cpu.getMessage().contains("d0, d1"), cpu.getMessage());

        final IllegalArgumentException comp = assertThrows(IllegalArgumentException.class,
                () -> ModelCatalog.byName("llama2-7b-a100:d1=1"));
        assertTrue(comp.getMessage().contains("cpu"), comp.getMessage());
    }

    @Test
    void badValuesAreRejectedWithOneLine() {
        for (final String spec : List.of("unit:kv=0", "unit:kv=-3", "unit:kv=abc", "linear:d0=-1", "linear:d1=NaN",
                "llama2-7b-a100:cpu=x", "unit:kv", "unit:=4", "unit:kv=4,,block=1", "unit:kv=4,kv=5",
                "unit:block=16", "llama2-7b-a100:kv=100")) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ModelCatalog.byName(spec), spec);
            assertOneLine(e);
        }
        final String msg = assertThrows(IllegalArgumentException.class,
                () -> ModelCatalog.byName("llama2-7b-a100:kv=100")).getMessage();
        assertTrue(msg.contains("100") && msg.contains("96") && msg.contains("112"), msg);
    }

    @Test
    void withKvCapacityTokens() {
        final ModelProfile p = ModelCatalog.byName("llama2-70b-a100-tp2");
        final ModelProfile q = p.withKvCapacityTokens(38_400);
        assertEquals(38_400, q.kvCapacityTokens());
        assertEquals(2_400, q.kvCapacityBlocks());
        assertEquals("38400", q.parameters().get("kv"));
        assertSame(p.timeModel(), q.timeModel());
        assertEquals(p.name(), q.name());
        assertEquals(53_248, p.kvCapacityTokens(), "the original is unchanged");
        assertThrows(IllegalArgumentException.class, () -> p.withKvCapacityTokens(38_401));
        assertThrows(IllegalArgumentException.class, () -> p.withKvCapacityTokens(0));
    }

    @Test
    void profileParametersAreACopyAndUnmodifiable() {
        final Map<String, String> params = new HashMap<>(Map.of("kv", "16"));
        final ModelProfile p = new ModelProfile("x", "d", 16, 16, 4096, UnitTimeModel.INSTANCE, params);
        params.put("kv", "32");
        assertEquals("16", p.parameters().get("kv"));
        assertThrows(UnsupportedOperationException.class, () -> p.parameters().put("a", "b"));
        assertThrows(IllegalArgumentException.class,
                () -> new ModelProfile("x", "two\nlines", 16, 16, 4096, UnitTimeModel.INSTANCE, Map.of()));
    }

    private static void assertOneLine(final IllegalArgumentException e) {
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
    }
}
