package org.kvsched.core.exec;

/**
 * Every non-empty iteration takes exactly one time unit, whatever it contains.
 *
 * <p><b>Source.</b> The theory model of the MC-SF and GSA papers, where time is counted in iterations
 * (rounds) and a batch's composition affects memory but not duration.
 *
 * <p><b>Units.</b> One time unit is {@link #UNIT_MICROS} = 1,000,000 microseconds, i.e. one simulated
 * second, so reports in seconds read directly as "iterations". An empty batch takes 0.
 *
 * <p><b>Departures from Vidur.</b> Entirely: there is no dependence on tokens, batch size, context or
 * hardware. Use it to reproduce the papers' theoretical instances, not to predict latency.
 */
public record UnitTimeModel() implements ExecutionTimeModel {

    /** Microseconds in one time unit (one iteration): 1 s. */
    public static final long UNIT_MICROS = 1_000_000L;

    /** The (stateless) instance. */
    public static final UnitTimeModel INSTANCE = new UnitTimeModel();

    @Override
    public long iterationMicros(final BatchShape shape) {
        return shape.isEmpty() ? 0L : UNIT_MICROS;
    }
}
