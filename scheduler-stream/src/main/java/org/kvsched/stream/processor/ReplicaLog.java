package org.kvsched.stream.processor;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.kvsched.schemas.avro.ArrivalEvent;
import org.kvsched.schemas.avro.StepReport;
import org.kvsched.schemas.serde.AvroSerdes;

/**
 * Encoding of the replica log kept in the state store: one entry per input the scheduler accepted, in
 * order, keyed by (replica, sequence). Replaying a replica's entries through a fresh
 * {@link ReplicaDriver} rebuilds its scheduler exactly (the core is deterministic), including any
 * state a policy keeps. Each input costs one small put, whatever the size of the running batch.
 *
 * <p>Key: 4-byte big-endian replica id, 8-byte big-endian sequence (so a store scan returns each
 * replica's entries in order). Value: a tag byte, then for arrivals and reports the record in Avro
 * single-object encoding (independent of the wire format the topics use).
 */
final class ReplicaLog {

    static final byte ARRIVAL = 'A';
    static final byte REPORT = 'R';
    static final byte ERROR = 'E';

    private final Serde<ArrivalEvent> arrivals;
    private final Serde<StepReport> reports;

    ReplicaLog() {
        final AvroSerdes serdes = AvroSerdes.singleObject();
        this.arrivals = serdes.serde(ArrivalEvent.class);
        this.reports = serdes.serde(StepReport.class);
    }

    static Bytes key(final int replica, final long sequence) {
        return Bytes.wrap(ByteBuffer.allocate(12).putInt(replica).putLong(sequence).array());
    }

    static int replicaOf(final Bytes key) {
        return ByteBuffer.wrap(key.get()).getInt(0);
    }

    static long sequenceOf(final Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong(4);
    }

    byte[] arrival(final ArrivalEvent event) {
        return tagged(ARRIVAL, arrivals.serializer().serialize("replica-log", event));
    }

    byte[] report(final StepReport report) {
        return tagged(REPORT, reports.serializer().serialize("replica-log", report));
    }

    static byte[] error() {
        return new byte[] {ERROR};
    }

    ArrivalEvent decodeArrival(final byte[] value) {
        return arrivals.deserializer().deserialize("replica-log", Arrays.copyOfRange(value, 1, value.length));
    }

    StepReport decodeReport(final byte[] value) {
        return reports.deserializer().deserialize("replica-log", Arrays.copyOfRange(value, 1, value.length));
    }

    private static byte[] tagged(final byte tag, final byte[] body) {
        final byte[] out = new byte[body.length + 1];
        out[0] = tag;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }
}
