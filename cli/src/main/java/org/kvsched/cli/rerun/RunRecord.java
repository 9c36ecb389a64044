package org.kvsched.cli.rerun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kvsched.core.engine.LogEntry;
import org.kvsched.core.engine.ReplicaLoop;
import org.kvsched.core.engine.ReplicaSpec;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.metrics.RequestOutcome;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.core.policy.PolicyContext;
import org.kvsched.reports.OutcomesCsv;
import org.kvsched.core.workload.Workload;
import org.kvsched.pipeline.service.ServiceConfig;
import org.kvsched.stream.config.LiveTime;
import org.kvsched.stream.config.SchedulerSettings;
import org.kvsched.stream.processor.ReplicaLogFile;

/**
 * A recorded run on disk, as {@code kvsched replay --record DIR} leaves it and {@code kvsched rerun} reads it:
 * <ul>
 *   <li>{@code DIR/replica-log.avro}: every replica's whole log ({@link ReplicaLogFile}), exported from the
 *       scheduler's changelog at the end of the run, with the scheduler's configuration in the header (policy,
 *       model, KV capacity, seed, {@code time} and the {@code live.*} clock settings) and the workload the
 *       scheduler was configured with (policies such as WAIT derive their parameters from it);</li>
 *   <li>{@code DIR/requests.csv}: the per-request outcomes the metrics sink measured from the run's request
 *       events ({@link OutcomesCsv}, exact to the microsecond), the reference a re-run is compared with.</li>
 * </ul>
 * The configuration is parsed by the scheduler service's own code ({@link SchedulerSettings#model},
 * {@link LiveTime#fromConfig}, {@link PolicyConfig#fromProperties}), so a re-run builds exactly the replicas
 * the scheduler built.
 *
 * @param source   the recording file
 * @param log      the replica logs
 * @param model    the model whose execution-time model timed the simulated workers, with the run's KV capacity
 * @param seed     seed handed to the policies
 * @param workload the workload the scheduler was configured with, or null if it had none (a standalone service)
 * @param live     the live clock settings, or null if the run was in virtual time
 * @param outcomes the sink's per-request outcomes of the run, or null if the recording has none
 */
