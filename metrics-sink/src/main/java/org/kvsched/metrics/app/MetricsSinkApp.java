package org.kvsched.metrics.app;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.metrics.RunResult;
import org.kvsched.core.metrics.Summary;
import org.kvsched.reports.HtmlReport;
import org.kvsched.reports.ReportJson;
import org.kvsched.reports.SummaryJson;
import org.kvsched.metrics.aggregate.MetricsAggregator;
import org.kvsched.schemas.avro.ErrorRecord;
import org.kvsched.schemas.avro.ReplicaEnd;
import org.kvsched.schemas.avro.RequestEvent;
import org.kvsched.schemas.avro.StepSummary;
import org.kvsched.schemas.serde.AvroSerdes;
import org.kvsched.pipeline.consume.ConsumerLoop;
import org.kvsched.pipeline.service.Service;
import org.kvsched.pipeline.service.ServiceConfig;
import org.kvsched.pipeline.service.ServiceMain;
import org.kvsched.schemas.topic.TopicCatalog;

/**
 * The metrics sink: consumes {@code request-events}, {@code step-summaries}, {@code replica-ends} and
 * {@code errors}, aggregates with the core metrics code ({@link MetricsAggregator}), prints one
 * start-up line, then a progress line every few seconds once requests finish (requests done, rate, current TTFT
 * p50/p99 from a streaming histogram; see {@link ProgressLines}), and when the run is complete
 * writes to {@code output.dir}, if set, the HTML report ({@code index.html}, its {@code summary.json},
 * the per-request CSV) and {@code run.json} (the keys of {@code simulate --json}, plus {@code errors} and
 * {@code kafka_round_trips}).
 *
 * <p>Keys: {@code bootstrap.servers} (required), {@code group.id} (kvsched-metrics-sink),
 * {@code topic.prefix}, {@code model} and {@code kv.capacity} (for the KV capacity in the summary),
 * {@code label} (policy spec shown in reports), {@code expected.requests} (for the progress
 * percentage; 0 = unknown), {@code progress.interval.s} (2), {@code output.dir}, {@code schema.registry.url},
 * {@code kafka.*}.
 */
public final class MetricsSinkApp implements Service {

    /**
     * What the sink saw.
     *
     * @param run    the metrics, in the shape of an in-memory run (wall seconds as measured by the sink)
     * @param errors reasons of the error records seen
     * @param duplicateEvents once-only request events (arrival, first token, completion, rejection) seen a second time and
     *               ignored; 0 under exactly-once
     */
    public record Result(RunResult run, List<String> errors, long duplicateEvents) {
    }

    private final ServiceConfig config;
    private final java.util.concurrent.atomic.AtomicLong finishedSoFar = new java.util.concurrent.atomic.AtomicLong();
    private final TopicCatalog topics;
    private final ModelProfile model;
    private final PrintStream progressOut;
    private final AvroSerdes serdes;
    private final String groupId;
    private final long expected;
    private final long intervalNanos;
    private final String label;
    private final String outputDir;
    private final AtomicReference<Result> result = new AtomicReference<>();
    private volatile ConsumerLoop<byte[], byte[]> loop;

    public MetricsSinkApp(final ServiceConfig config, final PrintStream progressOut) {
        config.require("bootstrap.servers");
        this.config = config;
        this.topics = TopicCatalog.withPrefix(config.get("topic.prefix", ""));
        this.model = ModelCatalog.configured(config.get("model", ModelCatalog.DEFAULT_NAME), config.getInt("kv.capacity", 0),
                "config: key 'model'", "config: key 'kv.capacity'");
        this.progressOut = progressOut;
        this.serdes = config.avroSerdes();
        // Every key is read here, not in start() or the loop, so ServiceMain can name the keys this service ignores.
        this.groupId = config.get("group.id", "kvsched-metrics-sink");
        this.expected = config.getLong("expected.requests", 0);
        this.intervalNanos = (long) (config.getDouble("progress.interval.s", 2.0) * 1e9);
        this.label = config.get("label", "replay");
        this.outputDir = config.get("output.dir", "");
    }

    @Override
    public String name() {
        return "metrics-sink";
    }

