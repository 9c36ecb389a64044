package org.kvsched.vllmsim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.kvsched.core.engine.BatchPlan;
import org.kvsched.core.engine.FinishReason;
import org.kvsched.core.engine.PlanEntry;
import org.kvsched.core.engine.PlanExecutor;
import org.kvsched.core.engine.ReplicaLoop;
import org.kvsched.core.engine.ReplicaSpec;
import org.kvsched.core.engine.SchedulerListener;
import org.kvsched.core.engine.StepReport;
import org.kvsched.core.engine.TokenProgress;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.Request;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.model.RequestEventKind;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.policy.PolicyContext;

/**
 * The simulated GPU and its scheduler: one replica doing continuous batching in wall-clock time.
 *
 * <p>One thread, the scheduler thread, owns a core {@link ReplicaLoop} on {@link ReplicaLoop.Clock.Wall} whose
 * scheduler runs {@code fcfs-vllm} (the core's model of vLLM's V1 scheduler) with the server's
 * {@code max-num-seqs} and token budget. Each plan is run by the core {@link PlanExecutor} on the deployment's
 * execution-time model, which gives every iteration's end in modelled microseconds; the thread then waits for
 * each iteration's end on the wall clock, at modelled time / speed, and hands the tokens of that iteration to
 * the requests' clients. As in vLLM, which schedules every iteration, anything that arrives during an
 * iteration (a request, an abort) cuts the plan at that iteration's end: the report covers the iterations run
 * so far and the scheduler decides again. The scheduler learns progress, completions and aborts only from
 * those reports.
 *
 * <p>Clock: modelled microseconds since start = wall microseconds since start x speed. A request's arrival is
 * the wall time its HTTP request was received. Iterations follow each other back to back in modelled time: a
 * decision after a report is taken at the report's end (or at the last arrival, if later), so a thread that
 * wakes late (a busy machine, a very high speed) sends tokens late but catches up, instead of shifting every
 * later iteration. Only a decision on an idle replica is taken at the wall clock's reading.
 *
 * <p>Aborts (a client that went away), as vLLM handles them: a waiting (or preempted) request leaves the queue
 * at once ({@link org.kvsched.core.engine.Scheduler#abortWaiting}); a running one ends, with reason
 * {@code abort}, in the report of the iteration running when the abort comes, which frees its KV blocks. One
 * that the scheduler admits in the same decision that sees its abort is modelled out of that plan's
 * iterations, so it costs no GPU time.
 *
 * <p>Thread-safety: {@link #submit}, {@link #abort}, {@link #stats} and {@link #close} may be called from any
 * thread; everything else runs on the scheduler thread.
 */
final class SimEngine implements AutoCloseable {

    /** Where a request's output goes. Called on the scheduler thread, in order; implementations must not block. */
    interface Client {
        /**
         * The request's output token number {@code index} (from 1) was generated.
         *
         * @param index  1-based position of the token in the output
         * @param finish why the request ended with this token ({@code LENGTH} at the cap, {@code EOS}), or null
         */
        void onToken(int index, FinishReason finish);

        /**
         * The request ended without a further token: {@code ABORT} after {@link #abort}, {@code ERROR} if the
         * scheduler refused it or the server stopped.
         */
        void onEnd(FinishReason reason, String message);
    }

    /**
     * A generation request as the server accepted it.
     *
     * @param promptTokens prompt length, tokens, &gt;= 1
     * @param maxTokens    the {@code max_tokens} cap, &gt;= 1
     * @param minTokens    {@code min_tokens}, 0..maxTokens
     * @param ignoreEos    {@code ignore_eos}
     */
    record Generation(int promptTokens, int maxTokens, int minTokens, boolean ignoreEos) {
    }

    /**
     * The engine's state as {@code /metrics} shows it, as of the last iteration end or input.
     *
     * @param running        requests in the running batch
     * @param waiting        requests received and not running (queued, preempted, or not yet seen by the scheduler)
     * @param usedBlocks     KV blocks in use
     * @param capacityBlocks KV blocks of the replica
     * @param alive          false once the scheduler thread has stopped
     */
    record Stats(int running, int waiting, int usedBlocks, int capacityBlocks, boolean alive) {
        /** KV-cache usage, 0..1. */
        double kvUsage() {
            return capacityBlocks == 0 ? 0 : (double) usedBlocks / capacityBlocks;
        }
    }

    private sealed interface Input permits Arrival, Abort, Stop {
    }

    private record Arrival(long id, long receivedNanos, Generation generation, int trueOutputTokens, Client client)
            implements Input {
    }

    private record Abort(long id) implements Input {
    }

    private record Stop() implements Input {
    }

