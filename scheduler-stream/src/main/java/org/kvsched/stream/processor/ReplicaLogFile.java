package org.kvsched.stream.processor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.kvsched.core.engine.LogEntry;
import org.kvsched.schemas.avro.RecordedLogEntry;
import org.kvsched.schemas.serde.AvroTrust;
import org.kvsched.stream.topology.Names;

/**
 * A recorded run: the scheduler's replica logs exported to one Avro object container file, so a run can be
 * re-run offline ({@code kvsched rerun}) after its broker is gone.
 *
 * <p>Where it comes from: the store {@link Names#REPLICA_LOG_STORE} is changelogged, so its changelog topic
 * ({@code <application.id>-replica-log-changelog}) holds every entry the scheduler committed. The topic is
 * compacted and a snapshot deletes the entries before it (tombstones), so only a run made with
 * {@code snapshot.every=0} keeps every replica's whole log, from its {@code PolicyInstalled} entry at sequence
 * 0; {@link #export} keeps the latest value of each key, drops deleted keys, and writes what is left.
 * Reading is transactional ({@code read_committed}): entries of aborted transactions were never part of the
 * run.
 *
 * <p>File: records {@code RecordedLogEntry} (replica, sequence, the stored {@code ReplicaLogEntry}), ordered
 * by replica then sequence; header metadata {@code kvsched.<key>} (UTF-8) carries whatever configuration the
 * caller passes (the scheduler's policy, model, seed, live clock settings), because a log alone does not say
 * how long a live plan's horizon was or which model timed the iterations.
 */
public final class ReplicaLogFile {

    /** The file name a recording directory uses. */
    public static final String FILE_NAME = "replica-log.avro";

    /** Prefix of the file's header metadata keys written by {@link #export}. */
    public static final String META_PREFIX = "kvsched.";

    /**
     * What an export wrote.
     *
     * @param entries          log entries written
     * @param replicas         replicas with a log
     * @param changelogRecords changelog records read (including overwritten and deleted keys)
     * @param complete         true if every replica's log starts at sequence 0 without gaps (nothing was deleted)
     */
    public record Export(long entries, int replicas, long changelogRecords, boolean complete) {
    }

    /**
     * A recording read back.
     *
     * @param metadata the header metadata, without the {@link #META_PREFIX}
     * @param logs     per replica, its entries in order
     * @param first    per replica, the sequence of its first entry (0 for a whole log)
     * @param payloads per replica, the worker payloads its arrivals carried, by request id (opaque to the core)
     */
    public record Recording(Map<String, String> metadata, SortedMap<Integer, List<LogEntry>> logs, Map<Integer, Long> first,
                            Map<Integer, Map<Long, ByteBuffer>> payloads) {
    }

    static {
        // Reading a file names our generated classes: Avro loads only classes it was told to trust.
        AvroTrust.install();
    }

    private ReplicaLogFile() {
    }

    /** The changelog topic of the replica-log store of the Streams application {@code applicationId}. */
    public static String changelogTopic(final String applicationId) {
        return applicationId + "-" + Names.REPLICA_LOG_STORE + "-changelog";
    }

    /**
     * Reads the replica-log changelog of {@code applicationId} up to its current end and writes it to {@code file}.
     *
     * @param clientConfig Kafka client settings ({@code bootstrap.servers} at least; security settings if any)
     * @param metadata     configuration to keep in the header, written as {@code kvsched.<key>}
     * @throws IllegalStateException if the changelog topic does not exist or cannot be read to its end in a minute
     */
    public static Export export(final Map<String, Object> clientConfig, final String applicationId, final Path file,
                                final Map<String, String> metadata) {
        final String topic = changelogTopic(applicationId);
        final Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final SortedMap<Bytes, byte[]> latest = new TreeMap<>();
        long records = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("no changelog topic " + topic + " (was application.id '" + applicationId + "' run?)");
            }
            final List<TopicPartition> parts = new ArrayList<>();
            infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            // Under read_committed the end offsets are the last stable offsets: what committed transactions wrote.
            final Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            final long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read changelog topic " + topic + " to its end within a minute");
                }
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records++;
                    if (r.value() == null) {
                        // A snapshot deleted it: no longer part of the log.
                        latest.remove(Bytes.wrap(r.key()));
                    } else {
                        latest.put(Bytes.wrap(r.key()), r.value());
                    }
                }
            }
        }
        final ReplicaLog log = new ReplicaLog();
        final Map<Integer, long[]> bounds = new HashMap<>();
        boolean contiguous = true;
        try (DataFileWriter<RecordedLogEntry> w = new DataFileWriter<>(new SpecificDatumWriter<>(RecordedLogEntry.class))) {
            w.setCodec(CodecFactory.deflateCodec(6));
            metadata.forEach((k, v) -> w.setMeta(META_PREFIX + k, v));
            w.create(RecordedLogEntry.getClassSchema(), file.toFile());
            for (final Map.Entry<Bytes, byte[]> e : latest.entrySet()) {
                final int replica = ReplicaLog.replicaOf(e.getKey());
                final long seq = ReplicaLog.sequenceOf(e.getKey());
                final long[] b = bounds.get(replica);
                if (b == null) {
                    contiguous &= seq == 0;
                    bounds.put(replica, new long[] {seq});
                } else {
                    contiguous &= seq == b[0] + 1;
                    b[0] = seq;
                }
                w.append(new RecordedLogEntry(replica, seq, log.avro(e.getValue())));
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return new Export(latest.size(), bounds.size(), records, contiguous);
    }

    private static boolean reached(final KafkaConsumer<byte[], byte[]> consumer, final Map<TopicPartition, Long> end) {
        for (final Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads a recording.
     *
     * @throws IllegalArgumentException if the file is not a recording or a replica's entries are out of order
     */
    public static Recording read(final Path file) {
        final Map<String, String> meta = new LinkedHashMap<>();
        final SortedMap<Integer, List<LogEntry>> logs = new TreeMap<>();
        final Map<Integer, Long> first = new TreeMap<>();
        final Map<Integer, Long> last = new HashMap<>();
        final Map<Integer, Map<Long, ByteBuffer>> payloads = new TreeMap<>();
        try (DataFileReader<RecordedLogEntry> r = new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(RecordedLogEntry.class))) {
            if (!RecordedLogEntry.getClassSchema().getFullName().equals(r.getSchema().getFullName())) {
                throw new IllegalArgumentException(file + " is not a replica-log recording: its records are " + r.getSchema().getFullName());
            }
            for (final String k : r.getMetaKeys()) {
                if (k.startsWith(META_PREFIX)) {
                    meta.put(k.substring(META_PREFIX.length()), new String(r.getMeta(k), StandardCharsets.UTF_8));
                }
            }
            for (final RecordedLogEntry e : r) {
                final int replica = e.getReplica();
                final Long prev = last.put(replica, e.getSequence());
                if (prev != null && e.getSequence() <= prev) {
                    throw new IllegalArgumentException(file + ": replica " + replica + " entry " + e.getSequence() + " after " + prev);
                }
                first.putIfAbsent(replica, e.getSequence());
                final ReplicaLog.Decoded d = ReplicaLog.decode(e.getEntry());
                logs.computeIfAbsent(replica, k -> new ArrayList<>()).add(d.entry());
                payloads.computeIfAbsent(replica, k -> new HashMap<>()).putAll(d.payloads());
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        logs.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return new Recording(Collections.unmodifiableMap(meta), Collections.unmodifiableSortedMap(logs), Collections.unmodifiableMap(first),
                Collections.unmodifiableMap(payloads));
    }
}
