package org.kvsched.reports;

import java.util.Random;

import org.kvsched.core.engine.StepSummary;
import org.kvsched.core.metrics.MetricsCollector;
import org.kvsched.core.metrics.RunResult;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;

/** Synthetic runs fed through the real {@link MetricsCollector}, so reports see realistic shapes. */
final class ReportFixtures {

    static final int BLOCK_SIZE = 16;
    static final int CAPACITY_BLOCKS = 2048;

    private ReportFixtures() {
    }

    /**
     * A run of {@code n} requests whose latencies grow with {@code rate} and {@code slowness}; every 17th
     * request is rejected, every 11th preempted once. KV usage follows a noisy wave sampled every 20 ms
     * on each replica.
     */
    static RunResult run(final String label, final String model, final double rate, final int n, final double slowness,
                         final int replicas, final long seed) {
        final Random rnd = new Random(seed);
        final MetricsCollector c = new MetricsCollector();
        long t = 0;
        long end = 0;
        for (int i = 0; i < n; i++) {
            t += (long) (-Math.log(1 - rnd.nextDouble()) * 200_000 / rate);
            final int replica = i % replicas;
            final int prompt = 100 + rnd.nextInt(900);
            final int output = 1 + rnd.nextInt(400);
            c.onRequestEvent(ev(RequestEventKind.ARRIVED, i, replica, t, prompt, output, ""));
            if (i % 17 == 16) {
                c.onRequestEvent(ev(RequestEventKind.REJECTED, i, replica, t, prompt, output, i % 34 == 33 ? "too long, \"never fits\"" : "stalled"));
                continue;
            }
            final double load = Math.pow(rate, 3) * slowness;
            final long delay = (long) (rnd.nextDouble() * 50_000 * load * (1 + 20 * rnd.nextDouble() * rnd.nextDouble()));
            final long ttft = delay + 20_000 + prompt * 40L;
            final long e2e = ttft + (long) (output * 25_000 * (1 + 0.3 * load));
            c.onRequestEvent(ev(RequestEventKind.ADMITTED, i, replica, t + delay, prompt, output, ""));
            c.onRequestEvent(ev(RequestEventKind.FIRST_TOKEN, i, replica, t + ttft, prompt, output, ""));
            if (i % 11 == 5) {
                c.onRequestEvent(ev(RequestEventKind.PREEMPTED, i, replica, t + ttft + 1000, prompt, output, ""));
                c.onRequestEvent(ev(RequestEventKind.ADMITTED, i, replica, t + ttft + 5000, prompt, output, ""));
            }
            c.onRequestEvent(ev(RequestEventKind.COMPLETED, i, replica, t + e2e, prompt, output, ""));
            end = Math.max(end, t + e2e);
        }
        long plan = 0;
        for (long s = 20_000; s <= end; s += 20_000) {
            for (int r = 0; r < replicas; r++) {
                final double wave = 0.5 + 0.35 * Math.sin(s / 3e6 + r) + 0.1 * rnd.nextGaussian();
                final int used = (int) Math.max(0, Math.min(CAPACITY_BLOCKS, wave * CAPACITY_BLOCKS * Math.min(1, rate)));
                final int peak = Math.min(CAPACITY_BLOCKS, used + rnd.nextInt(40));
                c.onStep(new StepSummary(r, plan++, s - 20_000, s, 1, used * 20_000.0, peak, used, CAPACITY_BLOCKS, BLOCK_SIZE,
                        100, 20, 20));
            }
        }
        return new RunResult(label, model, rate, c.summary(replicas, (long) CAPACITY_BLOCKS * BLOCK_SIZE), c.outcomes(),
                c.kvSamples(), 1.5 + rate);
    }

    static RequestEvent ev(final RequestEventKind kind, final long id, final int replica, final long t, final int prompt,
                           final int output, final String reason) {
        return new RequestEvent(kind, id, replica, t, prompt, output, 0, reason);
    }
}