    @Override
    public synchronized void start() {
        if (loop != null) {
            throw new IllegalStateException("already started");
        }
        final Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.require("bootstrap.servers"));
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        cp.putAll(config.kafkaOverrides());
        final KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        final Aggregation aggregation = new Aggregation(System.nanoTime());
        progressOut.println(aggregation.progress.startLine(topics.requestEvents().name()));
        loop = new ConsumerLoop<>(name(), consumer, List.of(topics.requestEvents().name(), topics.stepSummaries().name(),
                topics.replicaEnds().name(), topics.errors().name()), aggregation);
        loop.start();
    }

    /** Aggregates every polled record until the run is complete, then writes the outputs. */
    private final class Aggregation implements ConsumerLoop.Handler<byte[], byte[]> {
        private final Deserializer<RequestEvent> events = serdes.serde(RequestEvent.class).deserializer();
        private final Deserializer<StepSummary> steps = serdes.serde(StepSummary.class).deserializer();
        private final Deserializer<ReplicaEnd> ends = serdes.serde(ReplicaEnd.class).deserializer();
        private final Deserializer<ErrorRecord> errors = serdes.serde(ErrorRecord.class).deserializer();
        private final MetricsAggregator agg = new MetricsAggregator();
        private final long start;
        private final ProgressLines progress;

        Aggregation(final long start) {
            this.start = start;
            this.progress = new ProgressLines(expected, intervalNanos, start);
        }

        @Override
        public boolean onPoll(final ConsumerRecords<byte[], byte[]> records) {
            for (final ConsumerRecord<byte[], byte[]> rec : records) {
                final String t = rec.topic();
                try {
                    if (t.equals(topics.requestEvents().name())) {
                        agg.onEvent(events.deserialize(t, rec.value()));
                    } else if (t.equals(topics.stepSummaries().name())) {
                        agg.onStep(steps.deserialize(t, rec.value()));
                    } else if (t.equals(topics.replicaEnds().name())) {
                        agg.onEnd(ends.deserialize(t, rec.value()));
                    } else {
                        agg.onError(errors.deserialize(t, rec.value()));
                    }
                } catch (final SerializationException e) {
                    // The sink is the last stage: it reports what it cannot read and goes on.
                    progressOut.println("metrics-sink: skipped an undecodable record at " + t + "-" + rec.partition() + "@" + rec.offset()
                            + ": " + e.getMessage());
                }
            }
            finishedSoFar.set(agg.finishedRequests());
            progress.tick(System.nanoTime(), agg.finishedRequests(), agg.plans(), agg.ttftSoFar()).ifPresent(progressOut::println);
            if (!agg.complete()) {
                return true;
            }
            final double wall = (System.nanoTime() - start) / 1e9;
            final int replicas = Math.max(1, agg.replicas());
            final Summary summary = agg.summary(replicas, model.kvCapacityTokens());
            final RunResult run = new RunResult(label, model.name(), 1.0, summary, agg.outcomes(), agg.collector().kvSamples(), wall);
            final Result r = new Result(run, agg.errors(), agg.duplicateEvents());
            writeOutputs(r);
            result.set(r);
            return false;
        }
    }

    private void writeOutputs(final Result r) {
        final String dir = outputDir;
        if (dir.isEmpty()) {
            return;
        }
        try {
            final Path out = Path.of(dir);
            Files.createDirectories(out);
            // The HTML report (index.html with charts, its summary.json, the per-request CSV) ...
            HtmlReport.write(out, "kvsched replay: " + r.run().label(), List.of(r.run()));
            // ... and run.json, the flat object of `simulate --json` plus the pipeline's own figures.
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("policy", r.run().label());
            m.put("model", r.run().model());
            m.put("rate_scale", r.run().rateScale());
            m.putAll(SummaryJson.toMap(r.run().summary()));
            m.put(SummaryJson.WALL_S, r.run().wallSeconds());
            m.put("errors", (long) r.errors().size());
            m.put("duplicate_events", r.duplicateEvents());
            m.put("kafka_round_trips", r.run().summary().plans());
            Files.writeString(out.resolve("run.json"), ReportJson.write(m) + System.lineSeparator());
            progressOut.println("metrics-sink: wrote " + out.resolve("index.html") + " and run.json");
        } catch (final IOException e) {
            throw new UncheckedIOException("metrics-sink: cannot write to " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean awaitDone(final long millis) throws InterruptedException {
        final ConsumerLoop<byte[], byte[]> l = loop;
        if (l == null) {
            return Service.super.awaitDone(millis);
        }
        return l.awaitDone(millis);
    }

    /** Requests completed or rejected so far, as the sink has seen them. */
    public long finishedSoFar() {
        return finishedSoFar.get();
    }

    /** The result once the run is complete (null before). */
    public Result result() {
        return result.get();
    }

    @Override
    public Throwable failure() {
        final ConsumerLoop<byte[], byte[]> l = loop;
        return l == null ? null : l.failure();
    }

    @Override
    public synchronized void close() {
        if (loop != null) {
            loop.close();
        }
    }

    public static void main(final String[] args) {
        System.exit(ServiceMain.runToCompletion("metrics-sink", args, c -> new MetricsSinkApp(c, System.out)));
    }
}
