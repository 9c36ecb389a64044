package org.kvsched.vllmsim;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * Writes a server-sent-event stream without blocking the caller: events are queued and written in order, one
 * non-blocking write at a time (whatever queued up while a write was out goes in the next one). The scheduler
 * thread calls {@link #send} at every iteration end, so it must never wait for a slow or vanished client.
 *
 * <p>Each event is {@code data: <payload>\n\n}, as vLLM frames them. A failed write means the client went
 * away: {@code onBroken} runs once (the request is aborted) and the exchange is failed.
 */
final class SseWriter extends IteratingCallback {

    private final Response response;
    private final Callback exchange;
    private final Runnable onBroken;
    private final Object lock = new Object();
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private boolean closed;
    private boolean lastWritten;

    /**
     * @param response the response, status and headers set, nothing written yet
     * @param exchange completes the HTTP exchange (Jetty's handler callback)
     * @param onBroken runs once if a write fails
     */
    SseWriter(final Response response, final Callback exchange, final Runnable onBroken) {
        this.response = response;
        this.exchange = exchange;
        this.onBroken = onBroken;
    }

    /** The SSE framing of one event. */
    static byte[] event(final String payload) {
        return ("data: " + payload + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Sends the status line and headers now (clients see the response start before the first token). */
    void open() {
        send(new byte[0]);
    }

    /** Queues an event; ignored once the stream is closed. */
    void send(final byte[] event) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            pending.add(event);
        }
        iterate();
    }

    /** Queues the last events and ends the stream after them. */
    void close(final byte[]... last) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            for (final byte[] e : last) {
                pending.add(e);
            }
            closed = true;
        }
        iterate();
    }

    @Override
    protected Action process() {
        final ByteBuffer buffer;
        final boolean last;
        synchronized (lock) {
            if (lastWritten) {
                return Action.SUCCEEDED;
            }
            if (pending.isEmpty() && !closed) {
                return Action.IDLE;
            }
            int size = 0;
            for (final byte[] e : pending) {
                size += e.length;
            }
            buffer = ByteBuffer.allocate(size);
            while (!pending.isEmpty()) {
                buffer.put(pending.poll());
            }
            buffer.flip();
            last = closed;
            lastWritten = last;
        }
        response.write(last, buffer, this);
        return Action.SCHEDULED;
    }

    @Override
    protected void onCompleteSuccess() {
        exchange.succeeded();
    }

    @Override
    protected void onCompleteFailure(final Throwable cause) {
        synchronized (lock) {
            closed = true;
            pending.clear();
        }
        onBroken.run();
        exchange.failed(cause);
    }
}
