package org.kvsched.core.policy.baseline;

import org.kvsched.core.policy.ParamSpec;
import org.kvsched.core.policy.ParamSpec.Range;
import org.kvsched.core.policy.SchedulerView;

/**
 * The admission watermark that vLLM V0 keeps and kvsched's baselines share: a fraction of all KV blocks that an
 * admission must leave free, so that running requests have room to grow before anything is preempted. One
 * definition of the parameter and of its block count for {@code fcfs-vllm}, {@code vllm-v0} and {@code sarathi}.
 */
final class Watermark {

    /** The parameter's name in a policy spec ({@code sarathi:watermark=0.01}). */
    static final String KEY = "watermark";

    private Watermark() {
    }

    /** The parameter, a fraction in [0, 1), with this policy's default. */
    static ParamSpec param(final String defaultFraction) {
        return ParamSpec.number(KEY, defaultFraction, Range.closedOpen(0, 1), "fraction of KV blocks an admission leaves free");
    }

    /** The blocks {@code fraction} of the cache comes to, rounded down. */
    static int blocks(final double fraction, final SchedulerView view) {
        return (int) (fraction * view.capacityBlocks());
    }
}