    /** What the engine keeps of a request it holds (scheduler thread only). */
    private static final class Live {
        final Arrival arrival;
        int sent;
        boolean aborted;
        boolean finished;

        Live(final Arrival arrival) {
            this.arrival = arrival;
        }
    }

    /** The plan being executed (scheduler thread only). */
    private static final class Run {
        final BatchPlan plan;
        final BatchPlan modelled;
        final List<Long> dropped;
        final long[] ends;
        final int usedBlocksAtStart;
        int done;
        boolean cut;

        Run(final BatchPlan plan, final BatchPlan modelled, final List<Long> dropped, final long[] ends,
            final int usedBlocksAtStart) {
            this.plan = plan;
            this.modelled = modelled;
            this.dropped = dropped;
            this.ends = ends;
            this.usedBlocksAtStart = usedBlocksAtStart;
        }
    }

    /** A plan may run at most this far (modelled) past its decision without one: a guard, inputs cut plans anyway. */
    static final long HORIZON_US = 1_000_000;
    private static final String DISCONNECTED = "client disconnected";

    private final double speed;
    private final int blockSize;
    private final PlanExecutor executor;
    private final OutputLengths lengths;
    private final SimMetrics metrics;
    private final ReplicaLoop loop;
    private final LinkedBlockingQueue<Input> inbox = new LinkedBlockingQueue<>();
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Live> live = new HashMap<>();
    private final Set<Long> abortsPending = new HashSet<>();
    private final Thread thread;
    private final Runnable beforeWait;
    private final long startNanos;
    private volatile Stats stats;

    private BatchPlan planned;
    private Run run;
    private long lastArrivalUs;
    private int undelivered;

