package org.kvsched.cli.replay;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Measures the transport's floor: the latency of one round trip of a small record over two Kafka hops
 * (producer to broker to an echo client to broker back), one record in flight, plain clients with
 * {@code linger.ms=0}. A replay round trip (scheduler to worker to scheduler) is also two hops, plus the
 * work and the exactly-once commit, so replay wall time divided by (round trips x this latency) says how
 * close the pipeline runs to what the transport allows.
 */
public final class RoundTripProbe {

    /**
     * Result.
     *
     * @param p50Ms  median round trip, milliseconds
     * @param p99Ms  99th percentile, milliseconds
     * @param samples round trips measured (after warm-up)
     */
    public record Latency(double p50Ms, double p99Ms, int samples) {
    }

    private RoundTripProbe() {
    }

    /** Runs {@code warmup + samples} round trips on two fresh topics named with {@code prefix}. */
    public static Latency measure(final String bootstrap, final String prefix, final int warmup, final int samples) throws Exception {
        final String ping = prefix + "probe-ping";
        final String pong = prefix + "probe-pong";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(ping, 1, (short) 1), new NewTopic(pong, 1, (short) 1))).all().get();
        }
        final Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        final Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaProducer<byte[], byte[]> out = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
             KafkaProducer<byte[], byte[]> echoOut = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
             KafkaConsumer<byte[], byte[]> echoIn = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaConsumer<byte[], byte[]> in = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            // assign(), not subscribe(): no group coordination in the measurement.
            echoIn.assign(List.of(new TopicPartition(ping, 0)));
            in.assign(List.of(new TopicPartition(pong, 0)));
            final double[] ms = new double[samples];
            final byte[] payload = new byte[64];
            for (int i = 0; i < warmup + samples; i++) {
                final long t0 = System.nanoTime();
                out.send(new ProducerRecord<>(ping, payload));
                ConsumerRecords<byte[], byte[]> got;
                do {
                    got = echoIn.poll(Duration.ofMillis(100));
                } while (got.isEmpty());
                got.forEach(r -> echoOut.send(new ProducerRecord<>(pong, r.value())));
                do {
                    got = in.poll(Duration.ofMillis(100));
                } while (got.isEmpty());
                if (i >= warmup) {
                    ms[i - warmup] = (System.nanoTime() - t0) / 1e6;
                }
            }
            Arrays.sort(ms);
            return new Latency(ms[samples / 2], ms[Math.min(samples - 1, (int) Math.ceil(samples * 0.99) - 1)], samples);
        }
    }
}