public record RunRecord(Path source, ReplicaLogFile.Recording log, ModelProfile model, long seed, Workload workload, LiveTime live,
                        List<RequestOutcome> outcomes) {

    /** The per-request outcomes file beside the log. */
    public static final String OUTCOMES_FILE = "requests.csv";

    /** Configuration keys kept in the recording (nothing else: {@code kafka.*} may hold credentials). */
    private static final List<String> KEPT = List.of("model", "kv.capacity", "seed", "time", "live.horizon.ms", "live.tick.ms",
            "live.speed", "live.epoch.ms", "replicas", "snapshot.every", "application.id", "label", "policy");

    /**
     * Writes a recording of the run whose scheduler was configured with {@code config}: exports its replica-log
     * changelog from the broker at {@code bootstrap} and writes the sink's outcomes.
     *
     * @param config   the scheduler's flat service configuration
     * @param workload the workload the scheduler was given (kept in the header), or null
     */
    public static ReplicaLogFile.Export write(final Path dir, final String bootstrap, final Map<String, String> config,
                                              final Workload workload, final List<RequestOutcome> outcomes) throws IOException {
        Files.createDirectories(dir);
        final Map<String, String> meta = new LinkedHashMap<>();
        config.forEach((k, v) -> {
            if (KEPT.contains(k) || k.startsWith("policy.")) {
                meta.put(k, v);
            }
        });
        if (workload != null) {
            meta.put("workload", workload.name());
            meta.put("workload.requests", encode(workload));
        }
        final String appId = config.getOrDefault("application.id", SchedulerSettings.DEFAULT_APPLICATION_ID);
        final ReplicaLogFile.Export export = ReplicaLogFile.export(Map.of("bootstrap.servers", bootstrap), appId,
                dir.resolve(ReplicaLogFile.FILE_NAME), meta);
        OutcomesCsv.write(dir.resolve(OUTCOMES_FILE), outcomes);
        return export;
    }

    /**
     * Reads a recording: a directory holding {@code replica-log.avro} (and {@code requests.csv}), or the log file
     * itself (then {@code requests.csv} is looked for beside it).
     *
     * @throws IllegalArgumentException if the recording is missing or its configuration is invalid
     */
    public static RunRecord load(final Path path) {
        final Path file = Files.isDirectory(path) ? path.resolve(ReplicaLogFile.FILE_NAME) : path;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no recording at " + file + " (record a run with 'kvsched replay --live --record DIR')");
        }
        final ReplicaLogFile.Recording log = ReplicaLogFile.read(file);
        final ServiceConfig config = ServiceConfig.of(log.metadata());
        final ModelProfile model = SchedulerSettings.model(config);
        final String encoded = log.metadata().get("workload.requests");
        final Workload workload = encoded == null ? null : decode(log.metadata().getOrDefault("workload", "recorded"), encoded);
        final Path csv = file.resolveSibling(OUTCOMES_FILE);
        return new RunRecord(file, log, model, config.getLong("seed", 1L), workload, LiveTime.fromConfig(config),
                Files.isRegularFile(csv) ? readOutcomes(csv) : null);
    }

    /** The policy of the recorded run, as its logs installed it (the configuration's if a log has none). */
    public PolicyConfig policy() {
        for (final List<LogEntry> entries : log.logs().values()) {
            if (!entries.isEmpty() && entries.get(0) instanceof LogEntry.PolicyInstalled p) {
                return PolicyConfig.parse(p.policy());
            }
        }
        return PolicyConfig.fromProperties(log.metadata(), "fcfs-vllm");
    }

    /** How each replica is built under {@code policy}, as the scheduler service builds it. */
    public ReplicaSpec spec(final PolicyConfig policy) {
        return new ReplicaSpec(policy, new PolicyContext(model.timeModel(), model.kvCapacityTokens(), model.blockSize(), seed, workload));
    }

    /** The clock the recorded scheduler ran on. */
    public ReplicaLoop.Clock clock() {
        return live == null ? ReplicaLoop.Clock.VIRTUAL : live.clock();
    }

    /** Requests the recorded run received (arrival entries over all replicas). */
    public long requests() {
        long n = 0;
        for (final List<LogEntry> entries : log.logs().values()) {
            for (final LogEntry e : entries) {
                if (e instanceof LogEntry.Arrival) {
                    n++;
                }
            }
        }
        return n;
    }

    /** One line per request, {@code id arrivalUs prompt output max}: compact and exact. */
    static String encode(final Workload w) {
        final StringBuilder sb = new StringBuilder(w.size() * 24);
        for (final WorkloadRequest r : w.requests()) {
            sb.append(r.id()).append(' ').append(r.arrivalUs()).append(' ').append(r.promptTokens()).append(' ')
                    .append(r.outputTokens()).append(' ').append(r.maxTokens()).append('\n');
        }
        return sb.toString();
    }

    static Workload decode(final String name, final String text) {
        final List<WorkloadRequest> out = new ArrayList<>();
        for (final String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            final String[] f = line.split(" ");
            out.add(new WorkloadRequest(Long.parseLong(f[0]), Long.parseLong(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                    Integer.parseInt(f[4])));
        }
        return new Workload(name, out);
    }

    /** Reads what {@link OutcomesCsv} wrote; times come back exact (the file has microsecond resolution). */
    static List<RequestOutcome> readOutcomes(final Path csv) {
        final List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + csv + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || !lines.get(0).equals(OutcomesCsv.HEADER)) {
            throw new IllegalArgumentException(csv + " is not a per-request outcomes file (header " + OutcomesCsv.HEADER + ")");
        }
        final List<RequestOutcome> out = new ArrayList<>(lines.size() - 1);
        for (int i = 1; i < lines.size(); i++) {
            final List<String> f = fields(lines.get(i));
            if (f.size() != 14) {
                throw new IllegalArgumentException(csv + " line " + (i + 1) + ": " + f.size() + " fields, expected 14");
            }
            out.add(new RequestOutcome(Long.parseLong(f.get(0)), Integer.parseInt(f.get(1)), micros(f.get(2)), micros(f.get(3)),
                    micros(f.get(4)), micros(f.get(5)), Integer.parseInt(f.get(6)), Integer.parseInt(f.get(7)), Integer.parseInt(f.get(8)),
                    f.get(12), f.get(13)));
        }
        return out;
    }

    /** Seconds with six decimals to microseconds, exactly; blank (never happened) to -1. */
    private static long micros(final String seconds) {
        if (seconds.isEmpty()) {
            return -1;
        }
        final int dot = seconds.indexOf('.');
        if (dot < 0 || seconds.length() - dot - 1 != 6) {
            throw new IllegalArgumentException("not seconds with six decimals: '" + seconds + "'");
        }
        return Long.parseLong(seconds.substring(0, dot)) * 1_000_000L + Long.parseLong(seconds.substring(dot + 1));
    }

    /** The fields of one CSV line: quoted fields may hold commas, doubled quotes stand for one. */
    private static List<String> fields(final String line) {
        final List<String> out = new ArrayList<>();
        final StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            final char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