    /**
     * Builds the engine and starts its scheduler thread.
     *
     * @param settings   the server's settings (deployment, limits, speed, output lengths, served model name)
     * @param beforeWait runs on the scheduler thread whenever it is about to wait (for an input or an iteration's
     *                   end): where clients hand over at once what they queued during the iterations just ended
     */
    SimEngine(final VllmSimSettings settings, final Runnable beforeWait) {
        this.beforeWait = beforeWait;
        this.speed = settings.speed();
        this.blockSize = settings.profile().blockSize();
        this.executor = new PlanExecutor(settings.profile().timeModel());
        this.lengths = new OutputLengths(settings.eos());
        final PolicyConfig policy = new PolicyConfig("fcfs-vllm", Map.of(
                "max-num-seqs", Integer.toString(settings.maxNumSeqs()),
                "max-num-batched-tokens", Integer.toString(settings.maxNumBatchedTokens())));
        final ReplicaSpec spec = new ReplicaSpec(policy, new PolicyContext(settings.profile().timeModel(),
                settings.profile().kvCapacityTokens(), blockSize, settings.eos().seed(), null));
        this.loop = new ReplicaLoop(spec.newScheduler(0, new Events()), new ReplicaLoop.Clock.Wall(HORIZON_US),
                plan -> planned = plan);
        this.stats = new Stats(0, 0, 0, loop.scheduler().capacityBlocks(), true);
        this.metrics = new SimMetrics(settings.servedModelName(), this::stats);
        this.startNanos = System.nanoTime();
        this.thread = new Thread(this::runLoop, "vllm-sim-scheduler");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The latest state, for {@code /metrics} and {@code /health}. */
    Stats stats() {
        return stats;
    }

    /** The metrics this engine records into (its tokens, latencies, preemptions and state). */
    SimMetrics metrics() {
        return metrics;
    }

    /**
     * A fresh request id (ids follow the order requests reach the server), reserved before {@link #submit} so
     * that a client can be told how to abort before its first token can come.
     */
    long newId() {
        return ids.getAndIncrement();
    }

    /**
     * Queues a request.
     *
     * @param id            its id, from {@link #newId}; also the key of its output-length draw
     * @param generation    what was asked
     * @param receivedNanos when its HTTP request was received ({@link System#nanoTime()})
     * @param client        where its tokens go
     */
    void submit(final long id, final Generation generation, final long receivedNanos, final Client client) {
        final int truth = lengths.draw(id, generation.minTokens(), generation.maxTokens(), generation.ignoreEos());
        inbox.add(new Arrival(id, receivedNanos, generation, truth, client));
    }

    /** Ends a request whose client went away (frees its KV); nothing happens if it already ended. */
    void abort(final long id) {
        inbox.add(new Abort(id));
    }

    /** Stops the scheduler thread; requests still held end with {@code ERROR}. */
    @Override
    public void close() {
        inbox.add(new Stop());
        try {
            thread.join(10_000);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- scheduler thread ----

    private void runLoop() {
        String why = "server shutting down";
        try {
            while (true) {
                final Input in;
                beforeWait.run();
                if (run == null) {
                    in = inbox.take();
                } else {
                    final long wait = wallNanos(run.ends[run.done]) - System.nanoTime();
                    in = wait > 0 ? inbox.poll(wait, TimeUnit.NANOSECONDS) : inbox.poll();
                }
                if (in == null) {
                    iterationEnded();
                    continue;
                }
                boolean stop = !apply(in);
                Input more;
                while (!stop && (more = inbox.poll()) != null) {
                    stop = !apply(more);
                }
                if (stop) {
                    break;
                }
                if (run == null) {
                    decide(modelUs(System.nanoTime()));
                } else {
                    // As vLLM schedules every iteration: the input is seen at the end of the iteration running now.
                    run.cut = true;
                }
                publish();
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (final RuntimeException e) {
            why = "vllm-sim scheduler failed: " + e;
            System.err.println(why);
            e.printStackTrace();
        } finally {
            stats = new Stats(0, 0, 0, stats.capacityBlocks(), false);
            for (final Live l : live.values()) {
                if (!l.finished) {
                    l.arrival.client().onEnd(FinishReason.ERROR, why);
                }
            }
            live.clear();
            beforeWait.run();
        }
    }

    /** Applies one input; false for the stop marker. */
    private boolean apply(final Input in) {
        if (in instanceof Stop) {
            return false;
        }
        if (in instanceof Abort a) {
            final Live l = live.get(a.id());
            if (l != null && !l.finished && !l.aborted) {
                l.aborted = true;
                abortsPending.add(a.id());
                dropWaitingAborts();
            }
            return true;
        }
        final Arrival a = (Arrival) in;
        // Arrivals reach this thread in queue order; their stamps may be a little out of order across HTTP threads.
        final long arrivalUs = Math.max(lastArrivalUs, Math.max(0, modelUs(a.receivedNanos())));
        final Request r = new Request(a.id(), arrivalUs, a.generation().promptTokens(), a.generation().maxTokens(),
                LengthPredictor.UNKNOWN);
        final String refused = loop.rejectReason(r);
        if (refused != null) {
            a.client().onEnd(FinishReason.ERROR, refused);
            return true;
        }
        lastArrivalUs = arrivalUs;
        live.put(a.id(), new Live(a));
        loop.onArrival(r);
        undelivered++;
        return true;
    }

    /** Asks the scheduler at modelled time {@code nowUs}; starts the plan it makes, if any. */
    private void decide(final long nowUs) {
        loop.advanceAt(nowUs);
        undelivered = 0;
        final BatchPlan plan = planned;
        planned = null;
        // The decision delivered any arrival still buffered: an aborted one that the plan left waiting goes now.
        dropWaitingAborts();
        if (plan != null) {
            start(plan);
        }
    }

    /**
     * Ends the aborted requests that wait in the scheduler's queue (vLLM drops a waiting request at once). One
     * that runs ends in its plan's report instead; one not yet delivered to the scheduler stays pending.
     */
    private void dropWaitingAborts() {
        final long now = modelUs(System.nanoTime());
        abortsPending.removeIf(id -> !live.containsKey(id) || loop.scheduler().abortWaiting(id, now));
    }

    private void start(final BatchPlan plan) {
        final List<PlanEntry> kept = new ArrayList<>(plan.entries().size());
        final List<Long> dropped = new ArrayList<>();
        for (final PlanEntry e : plan.entries()) {
            if (live.get(e.requestId()).aborted) {
                dropped.add(e.requestId());
            } else {
                kept.add(e);
            }
        }
        final BatchPlan modelled = kept.isEmpty() ? null : dropped.isEmpty() ? plan
                : new BatchPlan(plan.replicaId(), plan.planId(), plan.startUs(), kept, plan.maxDecodeContinuation(),
                plan.stopAtUs());
        // A plan of aborted requests only takes no time: one empty iteration ending where it starts.
        final long[] ends = modelled == null ? new long[] {plan.startUs()}
                : executor.execute(modelled, this::trueOutputTokens).iterationEndTimes();
        run = new Run(plan, modelled, dropped, ends, loop.scheduler().usedBlocks());
        publish();
    }

    private int trueOutputTokens(final long id) {
        return live.get(id).arrival.trueOutputTokens();
    }

    /** The iteration {@code run.done} has ended on the wall clock: its tokens go out. */
    private void iterationEnded() {
        final int k = run.done;
        if (run.modelled != null) {
            for (final PlanEntry e : run.modelled.entries()) {
                if (e.emitsToken()) {
                    final Live l = live.get(e.requestId());
                    final int index = e.generatedBefore() + k + 1;
                    final int truth = l.arrival.trueOutputTokens();
                    final FinishReason finish = index < truth ? null
                            : truth == e.maxTokens() ? FinishReason.LENGTH : FinishReason.EOS;
                    emit(l, index, finish);
                }
            }
        }
        run.done++;
        if (run.cut || run.done == run.ends.length) {
            report();
            // The next step follows this one back to back, as vLLM's engine loop does, even when this thread is
            // late (a busy machine): a late thread must not push the modelled timeline, or lateness would add up.
            decide(Math.max(loop.scheduler().clockUs(), lastArrivalUs));
        }
        publish();
    }

    private void emit(final Live l, final int index, final FinishReason finish) {
        // A request preempted and recomputed keeps its output (vLLM V1): a token is never sent twice.
        if (l.aborted || index <= l.sent) {
            return;
        }
        final long now = System.nanoTime();
        if (l.sent == 0) {
            metrics.firstToken(l.arrival.generation().promptTokens(), seconds(now - l.arrival.receivedNanos()));
        }
        metrics.generated(index - l.sent);
        l.sent = index;
        if (finish != null) {
            l.finished = true;
            metrics.finished(Wire.finishReason(finish), seconds(now - l.arrival.receivedNanos()));
        }
        l.arrival.client().onToken(index, finish);
    }

    /** Answers the plan with the iterations run so far; aborted requests end with reason {@code abort}. */
    private void report() {
        final Run r = run;
        run = null;
        final long[] ends = Arrays.copyOf(r.ends, r.done);
        final List<TokenProgress> progress = new ArrayList<>();
        if (r.modelled != null) {
            for (final TokenProgress p : PlanExecutor.report(r.modelled, ends, this::trueOutputTokens).progress()) {
                progress.add(live.get(p.requestId()).aborted && !p.finished()
                        ? new TokenProgress(p.requestId(), p.outputTokens(), p.firstTokenUs(), FinishReason.ABORT, DISCONNECTED)
                        : p);
            }
            for (final PlanEntry e : r.modelled.entries()) {
                // A request aborted during a prefill chunk of its prompt generated nothing and is not in the progress.
                if (!e.emitsToken() && live.get(e.requestId()).aborted) {
                    progress.add(new TokenProgress(e.requestId(), 0, TokenProgress.NONE, FinishReason.ABORT, DISCONNECTED));
                }
            }
        }
        for (final long id : r.dropped) {
            progress.add(new TokenProgress(id, 0, TokenProgress.NONE, FinishReason.ABORT, DISCONNECTED));
        }
        loop.onReport(new StepReport(r.plan.replicaId(), r.plan.planId(), r.plan.startUs(), ends, progress));
    }

    private void publish() {
        final int running = loop.scheduler().runningCount();
        final int waiting = loop.scheduler().waitingCount() + undelivered;
        int used = loop.scheduler().usedBlocks();
        if (run != null && run.done > 1 && run.modelled != null) {
            // Between reports the scheduler's count stands still; a decode writes one token of KV per iteration.
            used = run.usedBlocksAtStart;
            final int k = run.done - 1;
            for (final PlanEntry e : run.modelled.entries()) {
                if (e.emitsToken()) {
                    final long base = (long) e.computedBefore() + e.tokens();
                    used += blocks(base + k) - blocks(base);
                }
            }
        }
        stats = new Stats(running, waiting, used, loop.scheduler().capacityBlocks(), true);
    }

    private int blocks(final long tokens) {
        return (int) ((tokens + blockSize - 1) / blockSize);
    }

    private long modelUs(final long nanos) {
        return (long) ((nanos - startNanos) / 1000.0 * speed);
    }

    private long wallNanos(final long modelUs) {
        return startNanos + (long) (modelUs * 1000.0 / speed);
    }

    private static double seconds(final long nanos) {
        return nanos / 1e9;
    }

    /** The scheduler's request events: preemptions, refusals and the end of aborted requests. */
    private final class Events implements SchedulerListener {
        @Override
        public void onRequestEvent(final RequestEvent event) {
            final RequestEventKind kind = event.kind();
            if (kind == RequestEventKind.PREEMPTED) {
                metrics.preempted();
            } else if (kind == RequestEventKind.REJECTED) {
                final Live l = live.remove(event.requestId());
                if (l != null) {
                    l.finished = true;
                    l.arrival.client().onEnd(FinishReason.ERROR, event.reason());
                }
            } else if (kind == RequestEventKind.COMPLETED) {
                final Live l = live.remove(event.requestId());
                if (l != null && !l.finished) {
                    // Tokens and natural ends went out at their iteration's end; only an abort ends here.
                    l.finished = true;
                    metrics.finished(Wire.finishReason(FinishReason.ABORT), -1);
                    l.arrival.client().onEnd(FinishReason.ABORT, DISCONNECTED);
                }
            }
        }
    }
}
