package org.kvsched.pipeline.consume;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The consumer thread of a plain-client service (the worker, the metrics sink): it subscribes, polls until stopped,
 * done or failed, hands every poll's records to a {@link Handler} and closes the consumer. What the service does with
 * the records (decoding, producing, committing) is the handler's; how the thread starts, stops on {@link #close()}
 * (a wakeup), records a failure and says it is done is this class's, once for every such service.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class ConsumerLoop<K, V> implements AutoCloseable {

    /** What a service does with what its consumer polls; called on the loop's thread only. */
    public interface Handler<K, V> {

        /** How long the next poll may wait, milliseconds (a handler with timed work returns when it is due). */
        default long pollMs() {
            return 100;
        }

        /**
         * Handles the records of one poll; called after every poll, also when none came, so that time-driven work
         * (reports falling due, progress lines) runs while the topics are idle.
         *
         * @return false once the service's job is done: the loop then ends (normally)
         */
        boolean onPoll(ConsumerRecords<K, V> records);

        /** Called once the loop has ended, for whatever reason, after the consumer is closed: release what the handler holds. */
        default void stopped() {
        }
    }

    private final String name;
    private final Consumer<K, V> consumer;
    private final List<String> topics;
    private final Handler<K, V> handler;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger assigned = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread thread;

    /**
     * A loop, not yet started, that owns {@code consumer} from now on (it subscribes, polls and closes it).
     *
     * @param name the thread's name (the service's, for logs)
     */
    public ConsumerLoop(final String name, final Consumer<K, V> consumer, final Collection<String> topics, final Handler<K, V> handler) {
        this.name = name;
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.handler = handler;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    /** Starts the loop's thread. */
    public void start() {
        thread.start();
    }

    private void run() {
        try (consumer) {
            consumer.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
                    assigned.addAndGet(-partitions.size());
                }

                @Override
                public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
                    assigned.addAndGet(partitions.size());
                }
            });
            while (running.get()) {
                if (!handler.onPoll(consumer.poll(Duration.ofMillis(handler.pollMs())))) {
                    break;
                }
            }
        } catch (final WakeupException e) {
            // close() asked us to stop.
        } catch (final RuntimeException e) {
            failure.compareAndSet(null, e);
        } finally {
            try {
                handler.stopped();
            } catch (final RuntimeException e) {
                failure.compareAndSet(null, e);
            }
            done.countDown();
        }
    }

    /** Partitions the consumer owns now (0 until its group has formed). */
    public int assignedPartitions() {
        return assigned.get();
    }

    /** The error that ended the loop, or null. */
    public Throwable failure() {
        return failure.get();
    }

    /** Waits until the loop has ended; true if it has, and without failure. */
    public boolean awaitDone(final long millis) throws InterruptedException {
        return done.await(millis, TimeUnit.MILLISECONDS) && failure.get() == null;
    }

    /** Stops the loop (waking a blocked poll) and waits up to 30 s for its thread; idempotent. */
    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(30_000);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ConsumerLoop[" + name + ", " + topics + "]";
    }
}
