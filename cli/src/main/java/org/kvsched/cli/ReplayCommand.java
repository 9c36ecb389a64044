package org.kvsched.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.kvsched.cli.replay.ReplayRun;
import org.kvsched.cli.replay.Verification;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.metrics.RunResult;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.core.policy.PolicyKind;
import org.kvsched.core.sim.PolicySwap;
import org.kvsched.core.sim.Simulation;
import org.kvsched.core.sim.SimulationSetup;
import org.kvsched.core.workload.Workload;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kvsched replay}: the workload through the Kafka pipeline (arrivals-producer, scheduler-stream,
 * gpu-worker-sim, metrics-sink), on an embedded single-node KRaft broker unless
 * {@code --bootstrap-servers} names a cluster. Same workload, model and policy options as
 * {@code simulate}, same summary table and JSON keys (plus {@code kafka_round_trips} and
 * {@code events_per_s}); {@code --verify} also runs the in-memory engine and compares every request.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replay a workload through the Kafka pipeline (embedded KRaft broker unless --bootstrap-servers) and print the summary.")
final class ReplayCommand implements Callable<Integer> {

    @Mixin
    WorkloadArgs workload;

    @Mixin
    DeploymentArgs deployment;

    @Option(names = "--policy", paramLabel = "SPEC", defaultValue = "fcfs-vllm",
            description = "Policy name, optionally with parameters; see 'kvsched policies' (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the summary as JSON.")
    Path json;

