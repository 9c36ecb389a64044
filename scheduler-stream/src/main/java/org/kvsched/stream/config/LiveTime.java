package org.kvsched.stream.config;

import org.kvsched.core.engine.ReplicaLoop;
import org.kvsched.pipeline.service.ServiceConfig;

/**
 * Wall-clock scheduling (key {@code time=live}): the scheduler's clock is the wall clock, scaled for replays
 * that run faster than real time. Scheduler time, microseconds = (wall time in ms − {@code epochMs}) × 1000 ×
 * {@code speed}. An arrival's time is its log-append time on {@code arrivals} (the topic's
 * {@code message.timestamp.type=LogAppendTime}), a report's and a timer's the clock when the scheduler
 * applies them; all go to the replica log with that time, so the run replays offline to the same decisions.
 *
 * @param horizonMs how far ahead of a decision a plan may run, wall milliseconds, &gt;= 1 (the next arrival is unknown)
 * @param tickMs    period of the timer that asks idle replicas with waiting requests again, wall milliseconds, &gt;= 1
 * @param speed     scheduler seconds per wall second (1 live; X for a replay at X times real time), &gt; 0
 * @param epochMs   wall time of scheduler time 0, epoch milliseconds (0 live: scheduler time is epoch time)
 */
public record LiveTime(long horizonMs, long tickMs, double speed, long epochMs) {

    public LiveTime {
        if (horizonMs < 1) {
            throw new IllegalArgumentException("config: key 'live.horizon.ms' must be >= 1, got " + horizonMs);
        }
        if (tickMs < 1) {
            throw new IllegalArgumentException("config: key 'live.tick.ms' must be >= 1, got " + tickMs);
        }
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("config: key 'live.speed' must be > 0, got " + speed);
        }
    }

    /** The live settings if {@code time=live}, null for {@code time=virtual}; fails naming the key otherwise. */
    public static LiveTime fromConfig(final ServiceConfig config) {
        final String time = config.get("time", "virtual");
        if (time.equals("virtual")) {
            return null;
        }
        if (!time.equals("live")) {
            throw new IllegalArgumentException("config: key 'time' must be virtual or live, got '" + time + "'");
        }
        return new LiveTime(config.getLong("live.horizon.ms", 100L), config.getLong("live.tick.ms", 20L),
                config.getDouble("live.speed", 1.0), config.getLong("live.epoch.ms", 0L));
    }

    /** Scheduler time of a wall time given in epoch milliseconds, microseconds. */
    public long schedulerUs(final long wallMs) {
        return Math.round((wallMs - epochMs) * 1000.0 * speed);
    }

    /** The replica loop's clock. */
    public ReplicaLoop.Clock clock() {
        return new ReplicaLoop.Clock.Wall(Math.max(1, Math.round(horizonMs * 1000.0 * speed)));
    }
}
