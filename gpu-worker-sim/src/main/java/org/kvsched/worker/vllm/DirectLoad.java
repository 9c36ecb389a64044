package org.kvsched.worker.vllm;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.kvsched.core.engine.FinishReason;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;
import org.kvsched.core.model.WorkloadRequest;

/**
 * The baseline without kvsched: every request of a workload goes straight to a vLLM server at its arrival time
 * (trace time / speed on the wall clock), as a benchmark client does, and the server's own scheduler batches
 * them. It measures what the server and the machine give with no scheduler in front, so that
 * {@code replay --live --worker vllm} on the same workload shows what kvsched adds (docs/vllm-adapter.md,
 * "Accuracy"). Requests are sent exactly as the adapter sends them ({@link VllmRunner#completionRequest}) and
 * their streams read by the same {@link ServerStream}.
 *
 * <p>Times come back as the lifecycle events a scheduler would emit, in scheduler time: microseconds since
 * the start, wall time multiplied by the speed. A request arrives at its trace time, is admitted when it was
 * sent, gets its first token when the first chunk with output came, and completes when the stream finished;
 * an HTTP error, a broken stream or {@code requestTimeoutMs} of silence completes it with
 * {@code error: ...}, and the run goes on.
 */
public final class DirectLoad {

    /** How often the driver checks the streams for an end or a timeout, wall ms. */
    private static final long CHECK_MS = 10;
    /** How often it prints progress, wall ms. */
    private static final long PROGRESS_MS = 10_000;

    private DirectLoad() {
    }

    /**
     * Sends {@code requests} to the first server of {@code settings} (its {@code model}, {@code ignoreEos},
     * {@code requestTimeoutMs}, {@code connectTimeoutMs} and {@code speed} apply; the rest is the adapter's) and
     * returns once every request has ended.
     *
     * @param requests the workload, in arrival order
     * @param log      progress lines
     * @return every request's events, in scheduler time
     * @throws IllegalArgumentException naming {@code vllm.url} or {@code vllm.model} when the server never answers
     *                                  or does not serve the model
     */
    public static List<RequestEvent> run(final VllmSettings settings, final List<WorkloadRequest> requests, final PrintStream log)
            throws InterruptedException {
        final URI url = settings.urls().get(0);
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        final String model = VllmRunner.servedModel(http, url, settings);
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("direct-timer"));
        // Connection set-up happens on the sending thread: a few senders, so that a burst of arrivals goes out together.
        final ExecutorService senders = Executors.newFixedThreadPool(4, daemon("direct-send"));
        final ServerStream[] streams = new ServerStream[requests.size()];
        final long[] sentMs = new long[requests.size()];
        final long t0Ms = System.currentTimeMillis() + 200;
        try {
            for (int i = 0; i < requests.size(); i++) {
                final int index = i;
                final WorkloadRequest r = requests.get(i);
                final long dueMs = t0Ms + Math.round(r.arrivalUs() / 1000.0 / settings.speed());
                timer.schedule(() -> senders.execute(() -> {
                    final long now = System.currentTimeMillis();
                    final ServerStream s = new ServerStream(r.id(), r.promptTokens(), 0, r.maxTokens(), now, () -> { });
                    synchronized (streams) {
                        sentMs[index] = now;
                        streams[index] = s;
                    }
                    VllmRunner.stream(http, VllmRunner.completionRequest(url, model, r.id(), r.promptTokens(), r.maxTokens(),
                            settings.ignoreEos()), s);
                }), Math.max(0, dueMs - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            }
            long nextProgressMs = System.currentTimeMillis() + PROGRESS_MS;
            while (true) {
                final long now = System.currentTimeMillis();
                int finished = 0;
                synchronized (streams) {
                    for (final ServerStream s : streams) {
                        if (s == null) {
                            continue;
                        }
                        if (s.finish() == null && now - s.lastActivityMs() > settings.requestTimeoutMs()) {
                            s.finishIfOpen(FinishReason.ERROR, "no data from the server for " + settings.requestTimeoutMs() + " ms", now);
                            s.cancel();
                        }
                        if (s.finish() != null) {
                            finished++;
                        }
                    }
                }
                if (finished == requests.size()) {
                    break;
                }
                if (now >= nextProgressMs) {
                    log.printf(Locale.ROOT, "direct: %,d/%,d requests done%n", finished, requests.size());
                    nextProgressMs = now + PROGRESS_MS;
                }
                Thread.sleep(CHECK_MS);
            }
        } finally {
            timer.shutdownNow();
            senders.shutdownNow();
        }
        final List<RequestEvent> events = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            final WorkloadRequest r = requests.get(i);
            final ServerStream s = streams[i];
            final long sent = schedulerUs(sentMs[i], t0Ms, settings.speed());
            events.add(event(RequestEventKind.ARRIVED, r, r.arrivalUs(), 0, ""));
            events.add(event(RequestEventKind.ADMITTED, r, Math.max(r.arrivalUs(), sent), 0, ""));
            if (s.firstTokenWallMs() >= 0) {
                events.add(event(RequestEventKind.FIRST_TOKEN, r, schedulerUs(s.firstTokenWallMs(), t0Ms, settings.speed()), 1, ""));
            }
            final String reason = s.finish() == FinishReason.ERROR ? "error: " + s.message() : s.finish().wireName();
            events.add(event(RequestEventKind.COMPLETED, r, schedulerUs(s.finishWallMs(), t0Ms, settings.speed()), s.tokens(), reason));
        }
        return events;
    }

    private static long schedulerUs(final long wallMs, final long t0Ms, final double speed) {
        return Math.round((wallMs - t0Ms) * 1000.0 * speed);
    }

    private static RequestEvent event(final RequestEventKind kind, final WorkloadRequest r, final long timeUs, final int generated,
                                      final String reason) {
        return new RequestEvent(kind, r.id(), 0, timeUs, r.promptTokens(), r.maxTokens(), generated, reason);
    }

    private static java.util.concurrent.ThreadFactory daemon(final String name) {
        return task -> {
            final Thread t = new Thread(task, name);
            t.setDaemon(true);
            return t;
        };
    }
}