    @Option(names = "--report", paramLabel = "DIR", description = "Write an HTML report with charts (plus JSON and per-request CSV).")
    Path report;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Use this Kafka cluster instead of starting an embedded broker (topics are created if missing).")
    String bootstrapServers;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX",
            description = "Prefix of topic, group and application names (default: none on the embedded broker or with "
                    + "--external-services, a fresh run id otherwise).")
    String topicPrefix;

    @Option(names = "--external-services",
            description = "scheduler-stream and gpu-worker-sim already run against --bootstrap-servers (e.g. 'kvsched cluster up', "
                    + "with the same --replicas and --policy): only produce the arrivals and read the results, so the services "
                    + "can be restarted while the replay runs.")
    boolean externalServices;

    @Option(names = "--schema-registry-url", paramLabel = "URL",
            description = "Use the Confluent wire format against this schema registry (default: Avro single-object encoding, no registry).")
    String schemaRegistryUrl;

    @Option(names = "--speed", paramLabel = "X", defaultValue = "0",
            description = "0: virtual time, as fast as possible; X > 0: wall-clock replay X times faster than the trace (default: ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "0",
            description = "gpu-worker-sim instances sharing the replicas' partitions (0 = one per replica).")
    int workers;

    @Option(names = "--verify", description = "Also run the in-memory engine and require identical per-request results.")
    boolean verify;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Extra service configuration, repeatable: e.g. commit.interval.ms=5, processing.guarantee=at_least_once, kafka.linger.ms=1.")
    Map<String, String> extraConfig = new LinkedHashMap<>();

    @Option(names = "--live",
            description = "Live scheduling on the wall clock: arrivals are sent at trace time / --speed and stamped by the broker on "
                    + "append, the scheduler decides on each arrival, report and timer with plans bounded by a horizon, and the "
                    + "simulated workers sleep the modelled time / --speed. Needs --speed > 0 (1 = real time).")
    boolean live;

    @Option(names = "--worker", paramLabel = "KIND", defaultValue = "sim",
            description = "What executes the plans: sim (the simulated A100) or vllm (a vLLM server, or ./kvsched vllm-sim, "
                    + "through its HTTP API; needs --live and --vllm-url) (default: ${DEFAULT-VALUE}).")
    String worker;

    @Option(names = "--vllm-url", paramLabel = "URL",
            description = "Base URL of the vLLM server(s) for --worker vllm, e.g. http://127.0.0.1:8000; a comma list serves "
                    + "replica r from URL r mod n. The server must run at --speed (vllm-sim --speed X), and its KV capacity "
                    + "should match --kv-capacity (vLLM: --num-gpu-blocks-override x block size).")
    String vllmUrl;

    @Option(names = "--vllm-model", paramLabel = "NAME",
            description = "Served model name to send (default: the first one the server lists).")
    String vllmModel;

    @Option(names = "--reference-policy", paramLabel = "SPEC",
            description = "The policy of the in-memory run that --verify compares a live run with (default: --policy). In front of "
                    + "a server, whose own scheduler batches, give the server's: vllm-sim runs fcfs-vllm:max-num-batched-tokens=2048.")
    String referencePolicy;

    @Option(names = "--swap-policy-at", paramLabel = "P%:POLICY",
            description = "Policy swap by redeploy: stop the scheduler app once P% (or N) of the requests have arrived and start it "
                    + "with POLICY on the same state; running requests keep their KV and progress. With --verify the in-memory "
                    + "engine switches at the same point.")
    String swapPolicyAt;

    @Option(names = "--measure-restore",
            description = "After the run, restart the scheduler with its state directory and then with an empty one (restoring "
                    + "from the changelog), and report both restore times and the state size.")
    boolean measureRestore;

    @Option(names = "--record", paramLabel = "DIR",
            description = "Keep the run for 'kvsched rerun': every replica's whole log (exported from the scheduler's changelog at the "
                    + "end, snapshot.every=0 unless --set says otherwise) to DIR/replica-log.avro and the per-request outcomes to "
                    + "DIR/requests.csv.")
    Path record;

    @Option(names = "--local-cluster",
            description = "Run on a fresh local cluster of separate processes (a KRaft broker, --schedulers scheduler-stream "
                    + "instances, the workers; as 'kvsched cluster up' makes), then stop it.")
    boolean localCluster;

    @Option(names = "--schedulers", paramLabel = "N", defaultValue = "1",
            description = "With --local-cluster: scheduler-stream instances sharing the replicas (default: ${DEFAULT-VALUE}).")
    int schedulers;

    @Option(names = "--cluster-dir", paramLabel = "DIR",
            description = "Replay against the running cluster that 'kvsched cluster up --dir DIR' started: implies --external-services "
                    + "and takes --bootstrap-servers from the cluster; with --chaos the faults hit that cluster's processes, and it "
                    + "stays up afterwards.")
    Path clusterDir;

    @Option(names = "--chaos", paramLabel = "FAULTS",
            description = "Kill services with SIGKILL at points drawn from --seed while the replay runs (implies --local-cluster "
                    + "unless --cluster-dir names a running cluster): "
                    + "kill-scheduler:N and kill-worker:N start the process again at once, crash-scheduler:N and crash-worker:N "
                    + "leave it dead for the other instances to take over; e.g. kill-scheduler:3,kill-worker:3. With --verify the "
                    + "result must still be identical.")
    String chaos;

    @Option(names = "--probe", description = "Measure the transport's round-trip latency first and report how close the replay runs to it.")
    boolean probe;

    @Override
    public Integer call() throws Exception {
        // Before any Kafka class logs: the broker and clients are chatty at INFO.
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:kvsched-log4j2.xml");
        }
        deployment.validate();
        if (!deployment.routing.equals("round-robin")) {
            throw new IllegalArgumentException("--routing: replay routes in the producer, which supports round-robin only, got '"
                    + deployment.routing + "'");
        }
        if (!(speed >= 0)) {
            throw new IllegalArgumentException("--speed must be >= 0, got " + speed);
        }
        if (live && !(speed > 0)) {
            throw new IllegalArgumentException("--live needs --speed > 0 (1 = real time), got " + speed);
        }
        if (live && swapPolicyAt != null) {
            throw new IllegalArgumentException("--swap-policy-at works on virtual-time replays only (a live swap is a redeploy)");
        }
        if (!worker.equals("sim") && !worker.equals("vllm")) {
            throw new IllegalArgumentException("--worker must be sim or vllm, got '" + worker + "'");
        }
        if (worker.equals("vllm")) {
            if (!live || vllmUrl == null) {
                throw new IllegalArgumentException("--worker vllm needs --live and --vllm-url (a server runs on the wall clock)");
            }
            extraConfig.putIfAbsent("worker", "vllm");
            extraConfig.putIfAbsent("vllm.url", vllmUrl);
            if (vllmModel != null) {
                extraConfig.putIfAbsent("vllm.model", vllmModel);
            }
        }
        if (clusterDir != null) {
            if (bootstrapServers != null || localCluster) {
                throw new IllegalArgumentException("--cluster-dir names a running cluster: it rules out --bootstrap-servers and --local-cluster");
            }
            externalServices = true;
            bootstrapServers = new org.kvsched.cli.cluster.ClusterDir(clusterDir).readClusterProperties()
                    .map(p -> p.get("bootstrap.servers")).orElseThrow(() -> new IllegalArgumentException(
                            "--cluster-dir: no cluster in " + clusterDir + " (start one with 'kvsched cluster up --dir " + clusterDir + "')"));
        }
        if (externalServices && (bootstrapServers == null || live || swapPolicyAt != null || measureRestore)) {
            throw new IllegalArgumentException("--external-services needs --bootstrap-servers and rules out --live, --swap-policy-at "
                    + "and --measure-restore (they configure or restart the scheduler)");
        }
        final org.kvsched.cli.cluster.Chaos.Spec faults = chaos == null ? null : org.kvsched.cli.cluster.Chaos.Spec.parse(chaos);
        localCluster |= faults != null && clusterDir == null;
        if (localCluster && (bootstrapServers != null || externalServices || swapPolicyAt != null || measureRestore || record != null)) {
            throw new IllegalArgumentException("--local-cluster and --chaos start their own cluster: they rule out --bootstrap-servers, "
                    + "--external-services, --swap-policy-at, --measure-restore and --record (--cluster-dir aims --chaos at a running cluster)");
        }
        if (faults != null && (live || speed > 0)) {
            throw new IllegalArgumentException("--chaos runs in virtual time (no --live, no --speed): only then are the results "
                    + "comparable to the last microsecond");
        }
        if (schedulers != 1 && !localCluster) {
            throw new IllegalArgumentException("--schedulers needs --local-cluster (in-process replays run one scheduler app)");
        }
        if (live) {
            extraConfig.putIfAbsent("time", "live");
        }
        final ModelProfile model = deployment.profile();
        final PolicyConfig config = PolicyConfig.parse(policy);
        final Workload w = workload.load(workload.rateScale, deployment.seed);
        // Fail on a bad policy before starting anything (with the workload, as simulate builds it).
        PolicyKind.create(config, new PolicyContext(model.timeModel(), model.kvCapacityTokens(), model.blockSize(), deployment.seed, w));
        if (referencePolicy != null) {
            PolicyKind.create(PolicyConfig.parse(referencePolicy),
                    new PolicyContext(model.timeModel(), model.kvCapacityTokens(), model.blockSize(), deployment.seed, w));
        }
        final PolicySwap swap = swapPolicyAt == null ? null : PolicySwap.parse(swapPolicyAt, w.size());
        if (swap != null) {
            PolicyKind.create(swap.next(), new PolicyContext(model.timeModel(), model.kvCapacityTokens(), model.blockSize(), deployment.seed, w));
        }
        final String prefix = topicPrefix != null ? topicPrefix
                : bootstrapServers == null || externalServices ? "" : "replay-" + Long.toString(System.currentTimeMillis(), 36) + ".";
        final ReplayRun.Spec spec = new ReplayRun.Spec(w, config, deployment.model, deployment.kvCapacity, deployment.predictor,
                deployment.seed, deployment.replicas, workers > 0 ? workers : deployment.replicas, speed, bootstrapServers, prefix,
                schemaRegistryUrl, probe, extraConfig, System.err, swap, measureRestore, record);
        System.out.printf(Locale.ROOT, "kvsched replay: %s, %d requests (%s), model %s (KV %,d tokens/replica), %d replica(s), predictor %s, %s%n",
                config.toSpec(), w.requests().size(), w.name(), model.name(), model.kvCapacityTokens(), deployment.replicas,
                deployment.lengthPredictor().spec(), localCluster ? "a local cluster of separate processes"
                        : bootstrapServers == null ? "embedded Kafka broker"
                        : "Kafka at " + bootstrapServers + (externalServices ? " (external services)" : ""));
        final ReplayRun.Outcome outcome;
        org.kvsched.cli.cluster.ClusterReplay.Result clustered = null;
        if (localCluster) {
            clustered = org.kvsched.cli.cluster.ClusterReplay.run(spec, schedulers, faults, null, System.err);
            outcome = clustered.outcome();
        } else if (faults != null) {
            clustered = org.kvsched.cli.cluster.ClusterReplay.runOnRunning(spec, faults, new org.kvsched.cli.cluster.ClusterDir(clusterDir),
                    System.err);
            outcome = clustered.outcome();
        } else {
            outcome = ReplayRun.run(spec, externalServices ? ReplayRun.Services.EXTERNAL : ReplayRun.Services.IN_PROCESS);
        }
        final RunResult r = outcome.run();
        final String label = swap == null ? r.label() : config.toSpec() + " -> " + swap.next().toSpec() + " after " + swap.afterRequests();
        final RunResult result = new RunResult(label, r.model(), workload.rateScale, r.summary(), r.outcomes(), r.kvSamples(), r.wallSeconds());
        SummaryTable.print(System.out, List.of(result));
        System.out.printf(Locale.ROOT, "kafka: %,d round trips, %,.0f events/s, %.1f s wall (%.1f s start-up before it)%s%s%n",
                outcome.roundTrips(), outcome.eventsPerS(), r.wallSeconds(), outcome.startupS(),
                outcome.errors().isEmpty() ? "" : ", " + outcome.errors().size() + " records to errors",
                outcome.probe() == null ? "" : String.format(Locale.ROOT, "; transport round trip p50 %.2f ms, wall / (round trips x p50) = %.2f",
                        outcome.probe().p50Ms(), r.wallSeconds() / (outcome.roundTrips() * outcome.probe().p50Ms() / 1000.0)));
        if (outcome.swap() != null) {
            System.out.printf(Locale.ROOT, "swap: %s -> %s after %d of %d requests (from %.3f s of the trace on replica 0); "
                            + "scheduler down and back in %.1f s, %d log entries re-applied%n",
                    config.toSpec(), swap.next().toSpec(), swap.afterRequests(), w.size(), outcome.swap().swapTimesUs()[0] / 1e6,
                    outcome.swap().stopS(), outcome.swap().restoredEntries());
        }
        if (outcome.recorded() != null) {
            System.out.printf(Locale.ROOT, "recorded: %,d replica-log entries of %d replica(s) in %s%s; re-run with: kvsched rerun %s%n",
                    outcome.recorded().entries(), outcome.recorded().replicas(), record,
                    outcome.recorded().complete() ? "" : " (INCOMPLETE: snapshots deleted the head of a log)", record);
        }
        if (outcome.restore() != null) {
            final ReplayRun.RestoreReport rr = outcome.restore();
            System.out.printf(Locale.ROOT, "restore: state directory %,d bytes; restart with it %.2f s to RUNNING (%,d log entries re-applied "
                            + "in %.3f s); with an empty one %.2f s (%,d changelog records, %,d log entries re-applied)%n",
                    rr.stateBytes(), rr.localS(), rr.localEntries(), rr.localRebuildS(), rr.changelogS(), rr.changelogRecords(),
                    rr.changelogEntries());
        }
        if (clustered != null) {
            final String chaosDone = clustered.faults().isEmpty() ? "" : "chaos: " + clustered.faults().size() + " SIGKILL(s) of "
                    + clustered.faults().stream().map(org.kvsched.cli.cluster.Chaos.Fault::process).distinct().sorted().toList();
            if (localCluster) {
                System.out.printf(Locale.ROOT, "cluster: %d scheduler(s), %d worker(s); up %.1f s, down %.1f s; %,.1f round trips/s%s%n",
                        schedulers, Math.min(spec.workers(), spec.replicas()), clustered.upS(), clustered.downS(),
                        outcome.roundTrips() / r.wallSeconds(), chaosDone.isEmpty() ? "" : "; " + chaosDone);
            } else {
                System.out.printf(Locale.ROOT, "cluster in %s: %,.1f round trips/s; %s (it stays up: 'kvsched cluster status --dir %s')%n",
                        clusterDir, outcome.roundTrips() / r.wallSeconds(), chaosDone, clusterDir);
            }
        }
        if (clustered != null || outcome.duplicateEvents() > 0) {
            System.out.printf(Locale.ROOT, "duplicate events (an arrival, first token or completion seen twice): %d%n", outcome.duplicateEvents());
        }
        int status = 0;
        Verification.Result check = null;
        if (verify) {
            final PolicyConfig reference = referencePolicy == null ? config : PolicyConfig.parse(referencePolicy);
            final Simulation.Outcome sim = Simulation.run(new SimulationSetup(w, reference, model, deployment.lengthPredictor(),
                    deployment.replicas, deployment.routing, deployment.seed), (d, t, v) -> { }, swap);
            if (live) {
                // Live times depend on the wall clock: compare the means with the in-memory engine instead.
                SummaryTable.printMeansAgainstEngine(System.out, "live", reference.toSpec(), r.summary(), sim.result().summary());
            } else {
                check = Verification.compare(sim.result().outcomes(), r.outcomes());
                System.out.println(check.message());
                // A once-only event seen twice would be a broken exactly-once promise even if the sink's rule hid it.
                status = check.identical() && outcome.duplicateEvents() == 0 ? 0 : 1;
            }
        }
        if (json != null) {
            final Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("workload", w.name());
            extra.put("predictor", deployment.lengthPredictor().spec());
            extra.put("kafka_round_trips", outcome.roundTrips());
            extra.put("events_per_s", outcome.eventsPerS());
            extra.put("errors", (long) outcome.errors().size());
            extra.put("duplicate_events", outcome.duplicateEvents());
            extra.put("startup_s", outcome.startupS());
            if (outcome.probe() != null) {
                extra.put("round_trip_p50_ms", outcome.probe().p50Ms());
                extra.put("round_trip_p99_ms", outcome.probe().p99Ms());
                extra.put("wall_over_round_trips_x_p50", r.wallSeconds() / (outcome.roundTrips() * outcome.probe().p50Ms() / 1000.0));
            }
            if (check != null) {
                extra.put("identical_requests", check.identicalCount());
            }
            if (outcome.restore() != null) {
                final ReplayRun.RestoreReport rr = outcome.restore();
                extra.put("restore_state_bytes", rr.stateBytes());
                extra.put("restore_local_s", rr.localS());
                extra.put("restore_local_entries", rr.localEntries());
                extra.put("restore_changelog_s", rr.changelogS());
                extra.put("restore_changelog_records", rr.changelogRecords());
                extra.put("restore_changelog_entries", rr.changelogEntries());
            }
            if (outcome.swap() != null) {
                final Map<String, Object> sw = new LinkedHashMap<>();
                sw.put("policy_before", config.toSpec());
                sw.put("policy_after", swap.next().toSpec());
                sw.put("after_requests", (long) swap.afterRequests());
                final List<Object> times = new java.util.ArrayList<>();
                for (final long t : outcome.swap().swapTimesUs()) {
                    times.add(t == Long.MIN_VALUE ? 0.0 : t / 1e6);
                }
                sw.put("swap_time_s_per_replica", times);
                sw.put("restart_s", outcome.swap().stopS());
                sw.put("restored_log_entries", outcome.swap().restoredEntries());
                extra.put("policy_swap", sw);
            }
            RunOutputs.writeJson(json, org.kvsched.reports.ReportJson.write(RunOutputs.runObject(result, extra)));
        }
        if (report != null) {
            RunOutputs.writeReport(report, "kvsched replay: " + config.toSpec() + " on " + w.name(), List.of(result));
        }
        return status;
    }
}
