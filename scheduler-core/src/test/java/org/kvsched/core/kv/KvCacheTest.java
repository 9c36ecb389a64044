package org.kvsched.core.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class KvCacheTest {

    @Test
    void capacityIsWholeBlocks() {
        final KvCache kv = new KvCache(118_784, 16);
        assertEquals(7_424, kv.capacityBlocks());
        assertEquals(118_784, kv.capacityTokens());
        assertEquals(1, new KvCache(20, 16).capacityBlocks(), "a partial block is not capacity");
    }

    @Test
    void blocksRoundUp() {
        final KvCache kv = new KvCache(1600, 16);
        assertEquals(0, kv.blocksFor(0));
        assertEquals(1, kv.blocksFor(1));
        assertEquals(1, kv.blocksFor(16));
        assertEquals(2, kv.blocksFor(17));
        assertEquals(7, KvCache.blocksFor(7, 1), "block size 1 counts tokens");
        assertEquals(134_217_728, KvCache.blocksFor(2_147_483_648L, 16), "token counts past int range");
    }

    @Test
    void allocateAndReleaseKeepTheInvariant() {
        final KvCache kv = new KvCache(160, 16);
        kv.allocate(7);
        assertEquals(3, kv.freeBlocks());
        assertThrows(IllegalStateException.class, () -> kv.allocate(4), "overflow is a policy bug, not a load condition");
        assertEquals(7, kv.usedBlocks(), "a refused allocation changes nothing");
        kv.release(7);
        assertEquals(0, kv.usedBlocks());
        assertThrows(IllegalStateException.class, () -> kv.release(1));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new KvCache(100, 0));
        assertThrows(IllegalArgumentException.class, () -> new KvCache(8, 16));
    }
}
