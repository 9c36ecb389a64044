package org.kvsched.pipeline.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The loop on a {@link MockConsumer}: records reach the handler, and every way of ending closes both consumer and handler. */
class ConsumerLoopTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);

    /** A handler that records what it saw and ends the loop when {@code done} says so. */
    private static final class Recording implements ConsumerLoop.Handler<String, String> {
        final List<String> values = new CopyOnWriteArrayList<>();
        final AtomicInteger polls = new AtomicInteger();
        final AtomicInteger stopped = new AtomicInteger();
        final Predicate<List<String>> done;

        Recording(final Predicate<List<String>> done) {
            this.done = done;
        }

        @Override
        public long pollMs() {
            return 5;
        }

        @Override
        public boolean onPoll(final ConsumerRecords<String, String> records) {
            polls.incrementAndGet();
            records.forEach(r -> values.add(r.value()));
            return !done.test(values);
        }

        @Override
        public void stopped() {
            stopped.incrementAndGet();
        }
    }

    private static MockConsumer<String, String> consumerWith(final String... values) {
        final MockConsumer<String, String> c = new MockConsumer<>("earliest");
        c.schedulePollTask(() -> {
            c.rebalance(List.of(TP));
            c.updateBeginningOffsets(Map.of(TP, 0L));
            for (int i = 0; i < values.length; i++) {
                c.addRecord(new ConsumerRecord<>(TP.topic(), TP.partition(), i, "k", values[i]));
            }
        });
        return c;
    }

    @Test
    void theHandlerSeesEveryRecordAndEndsTheLoopWhenItsJobIsDone() throws InterruptedException {
        final MockConsumer<String, String> c = consumerWith("a", "b", "c");
        final Recording h = new Recording(v -> v.size() == 3);
        try (ConsumerLoop<String, String> loop = new ConsumerLoop<>("test", c, List.of("t"), h)) {
            loop.start();
            assertTrue(loop.awaitDone(10_000));
            assertEquals(List.of("a", "b", "c"), h.values);
            assertEquals(java.util.Set.of("t"), c.subscription());
            assertNull(loop.failure());
        }
        assertTrue(c.closed());
        assertEquals(1, h.stopped.get());
    }

    @Test
    void idlePollsReachTheHandlerAndCloseStopsTheLoop() throws InterruptedException {
        final MockConsumer<String, String> c = consumerWith();
        final Recording h = new Recording(v -> false);
        final ConsumerLoop<String, String> loop = new ConsumerLoop<>("test", c, List.of("t"), h);
        loop.start();
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (h.polls.get() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(h.polls.get() >= 3, "idle polls reach the handler");
        assertFalse(loop.awaitDone(0));
        loop.close();
        assertTrue(loop.awaitDone(0), "close waits for the loop's thread");
        assertNull(loop.failure(), "a stop asked for is no failure");
        assertTrue(c.closed());
        assertEquals(1, h.stopped.get());
        loop.close();
        assertEquals(1, h.stopped.get(), "close is idempotent");
    }

    @Test
    void aHandlerThatThrowsEndsTheLoopWithThatFailure() throws InterruptedException {
        final MockConsumer<String, String> c = consumerWith("boom");
        final IllegalStateException boom = new IllegalStateException("boom");
        final Recording h = new Recording(v -> {
            if (!v.isEmpty()) {
                throw boom;
            }
            return false;
        });
        try (ConsumerLoop<String, String> loop = new ConsumerLoop<>("test", c, List.of("t"), h)) {
            loop.start();
            assertFalse(loop.awaitDone(10_000), "a failed loop is not done");
            assertSame(boom, loop.failure());
        }
        assertTrue(c.closed());
        assertEquals(1, h.stopped.get());
    }

    @Test
    void assignedPartitionsFollowTheGroup() throws InterruptedException {
        final MockConsumer<String, String> c = consumerWith("a");
        final AtomicInteger seen = new AtomicInteger(-1);
        final java.util.concurrent.atomic.AtomicReference<ConsumerLoop<String, String>> self = new java.util.concurrent.atomic.AtomicReference<>();
        final Recording h = new Recording(v -> {
            seen.set(self.get().assignedPartitions());
            return !v.isEmpty();
        });
        try (ConsumerLoop<String, String> loop = new ConsumerLoop<>("test", c, List.of("t"), h)) {
            self.set(loop);
            loop.start();
            assertTrue(loop.awaitDone(10_000));
        }
        assertEquals(1, seen.get());
    }
}
