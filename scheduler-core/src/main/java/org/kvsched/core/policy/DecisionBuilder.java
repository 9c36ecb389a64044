package org.kvsched.core.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Decision} while tracking the KV blocks it would use, so a policy can ask "does this
 * fit?" without repeating the block arithmetic. It changes nothing in the scheduler: it is the
 * policy's scratch pad.
 *
 * <p>Units: blocks. Allocation follows the mechanism: a chunk of {@code n} tokens for a request with
 * {@code c} computed tokens needs {@code blocksFor(c + n) - blocksFor(c)} more blocks; preempting a
 * request frees every block it holds (and whatever this builder had given it).
 */
public final class DecisionBuilder {

    private final SchedulerView view;
    private final List<Decision.Chunk> chunks = new ArrayList<>();
    private final List<Decision.Preemption> preemptions = new ArrayList<>();
    /** Blocks given in this decision, per request. */
    private final Map<Long, Integer> extraBlocks = new HashMap<>();
    private final Map<Long, Integer> chunkTokens = new HashMap<>();
    private int freeBlocks;
    private int batchTokens;

    public DecisionBuilder(final SchedulerView view) {
        this.view = view;
        this.freeBlocks = view.freeBlocks();
    }

    /** Blocks free if this decision were applied now. */
    public int freeBlocks() {
        return freeBlocks;
    }

    /** Tokens scheduled in the explicit iteration so far. */
    public int batchTokens() {
        return batchTokens;
    }

    /** Number of requests with a chunk so far. */
    public int batchSize() {
        return chunks.size();
    }

    /** True if {@code seq} already has a chunk in this decision. */
    public boolean contains(final SeqView seq) {
        return chunkTokens.containsKey(seq.id());
    }

    /** Extra blocks a chunk of {@code tokens} for {@code seq} needs. */
    public int blocksNeeded(final SeqView seq, final int tokens) {
        return view.blocksFor((long) seq.computedTokens() + tokens) - view.blocksFor(seq.computedTokens());
    }

    /**
     * Adds a chunk if its blocks fit while leaving {@code reserveBlocks} free; returns false (and
     * changes nothing) otherwise.
     */
    public boolean tryAdd(final SeqView seq, final int tokens, final int reserveBlocks) {
        if (tokens < 1 || tokens > seq.pendingTokens()) {
            throw new IllegalArgumentException("request " + seq.id() + ": chunk of " + tokens
                    + " tokens with " + seq.pendingTokens() + " pending");
        }
        if (contains(seq)) {
            throw new IllegalArgumentException("request " + seq.id() + " already has a chunk in this decision");
        }
        final int need = blocksNeeded(seq, tokens);
        if (need > freeBlocks - reserveBlocks) {
            return false;
        }
        freeBlocks -= need;
        batchTokens += tokens;
        extraBlocks.put(seq.id(), need);
        chunkTokens.put(seq.id(), tokens);
        chunks.add(new Decision.Chunk(seq.id(), tokens));
        return true;
    }

    /** {@link #tryAdd(SeqView, int, int)} with no reserve. */
    public boolean tryAdd(final SeqView seq, final int tokens) {
        return tryAdd(seq, tokens, 0);
    }

    /**
     * Gives {@code seq} a chunk of {@code tokens}, preempting running requests from the end of
     * {@code victims} (newest last in that list) until it fits: the vLLM rule for running requests. The
     * victims are removed from the list. Returns false when {@code seq} itself had to be preempted, after
     * which a policy stops scheduling running requests.
     */
    public boolean addPreemptingFromEnd(final SeqView seq, final int tokens, final List<SeqView> victims,
                                        final boolean discardOutput) {
        while (!tryAdd(seq, tokens)) {
            final SeqView victim = victims.remove(victims.size() - 1);
            preempt(victim, discardOutput);
            if (victim == seq) {
                return false;
            }
        }
        return true;
    }

    /**
     * Gives every request of {@code running} (oldest admission first) all its pending tokens, preempting
     * from the end of the list as needed ({@link #addPreemptingFromEnd}); the list keeps the survivors.
     */
    public void addAllPreemptingFromEnd(final List<SeqView> running, final boolean discardOutput) {
        for (int i = 0; i < running.size(); i++) {
            final SeqView seq = running.get(i);
            if (!addPreemptingFromEnd(seq, seq.pendingTokens(), running, discardOutput)) {
                return;
            }
        }
    }

    /** Preempts a running request: frees its blocks and drops its chunk if it had one. */
    public void preempt(final SeqView seq, final boolean discardOutput) {
        final Integer given = extraBlocks.remove(seq.id());
        if (given != null) {
            freeBlocks += given;
            batchTokens -= chunkTokens.remove(seq.id());
            chunks.removeIf(c -> c.requestId() == seq.id());
        }
        freeBlocks += seq.blocksHeld();
        preemptions.add(new Decision.Preemption(seq.id(), discardOutput));
    }

    /** True if nothing was preempted so far. */
    public boolean nothingPreempted() {
        return preemptions.isEmpty();
    }

    /** The decision, with the continuation the policy allows. */
    public Decision build(final int maxDecodeContinuation, final long continueUntilUs) {
        return new Decision(chunks, preemptions, maxDecodeContinuation, continueUntilUs);
    }
}
