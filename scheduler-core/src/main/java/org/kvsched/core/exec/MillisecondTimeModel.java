package org.kvsched.core.exec;

/**
 * An execution-time model whose formula is in milliseconds (the unit of the profiles and papers),
 * with the one rounding rule of the {@link ExecutionTimeModel} contract applied here:
 * {@code Math.round(ms * 1000)} microseconds, at least 1 for a non-empty batch (so the clock always
 * advances), exactly 0 for an empty one.
 */
public interface MillisecondTimeModel extends ExecutionTimeModel {

    /** The unrounded iteration time, milliseconds (0 for an empty batch). */
    double iterationMillis(BatchShape shape);

    @Override
    default long iterationMicros(final BatchShape shape) {
        if (shape.isEmpty()) {
            return 0L;
        }
        return Math.max(1L, Math.round(iterationMillis(shape) * 1000.0));
    }
}
