package org.kvsched.core.exec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Property: more work never makes an iteration faster, for every catalog model. Schedulers rely on it
 * (e.g. when they trim a batch to meet a time budget). Randomised with fixed seeds, so deterministic.
 */
class MonotonicityTest {

    private static final int TRIALS = 3000;

    @Test
    void moreDecodesMoreContextOrMorePrefillNeverFaster() {
        final Random rnd = new Random(7L);
        for (final ModelProfile profile : ModelCatalog.all()) {
            final ExecutionTimeModel m = profile.timeModel();
            for (int i = 0; i < TRIALS; i++) {
                final BatchShape base = randomShape(rnd);
                final long t = m.iterationMicros(base);

                final int ctx = 1 + rnd.nextInt(4096);
                final BatchShape oneMoreDecode = new BatchShape(base.prefills(), base.decodeCount() + 1,
                        base.decodeContextTokens() + ctx);
                check(profile, base, oneMoreDecode, t, m.iterationMicros(oneMoreDecode));

                if (base.decodeCount() > 0) {
                    final BatchShape moreContext = new BatchShape(base.prefills(), base.decodeCount(),
                            base.decodeContextTokens() + 1 + rnd.nextInt(100_000));
                    check(profile, base, moreContext, t, m.iterationMicros(moreContext));
                }

                final List<PrefillChunk> more = new ArrayList<>(base.prefills());
                more.add(new PrefillChunk(1 + rnd.nextInt(2048), rnd.nextInt(4096)));
                final BatchShape morePrefill = new BatchShape(more, base.decodeCount(), base.decodeContextTokens());
                check(profile, base, morePrefill, t, m.iterationMicros(morePrefill));

                if (!base.prefills().isEmpty()) {
                    final List<PrefillChunk> longer = new ArrayList<>(base.prefills());
                    final PrefillChunk first = longer.get(0);
                    longer.set(0, new PrefillChunk(first.tokens() + 1 + rnd.nextInt(512),
                            first.cachedTokens() + rnd.nextInt(512)));
                    final BatchShape longerChunk = new BatchShape(longer, base.decodeCount(), base.decodeContextTokens());
                    check(profile, base, longerChunk, t, m.iterationMicros(longerChunk));
                }
            }
        }
    }

    /** Small batches are where max(), padding and the GQA step live, so draw them often. */
    private static BatchShape randomShape(final Random rnd) {
        final int b = rnd.nextBoolean() ? rnd.nextInt(9) : rnd.nextInt(300);
        long s = 0;
        for (int j = 0; j < b; j++) {
            s += 1 + rnd.nextInt(4096);
        }
        final List<PrefillChunk> chunks = new ArrayList<>();
        final int n = rnd.nextInt(3);
        for (int j = 0; j < n; j++) {
            chunks.add(new PrefillChunk(1 + rnd.nextInt(rnd.nextBoolean() ? 16 : 4096), rnd.nextInt(4096)));
        }
        return new BatchShape(chunks, b, s);
    }

    private static void check(final ModelProfile p, final BatchShape a, final BatchShape b, final long ta, final long tb) {
        assertTrue(tb >= ta, () -> p.name() + ": " + b + " (" + tb + " us) faster than " + a + " (" + ta + " us)");
        if (!b.isEmpty()) {
            assertTrue(tb >= 1, () -> p.name() + ": non-empty " + b + " took " + tb);
        }
    }
}
