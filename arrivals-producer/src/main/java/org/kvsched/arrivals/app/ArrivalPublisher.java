package org.kvsched.arrivals.app;

import java.util.List;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;
import org.kvsched.pipeline.mapping.ArrivalMapping;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.schemas.avro.ArrivalEvent;

/**
 * Writes a workload to {@code arrivals}: the k-th request (arrival order) goes to replica
 * {@code k mod replicas} (the in-memory engine's round-robin router), on partition = key = replica;
 * then one end-of-trace marker per partition.
 *
 * <p>Virtual-time mode ({@code speed} 0) sends as fast as the producer allows; wall-clock mode sends
 * request k at {@code arrival_k / speed} after the start. The virtual timestamps in the records are the
 * same in both modes, so the results are too.
 */
public final class ArrivalPublisher {

    private final Producer<Integer, byte[]> producer;
    private final Serializer<ArrivalEvent> serializer;
    private final String topic;
    private final LengthPredictor predictor;

    /**
     * @param predictor the length predictor in front of the scheduler: its prediction travels with each arrival
     */
    public ArrivalPublisher(final Producer<Integer, byte[]> producer, final Serializer<ArrivalEvent> serializer, final String topic,
                            final LengthPredictor predictor) {
        this.producer = producer;
        this.serializer = serializer;
        this.topic = topic;
        this.predictor = predictor;
    }

    /**
     * Publishes every request and the markers, then flushes.
     *
     * @param requests the workload in arrival order
     * @param replicas number of replicas (= partitions of {@code arrivals}), &gt;= 1
     * @param speed    0 for virtual time, else the wall-clock speed-up
     * @param running  checked between records; publishing stops early when it turns false
     * @return records sent per replica (markers excluded)
     */
    public long[] publish(final List<WorkloadRequest> requests, final int replicas, final double speed, final BooleanSupplier running) {
        return publish(requests, replicas, speed, running, k -> { });
    }

    /**
     * As {@link #publish(List, int, double, BooleanSupplier)}, calling {@code beforeRequest} with k before
     * request k is sent (it may block: a replay pauses the arrivals there, with everything before flushed).
     */
    public long[] publish(final List<WorkloadRequest> requests, final int replicas, final double speed, final BooleanSupplier running,
                          final java.util.function.IntConsumer beforeRequest) {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be >= 1, got " + replicas);
        }
        final long[] sent = new long[replicas];
        final long start = System.nanoTime();
        Future<RecordMetadata> last = null;
        for (int k = 0; k < requests.size() && running.getAsBoolean(); k++) {
            final WorkloadRequest r = requests.get(k);
            final int replica = k % replicas;
            beforeRequest.accept(k);
            if (speed > 0) {
                final long dueNanos = start + (long) (r.arrivalUs() * 1000.0 / speed);
                final long wait = dueNanos - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (final InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            last = producer.send(new ProducerRecord<>(topic, replica, replica,
                    serializer.serialize(topic, ArrivalMapping.encode(replica, sent[replica], r, predictor.predict(r)))));
            sent[replica]++;
        }
        for (int replica = 0; replica < replicas; replica++) {
            last = producer.send(new ProducerRecord<>(topic, replica, replica,
                    serializer.serialize(topic, ArrivalMapping.endOfTrace(replica, sent[replica], replicas))));
        }
        producer.flush();
        if (last != null) {
            try {
                last.get();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (final java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("arrivals: producing to " + topic + " failed: " + e.getCause(), e.getCause());
            }
        }
        return sent;
    }
}
