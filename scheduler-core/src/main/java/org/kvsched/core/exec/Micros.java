package org.kvsched.core.exec;

/** Shared rounding rule of the models in this package (package-private helper). */
final class Micros {

    private Micros() {
    }

    /**
     * Converts a model time in milliseconds to the whole microseconds of the {@link ExecutionTimeModel}
     * contract: {@code Math.round(ms * 1000)}, at least 1 for a non-empty batch (so the clock always
     * advances), exactly 0 for an empty one.
     */
    static long of(final double millis, final BatchShape shape) {
        if (shape.isEmpty()) {
            return 0L;
        }
        return Math.max(1L, Math.round(millis * 1000.0));
    }
}
