package org.kvsched.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.kvsched.cli.replay.EmbeddedKafka;
import org.kvsched.cli.replay.LiveLog;
import org.kvsched.cli.replay.LiveOverhead;
import org.kvsched.cli.replay.ReplayRun;
import org.kvsched.cli.replay.RoundTripProbe;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.workload.Workload;
import org.kvsched.core.workload.WorkloadOptions;
import org.kvsched.core.workload.Workloads;
import org.kvsched.schemas.serde.AvroSerdes;
import org.kvsched.schemas.topic.TopicCatalog;
import org.kvsched.pipeline.topic.TopicProvisioner;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kvsched live-bench}: measures the live pipeline's scheduling overhead on this machine, with live
 * replays ({@code replay --live}) on one embedded KRaft broker, each run under its own topic prefix with
 * {@code arrivals}, {@code plans} and {@code step-reports} created {@code LogAppendTime} so that the broker
 * stamps every record with one clock. After each run the three topics are read back and analysed by
 * {@link LiveOverhead} (which says exactly which report/plan pairs count). Two parts:
 * <ul>
 *   <li><b>overhead</b>: per replica count, a static burst of requests that keeps every replica busy until
 *       it drains; prints p50, p99 and max of report-append to next-plan-append, milliseconds, with the
 *       sample and skip counts;</li>
 *   <li><b>rate</b>: at one replica count, Poisson arrivals of tiny requests (admitted at once) at doubling
 *       wall-clock rates; prints the arrival-to-first-plan lag per rate and the highest rate whose p99 stays
 *       under {@code --lag-bound-ms} and whose lag does not grow over the run.</li>
 * </ul>
 * Figures go to stdout, progress (the services' lines included) to stderr. Times have the 1 ms resolution
 * of Kafka timestamps.
 */
@Command(name = "live-bench", mixinStandardHelpOptions = true,
        description = "Measure the live pipeline's scheduling overhead (report to next plan, p50/p99 per replica count) "
                + "and the highest arrival rate the scheduler keeps up with, on an embedded KRaft broker.")
final class LiveBenchCommand implements Callable<Integer> {

    @Option(names = "--parts", split = ",", paramLabel = "PART", defaultValue = "overhead,rate",
            description = "Which measurements: overhead, rate or both (default: ${DEFAULT-VALUE}).")
    List<String> parts;

    @Option(names = "--replicas", split = ",", paramLabel = "N", defaultValue = "1,4,16",
            description = "Replica counts of the overhead part (default: ${DEFAULT-VALUE}).")
    List<Integer> replicas;

    @Option(names = "--requests-per-replica", paramLabel = "N", defaultValue = "48",
            description = "Overhead part: requests per replica, all arriving at once (default: ${DEFAULT-VALUE}).")
    int requestsPerReplica;

    @Option(names = "--min-requests", paramLabel = "N", defaultValue = "192",
            description = "Overhead part: at least this many requests per run, so that few replicas still give enough samples "
                    + "(default: ${DEFAULT-VALUE}).")
    int minRequests;

    @Option(names = "--overhead-lengths", paramLabel = "PROMPT;OUTPUT", defaultValue = "uniform:32:256;uniform:8:96",
            description = "Overhead part: prompt and output length distributions, tokens, as in --workload specs "
                    + "(default: ${DEFAULT-VALUE}).")
    String overheadLengths;

    @Option(names = "--speed", paramLabel = "X", defaultValue = "10",
            description = "Overhead part: replay speed (modelled GPU time / X on the wall clock) (default: ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--rates", split = ",", paramLabel = "REQ_PER_S", defaultValue = "10,20,40,80,160,320,640",
            description = "Rate part: wall-clock arrival rates to try in order, requests per second; stops after the first "
                    + "that is not kept up with (default: ${DEFAULT-VALUE}).")
    List<Double> rates;

    @Option(names = "--rate-replicas", paramLabel = "N", defaultValue = "4",
            description = "Rate part: replicas (default: ${DEFAULT-VALUE}).")
    int rateReplicas;

    @Option(names = "--rate-seconds", paramLabel = "S", defaultValue = "8",
            description = "Rate part: seconds of arrivals per rate (requests = rate x S) (default: ${DEFAULT-VALUE}).")
    double rateSeconds;

    @Option(names = "--rate-speed", paramLabel = "X", defaultValue = "100",
            description = "Rate part: replay speed, so that a plan's modelled time is small next to the transport "
                    + "(default: ${DEFAULT-VALUE}).")
    double rateSpeed;

    @Option(names = "--lag-bound-ms", paramLabel = "MS", defaultValue = "1000",
            description = "Rate part: a rate is kept up with if its p99 lag is at most MS and the median lag of the last third of "
                    + "its requests exceeds the first third's by at most MS (the lag does not grow); the sweep stops after the first "
                    + "rate not kept up with. The default suits a loaded machine; on a quiet one use 50 (default: ${DEFAULT-VALUE}).")
    double lagBoundMs;

    @Option(names = "--settle-s", paramLabel = "S", defaultValue = "2",
            description = "Leave out reports and arrivals appended in the first S seconds of each run (new clients, transactions "
                    + "and stores warming up) (default: ${DEFAULT-VALUE}).")
    double settleS;

    @Option(names = "--warmup-requests", paramLabel = "N", defaultValue = "96",
            description = "Requests of an unmeasured live run on one replica before the measured ones, so that the JIT has "
                    + "compiled the pipeline's paths; 0 skips it (default: ${DEFAULT-VALUE}).")
    int warmupRequests;

    @Option(names = "--probe-round-trips", paramLabel = "N", defaultValue = "300",
            description = "Round trips of the transport probe at the start (after 50 unmeasured ones) (default: ${DEFAULT-VALUE}).")
    int probeRoundTrips;

    @Option(names = "--policy", paramLabel = "SPEC", defaultValue = "fcfs-vllm",
            description = "Policy (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = ModelCatalog.DEFAULT_NAME,
            description = "Model profile (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Extra service configuration for every run, repeatable, as replay --set.")
    Map<String, String> extraConfig = new LinkedHashMap<>();

    /** One row of the overhead table. */
    private record OverheadRow(int replicas, int requests, LiveOverhead.Overhead overhead, double wallS) {
    }

    /** One row of the rate table. */
    private record RateRow(double targetPerS, int requests, LiveOverhead.Lag lag, boolean grows, boolean p99Within, double wallS) {

        boolean keptUp() {
            return !grows && p99Within;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:kvsched-log4j2.xml");
        }
        validate();
        final PrintStream log = System.err;
        final PrintStream out = System.out;
        final PolicyConfig config = PolicyConfig.parse(policy);
        final long t0 = System.nanoTime();
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            log.printf(Locale.ROOT, "[live-bench] embedded Kafka broker at %s started in %.1f s%n", broker.bootstrapServers(),
                    (System.nanoTime() - t0) / 1e9);
            // The transport's floor on this machine now (two plain hops, no Streams, no transaction): the figures
            // below are only comparable across machines or loads next to it.
            final RoundTripProbe.Latency probe = RoundTripProbe.measure(broker.bootstrapServers(), "lb-probe.", 50, probeRoundTrips);
            log.printf(Locale.ROOT, "[live-bench] transport round trip (2 hops, plain clients): p50 %.1f ms, p99 %.1f ms%n",
                    probe.p50Ms(), probe.p99Ms());
            int run = 0;
            final String[] lengths = overheadLengths.split(";", -1);
            if (warmupRequests > 0) {
                // Every service runs in this JVM: without this, the first measured run pays for class loading and the JIT.
                log.printf(Locale.ROOT, "[live-bench] warm-up: %d requests on 1 replica, not measured%n", warmupRequests);
                replay(broker.bootstrapServers(), "lb0-warmup.", String.format(Locale.ROOT, "static:n=%d,prompt=%s,output=%s",
                        warmupRequests, lengths[0], lengths[1]), config, 1, speed, log);
            }
            final List<OverheadRow> overheadRows = new ArrayList<>();
            if (parts.contains("overhead")) {
                for (final int r : replicas) {
                    run++;
                    final int n = Math.max(requestsPerReplica * r, minRequests);
                    final String spec = String.format(Locale.ROOT, "static:n=%d,prompt=%s,output=%s", n, lengths[0], lengths[1]);
                    log.printf(Locale.ROOT, "[live-bench] overhead %d/%d: %d replica(s), %s, speed %s%n", overheadRows.size() + 1,
                            replicas.size(), r, spec, fmt(speed));
                    final Timed t = replay(broker.bootstrapServers(), "lb" + run + "-r" + r + ".", spec, config, r, speed, log);
                    final LiveOverhead.Overhead o = LiveOverhead.overhead(t.log(), Math.round(settleS * 1000));
                    overheadRows.add(new OverheadRow(r, n, o, t.wallS()));
                    log.printf(Locale.ROOT, "[live-bench] overhead %d replica(s): %d samples, p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                            r, o.samples(), o.ms().p50(), o.ms().p99(), o.ms().max());
                }
            }
            final List<RateRow> rateRows = new ArrayList<>();
            if (parts.contains("rate")) {
                for (final double rate : rates) {
                    run++;
                    final int n = Math.max(3, (int) Math.round(rate * rateSeconds));
                    // The workload's clock runs rateSpeed times faster than the wall: divide the rate to get `rate` per wall second.
                    final String spec = String.format(Locale.ROOT, "poisson:rate=%s,n=%d,prompt=fixed:8,output=fixed:1", fmt(rate / rateSpeed), n);
                    log.printf(Locale.ROOT, "[live-bench] rate %d/%d: %s req/s on %d replicas, %d requests, speed %s%n", rateRows.size() + 1,
                            rates.size(), fmt(rate), rateReplicas, n, fmt(rateSpeed));
                    final Timed t = replay(broker.bootstrapServers(), "lb" + run + "-rate" + Math.round(rate) + ".", spec, config,
                            rateReplicas, rateSpeed, log);
                    final LiveOverhead.Lag lag = LiveOverhead.lag(t.log(), Math.round(settleS * 1000));
                    final boolean grows = lag.ms().count() == 0 || lag.never() > 0 || lag.growthMs() > lagBoundMs;
                    final RateRow row = new RateRow(rate, n, lag, grows, lag.ms().p99() <= lagBoundMs, t.wallS());
                    rateRows.add(row);
                    log.printf(Locale.ROOT, "[live-bench] rate %s req/s: lag p50 %.0f ms, p99 %.0f ms, growth %+.1f ms: %s%n", fmt(rate),
                            lag.ms().p50(), lag.ms().p99(), lag.growthMs(), row.keptUp() ? "kept up" : grows ? "lag grows" : "p99 over the bound");
                    if (!row.keptUp()) {
                        break;
                    }
                }
            }
            print(out, probe, overheadRows, rateRows);
        }
        return 0;
    }

    private void validate() {
        for (final String p : parts) {
            if (!p.equals("overhead") && !p.equals("rate")) {
                throw new IllegalArgumentException("--parts: overhead or rate, got '" + p + "'");
            }
        }
        if (replicas.stream().anyMatch(r -> r < 1) || rateReplicas < 1) {
            throw new IllegalArgumentException("replica counts must be >= 1");
        }
        if (probeRoundTrips < 1) {
            throw new IllegalArgumentException("--probe-round-trips must be >= 1, got " + probeRoundTrips);
        }
        if (requestsPerReplica < 1) {
            throw new IllegalArgumentException("--requests-per-replica must be >= 1, got " + requestsPerReplica);
        }
        if (overheadLengths.split(";", -1).length != 2) {
            throw new IllegalArgumentException("--overhead-lengths must be PROMPT;OUTPUT, got '" + overheadLengths + "'");
        }
        if (!(settleS >= 0) || warmupRequests < 0) {
            throw new IllegalArgumentException("--settle-s and --warmup-requests must be >= 0");
        }
        if (!(speed > 0) || !(rateSpeed > 0) || !(rateSeconds > 0) || !(lagBoundMs > 0)) {
            throw new IllegalArgumentException("--speed, --rate-speed, --rate-seconds and --lag-bound-ms must be > 0");
        }
        if (rates.stream().anyMatch(r -> !(r > 0))) {
            throw new IllegalArgumentException("--rates must be > 0, got " + rates);
        }
    }

    /** What one run left on the broker, and its wall time from the first arrival to the last event. */
    private record Timed(LiveLog log, double wallS) {
    }

    private Timed replay(final String bootstrap, final String prefix, final String workloadSpec, final PolicyConfig config,
                         final int replicaCount, final double runSpeed, final PrintStream log) throws Exception {
        final TopicCatalog topics = TopicCatalog.withPrefix(prefix);
        createLogAppendTimeTopics(bootstrap, topics, replicaCount);
        final Workload w = Workloads.generate(workloadSpec, WorkloadOptions.defaults(), seed);
        final Map<String, String> extra = new LinkedHashMap<>(extraConfig);
        extra.putIfAbsent("time", "live");
        final ReplayRun.Spec spec = new ReplayRun.Spec(w, config, model, 0, "oracle", seed, replicaCount, replicaCount, runSpeed,
                bootstrap, prefix, null, false, extra, log);
        final ReplayRun.Outcome outcome = ReplayRun.run(spec);
        if (!outcome.errors().isEmpty()) {
            throw new IllegalStateException("the run sent " + outcome.errors().size() + " records to errors, first: " + outcome.errors().get(0));
        }
        return new Timed(LiveLog.read(bootstrap, topics, AvroSerdes.singleObject(), Duration.ofMinutes(2)), outcome.run().wallSeconds());
    }

    /**
     * Creates the co-partitioned topics with broker-stamped timestamps before {@link ReplayRun} creates the
     * rest (it keeps existing topics and checks their partition counts). Arrivals are LogAppendTime in every
     * live run already; plans and step-reports are only here, because Streams forwards a plan with its
     * input's timestamp, which would hide the scheduler's time.
     */
    private static void createLogAppendTimeTopics(final String bootstrap, final TopicCatalog topics, final int partitions)
            throws InterruptedException {
        final List<String> names = List.of(topics.arrivals().name(), topics.plans().name(), topics.stepReports().name());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            for (final String name : names) {
                TopicProvisioner.createIfAbsent(admin, new NewTopic(name, partitions, (short) 1).configs(Map.of("message.timestamp.type", "LogAppendTime")));
            }
            // ReplayRun describes these topics right away; on a loaded machine the broker's metadata can lag the
            // creation by a moment ("does not host this topic-partition"), so wait until every partition is known.
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                try {
                    if (admin.describeTopics(names).allTopicNames().get().values().stream()
                            .allMatch(d -> d.partitions().size() == partitions && d.partitions().stream().allMatch(x -> x.leader() != null))) {
                        return;
                    }
                } catch (final ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw new IllegalStateException("cannot describe topics: " + e.getCause().getMessage(), e.getCause());
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics " + names + " not ready 30 s after their creation");
                }
                Thread.sleep(50);
            }
        }
    }

    private void print(final PrintStream out, final RoundTripProbe.Latency probe, final List<OverheadRow> overheadRows,
                       final List<RateRow> rateRows) {
        out.printf(Locale.ROOT, "kvsched live-bench: policy %s, model %s, embedded KRaft broker, times = broker append times (1 ms steps)%n",
                policy, model);
        out.printf(Locale.ROOT, "transport round trip (2 hops, plain clients, %d samples): p50 %.1f ms, p99 %.1f ms%n", probe.samples(),
                probe.p50Ms(), probe.p99Ms());
        if (!overheadRows.isEmpty()) {
            out.println();
            out.printf(Locale.ROOT, "Report append -> next plan append, busy replicas (speed %s, max(%d x replicas, %d) requests at once, "
                    + "lengths %s)%n", fmt(speed), requestsPerReplica, minRequests, overheadLengths);
            final List<List<String>> rows = new ArrayList<>();
            for (final OverheadRow r : overheadRows) {
                final LiveOverhead.Overhead o = r.overhead();
                rows.add(List.of(Integer.toString(r.replicas()), Integer.toString(r.requests()), num(o.ms().p50()), num(o.ms().p99()),
                        num(o.ms().max()), Long.toString(o.samples()), Integer.toString(o.skippedSettling()), Integer.toString(o.skippedIdle()),
                        Integer.toString(o.skippedArrival()), Integer.toString(o.noNextPlan()), num(o.planToReportMs().p50()), String.format(Locale.ROOT, "%.1f", r.wallS())));
            }
            TextTable.print(out, List.of("replicas", "requests", "p50 ms", "p99 ms", "max ms", "samples", "skipped settling", "skipped idle",
                    "skipped arrival", "last report", "plan->report p50 ms", "wall s"), rows);
        }
        if (!rateRows.isEmpty()) {
            out.println();
            out.printf(Locale.ROOT, "Arrival append -> first plan append, %d replicas, prompt 8 / output 1 tokens (speed %s, %s s of "
                    + "arrivals per rate); grows = last-third median - first-third median > %s ms; kept up = p99 within it and no growth%n",
                    rateReplicas, fmt(rateSpeed), fmt(rateSeconds), fmt(lagBoundMs));
            final List<List<String>> rows = new ArrayList<>();
            for (final RateRow r : rateRows) {
                final LiveOverhead.Lag l = r.lag();
                rows.add(List.of(fmt(r.targetPerS()), String.format(Locale.ROOT, "%.1f", l.arrivalRatePerS()), Integer.toString(r.requests()),
                        num(l.ms().p50()), num(l.ms().p99()), num(l.ms().max()), num(l.firstThirdP50Ms()), num(l.lastThirdP50Ms()),
                        r.grows() ? "yes" : "no", r.p99Within() ? "yes" : "no",
                        String.format(Locale.ROOT, "%.1f", r.wallS())));
            }
            TextTable.print(out, List.of("target req/s", "measured req/s", "requests", "p50 ms", "p99 ms", "max ms",
                    "first third p50", "last third p50", "grows", "p99 <= " + fmt(lagBoundMs), "wall s"), rows);
            // The sweep stops at the first rate not kept up with, so at most the last row failed.
            final RateRow last = rateRows.get(rateRows.size() - 1);
            double best = 0;
            for (final RateRow r : rateRows) {
                if (r.keptUp()) {
                    best = Math.max(best, r.targetPerS());
                }
            }
            out.printf(Locale.ROOT, "highest rate kept up with (p99 lag <= %s ms, no growth): %s req/s on %d replicas%s%n", fmt(lagBoundMs),
                    best > 0 ? fmt(best) : "none", rateReplicas, last.keptUp() ? " (the highest tried; try higher --rates)"
                            : String.format(Locale.ROOT, "; at %s req/s %s", fmt(last.targetPerS()),
                                    last.grows() ? "the lag grows" : "the p99 lag is over the bound"));
        }
    }

    private static String num(final double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String fmt(final double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4g", v);
    }
}
