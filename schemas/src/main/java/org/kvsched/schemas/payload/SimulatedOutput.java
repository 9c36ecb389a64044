package org.kvsched.schemas.payload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * The worker payload a simulation attaches to each arrival (field {@code workerPayload}): the request's
 * true output length, the simulation's ground truth. The scheduler relays the bytes unread into plan
 * entries; only the simulated worker decodes them. Format: the byte {@code 'S'}, then the length as an
 * Avro int (zig-zag varint, 1 to 5 bytes), so a payload of another kind is told apart.
 */
public final class SimulatedOutput {

    private static final byte MAGIC = 'S';

    private SimulatedOutput() {
    }

    /** The payload for a request that will generate {@code outputTokens} tokens (&gt;= 1). */
    public static ByteBuffer encode(final int outputTokens) {
        if (outputTokens < 1) {
            throw new IllegalArgumentException("true output tokens must be >= 1, got " + outputTokens);
        }
        final byte[] out = new byte[6];
        out[0] = MAGIC;
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(5);
        final BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(bytes, null);
        try {
            enc.writeInt(outputTokens);
            enc.flush();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        final byte[] body = bytes.toByteArray();
        System.arraycopy(body, 0, out, 1, body.length);
        return ByteBuffer.wrap(out, 0, 1 + body.length).slice();
    }

    /** The true output length in {@code payload}, or -1 if it is null or not a simulation payload. */
    public static int decode(final ByteBuffer payload) {
        if (payload == null || payload.remaining() < 2 || payload.get(payload.position()) != MAGIC) {
            return -1;
        }
        final ByteBuffer dup = payload.duplicate();
        dup.get();
        final byte[] body = new byte[dup.remaining()];
        dup.get(body);
        final BinaryDecoder dec = DecoderFactory.get().binaryDecoder(body, null);
        try {
            return dec.readInt();
        } catch (final IOException e) {
            return -1;
        }
    }
}
