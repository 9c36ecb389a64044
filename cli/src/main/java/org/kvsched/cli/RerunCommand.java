package org.kvsched.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.kvsched.cli.rerun.RerunCheck;
import org.kvsched.cli.rerun.Rerun;
import org.kvsched.cli.rerun.RunRecord;
import org.kvsched.core.metrics.RequestOutcome;
import org.kvsched.core.metrics.Stats;
import org.kvsched.core.policy.PolicyConfig;
import org.kvsched.reports.ReportJson;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kvsched rerun}: a recorded run ({@code kvsched replay --record DIR}) re-run offline from its replica
 * logs. First it re-derives the run from its recorded inputs and checks that every decision and every request's
 * times come out identical ({@link RerunCheck}); with {@code --policy} it then serves the same recorded arrivals
 * under other policies in virtual time on the simulated worker and prints them beside the recorded policy, so
 * "what would sarathi have done on yesterday's traffic" has an answer. Exit code 1 if the re-run is not
 * identical.
 */
@Command(name = "rerun", mixinStandardHelpOptions = true,
        description = "Re-run a recorded run (replay --record DIR) offline: check that its decisions and per-request times "
                + "re-derive identically, and with --policy compare other policies on the same recorded arrivals.")
final class RerunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RECORDING", description = "The directory 'replay --record' wrote, or its replica-log.avro.")
    Path recording;

    @Option(names = "--policy", paramLabel = "SPEC",
            description = "Also serve the recorded arrivals under this policy (repeatable) in virtual time on the simulated worker, "
                    + "beside the recorded policy under the same model.")
    List<String> policies = new ArrayList<>();

    @Option(names = "--json", paramLabel = "FILE", description = "Write the verdict and the comparison as JSON.")
    Path json;

    @Override
    public Integer call() throws Exception {
        final List<PolicyConfig> others = new ArrayList<>();
        for (final String p : policies) {
            others.add(PolicyConfig.parse(p));
        }
        final RunRecord run = RunRecord.load(recording);
        final PolicyConfig recorded = run.policy();
        // Building each spec validates the policy and its parameters: a bad one fails here, before any work.
        others.forEach(run::spec);
        System.out.printf(Locale.ROOT, "kvsched rerun: %s: %s, %d requests on %d replica(s), model %s (KV %,d tokens/replica), %s%n",
                run.source(), recorded.toSpec(), run.requests(), run.log().logs().size(), run.model().name(),
                run.model().kvCapacityTokens(), run.live() == null ? "virtual time"
                        : String.format(Locale.ROOT, "live (horizon %d ms, tick %d ms, speed x%s)", run.live().horizonMs(), run.live().tickMs(),
                        trim(run.live().speed())));
        final Rerun.Derived derived = Rerun.rederive(run);
        System.out.println("decisions: " + derived.decisions().message());
        final RerunCheck.Result requests = run.outcomes() == null ? null : RerunCheck.requests(run.outcomes(), derived.outcomes());
        System.out.println("requests: " + (requests == null ? "not compared (no " + RunRecord.OUTCOMES_FILE + " beside the log)"
                : requests.message()));
        System.out.printf(Locale.ROOT, "rerun: %,d recorded inputs re-applied, %,d decisions re-derived in %.2f s%n", derived.inputs(),
                derived.decisions().total(), derived.seconds());
        final boolean identical = derived.decisions().identical() && (requests == null || requests.identical());
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("recording", run.source().toString());
        out.put("policy", recorded.toSpec());
        out.put("identical", identical);
        out.put("decisions_identical", derived.decisions().same());
        out.put("decisions", derived.decisions().total());
        if (requests != null) {
            out.put("requests_identical", requests.same());
            out.put("requests", requests.total());
        }
        out.put("rerun_s", derived.seconds());
        if (!others.isEmpty()) {
            final List<List<String>> rows = new ArrayList<>();
            final List<Object> table = new ArrayList<>();
            if (run.outcomes() != null) {
                rows.add(row(recorded.toSpec(), run.live() == null ? "recorded" : "recorded (live)", run.outcomes(), table));
            }
            final Rerun.Modelled base = Rerun.modelled(run, recorded, recorded.toSpec());
            rows.add(row(recorded.toSpec(), "modelled", base.run().outcomes(), table));
            for (final PolicyConfig p : others) {
                rows.add(row(p.toSpec(), "modelled", Rerun.modelled(run, p, p.toSpec()).run().outcomes(), table));
            }
            System.out.println();
            TextTable.print(System.out, List.of("policy", "run", "done", "rej", "preempt", "TTFT mean", "TTFT p50", "TTFT p99", "E2E mean"),
                    rows);
            final Rerun.Truths t = base.truths();
            System.out.printf(Locale.ROOT, "recorded: the arrivals (times as logged, replica, prompt, max_tokens, prediction)%s.%n"
                            + "modelled: iteration times (model %s's execution-time model, as the simulated worker), decisions (virtual "
                            + "time, no horizon), output lengths: %d true lengths from the workload payload, %d from the run's finishes, "
                            + "%d at the cap.%n(latencies in seconds)%n",
                    run.outcomes() == null ? "" : " and the 'recorded' row (the sink's measurements)", run.model().name(), t.payload(),
                    t.recorded(), t.cap());
            out.put("comparison", table);
        }
        if (json != null) {
            RunOutputs.writeJson(json, ReportJson.write(out));
        }
        return identical ? 0 : 1;
    }

    /** One table row from per-request outcomes; the same figures go to {@code json}. */
    private static List<String> row(final String policy, final String kind, final List<RequestOutcome> outcomes, final List<Object> json) {
        long done = 0;
        long rejected = 0;
        long preemptions = 0;
        final List<Double> ttft = new ArrayList<>();
        final List<Double> e2e = new ArrayList<>();
        for (final RequestOutcome o : outcomes) {
            preemptions += o.preemptions();
            if (o.rejected()) {
                rejected++;
            }
            if (o.completed() && !o.rejected()) {
                done++;
                e2e.add(o.e2eUs() / 1e6);
            }
            if (o.firstTokenUs() >= 0) {
                ttft.add(o.ttftUs() / 1e6);
            }
        }
        final Stats t = Stats.ofSorting(ttft.stream().mapToDouble(Double::doubleValue).toArray());
        final Stats e = Stats.ofSorting(e2e.stream().mapToDouble(Double::doubleValue).toArray());
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("policy", policy);
        m.put("run", kind);
        m.put("completed", done);
        m.put("requests", (long) outcomes.size());
        m.put("rejected", rejected);
        m.put("preemptions", preemptions);
        m.put("ttft_mean_s", t.mean());
        m.put("ttft_p50_s", t.p50());
        m.put("ttft_p99_s", t.p99());
        m.put("e2e_mean_s", e.mean());
        json.add(m);
        return List.of(policy, kind, done + "/" + outcomes.size(), Long.toString(rejected), Long.toString(preemptions), s(t.mean()),
                s(t.p50()), s(t.p99()), s(e.mean()));
    }

    private static String s(final double seconds) {
        return String.format(Locale.ROOT, "%.3f", seconds);
    }

    private static String trim(final double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
