package org.kvsched.cli.replay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.kvsched.schemas.avro.ArrivalEvent;
import org.kvsched.schemas.avro.BatchPlan;
import org.kvsched.schemas.avro.PlanEntry;
import org.kvsched.schemas.avro.RequestArrival;
import org.kvsched.schemas.avro.StepReport;
import org.kvsched.schemas.avro.TokenProgress;
import org.kvsched.schemas.serde.AvroSerdes;
import org.kvsched.schemas.topic.TopicCatalog;

/**
 * The broker's record of a finished live run: every arrival, plan and step report with the time the
 * broker appended it, read back from {@code arrivals}, {@code plans} and {@code step-reports}.
 *
 * <p>The three topics must have {@code message.timestamp.type=LogAppendTime}: then a record's timestamp is
 * the broker's clock when the batch reached the log, one clock for every producer, so differences between
 * topics are meaningful (to the millisecond, the resolution of Kafka timestamps). {@link #read} refuses a
 * record with any other timestamp type rather than mix clocks. Plans are read {@code read_committed}, as the
 * workers read them: a plan of an aborted transaction never ran.
 *
 * @param arrivals requests as appended to {@code arrivals} (end-of-trace markers left out), in offset order per replica
 * @param plans    plans in offset order per replica
 * @param reports  step reports in offset order per replica
 */
public record LiveLog(List<Arrival> arrivals, List<Plan> plans, List<Report> reports) {

    /**
     * One request's append to {@code arrivals}.
     *
     * @param replica   replica (partition)
     * @param requestId the request
     * @param appendMs  broker append time, epoch milliseconds
     */
    public record Arrival(int replica, long requestId, long appendMs) {
    }

    /**
     * One plan's append to {@code plans}.
     *
     * @param replica    replica (partition)
     * @param planId     the plan, increasing from 0 per replica
     * @param requestIds the requests of its explicit iteration
     * @param appendMs   broker append time, epoch milliseconds
     */
    public record Plan(int replica, long planId, List<Long> requestIds, long appendMs) {

        public Plan {
            requestIds = List.copyOf(requestIds);
        }
    }

    /**
     * One report's append to {@code step-reports}.
     *
     * @param replica  replica (partition)
     * @param planId   the plan it answers
     * @param finished requests the report says ended during the plan
     * @param appendMs broker append time, epoch milliseconds
     */
    public record Report(int replica, long planId, List<Long> finished, long appendMs) {

        public Report {
            finished = List.copyOf(finished);
        }
    }

    public LiveLog {
        arrivals = List.copyOf(arrivals);
        plans = List.copyOf(plans);
        reports = List.copyOf(reports);
    }

    /**
     * Reads the three topics of {@code topics} from the beginning to their current end (the run must be over).
     *
     * @param bootstrap bootstrap servers
     * @param topics    the run's catalog (its prefix)
     * @param serdes    the run's wire format
     * @param timeout   how long to wait for the whole read before failing
     * @throws IllegalStateException if a record's timestamp is not a log-append time, or the read times out
     */
    public static LiveLog read(final String bootstrap, final TopicCatalog topics, final AvroSerdes serdes, final Duration timeout) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        final Deserializer<ArrivalEvent> arrivalDecoder = serdes.serde(ArrivalEvent.class).deserializer();
        final Deserializer<BatchPlan> planDecoder = serdes.serde(BatchPlan.class).deserializer();
        final Deserializer<StepReport> reportDecoder = serdes.serde(StepReport.class).deserializer();
        final List<Arrival> arrivals = new ArrayList<>();
        final List<Plan> plans = new ArrayList<>();
        final List<Report> reports = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> parts = new ArrayList<>();
            for (final String t : List.of(topics.arrivals().name(), topics.plans().name(), topics.stepReports().name())) {
                for (final PartitionInfo info : c.partitionsFor(t, timeout)) {
                    parts.add(new TopicPartition(t, info.partition()));
                }
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            final Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(parts, timeout));
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (end.entrySet().stream().anyMatch(e -> c.position(e.getKey(), timeout) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading the live run back from the broker took longer than " + timeout);
                }
                for (final ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.timestampType() != TimestampType.LOG_APPEND_TIME) {
                        throw new IllegalStateException("topic " + r.topic() + " has " + r.timestampType()
                                + " timestamps; the live benchmark needs message.timestamp.type=LogAppendTime");
                    }
                    if (r.topic().equals(topics.arrivals().name())) {
                        final ArrivalEvent a = arrivalDecoder.deserialize(r.topic(), r.value());
                        if (a.getBody() instanceof RequestArrival req) {
                            arrivals.add(new Arrival(a.getReplicaId(), req.getRequestId(), r.timestamp()));
                        }
                    } else if (r.topic().equals(topics.plans().name())) {
                        final BatchPlan b = planDecoder.deserialize(r.topic(), r.value());
                        final List<Long> ids = new ArrayList<>(b.getEntries().size());
                        for (final PlanEntry e : b.getEntries()) {
                            ids.add(e.getRequestId());
                        }
                        plans.add(new Plan(b.getReplicaId(), b.getPlanId(), ids, r.timestamp()));
                    } else {
                        final StepReport s = reportDecoder.deserialize(r.topic(), r.value());
                        final List<Long> finished = new ArrayList<>();
                        if (s.getProgress() != null) {
                            for (final TokenProgress t : s.getProgress()) {
                                if (t.getFinishReason() != null) {
                                    finished.add(t.getRequestId());
                                }
                            }
                        }
                        reports.add(new Report(s.getReplicaId(), s.getPlanId(), finished, r.timestamp()));
                    }
                }
            }
        }
        return new LiveLog(arrivals, plans, reports);
    }
}
