package org.kvsched.core.kv;

/**
 * Block-level accounting of one replica's KV cache.
 *
 * <p>Units: capacity is given in tokens and kept in blocks of {@code blockSize} tokens; a request
 * holding {@code t} tokens of KV holds {@code ceil(t / blockSize)} blocks (the last block may be
 * partly empty, which is the fragmentation paged attention accepts). This class only counts blocks;
 * which request holds how many is the scheduler's business.
 *
 * <p>Invariant: {@code 0 <= usedBlocks <= capacityBlocks}; an allocation beyond capacity throws,
 * because it means a policy made an infeasible decision, which is a bug, not a load condition.
 */
public final class KvCache {

    private final int blockSize;
    private final int capacityBlocks;
    private int usedBlocks;

    /**
     * @param capacityTokens KV capacity in tokens (rounded down to whole blocks)
     * @param blockSize      tokens per block, &gt;= 1
     */
    public KvCache(final int capacityTokens, final int blockSize) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be >= 1, got " + blockSize);
        }
        if (capacityTokens < blockSize) {
            throw new IllegalArgumentException("KV capacity must be at least one block (" + blockSize + " tokens), got " + capacityTokens);
        }
        this.blockSize = blockSize;
        this.capacityBlocks = capacityTokens / blockSize;
    }

    public int blockSize() {
        return blockSize;
    }

    public int capacityBlocks() {
        return capacityBlocks;
    }

    /** Capacity in tokens (whole blocks only). */
    public int capacityTokens() {
        return capacityBlocks * blockSize;
    }

    public int usedBlocks() {
        return usedBlocks;
    }

    public int freeBlocks() {
        return capacityBlocks - usedBlocks;
    }

    /** Blocks needed to hold {@code tokens} tokens with this cache's block size. */
    public int blocksFor(final long tokens) {
        return blocksFor(tokens, blockSize);
    }

    /**
     * Blocks needed to hold {@code tokens} tokens, {@code ceil(tokens / blockSize)}: the one place the project
     * rounds tokens up to blocks (the engine, the policies' views and their projections all call it, so a
     * policy's arithmetic cannot drift from the cache's).
     *
     * @param tokens    tokens of KV, &gt;= 0
     * @param blockSize tokens per block, &gt;= 1
     */
    public static int blocksFor(final long tokens, final int blockSize) {
        return (int) ((tokens + blockSize - 1) / blockSize);
    }

    /** Takes {@code blocks} blocks; throws if that would exceed capacity. */
    public void allocate(final int blocks) {
        if (blocks < 0 || blocks > freeBlocks()) {
            throw new IllegalStateException("KV cache overflow: asked for " + blocks + " blocks, " + freeBlocks()
                    + " of " + capacityBlocks + " free");
        }
        usedBlocks += blocks;
    }

    /** Returns {@code blocks} blocks. */
    public void release(final int blocks) {
        if (blocks < 0 || blocks > usedBlocks) {
            throw new IllegalStateException("KV cache release of " + blocks + " blocks with only " + usedBlocks + " used");
        }
        usedBlocks -= blocks;
    }
}
