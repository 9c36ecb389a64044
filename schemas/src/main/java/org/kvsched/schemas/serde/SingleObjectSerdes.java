package org.kvsched.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Registry-less serdes: Avro single-object encoding, the writer schema named by its 64-bit
 * fingerprint and looked up in a {@link SchemaHistory} (Avro specification, "Single-object encoding": the
 * bytes {@code C3 01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema's parsing
 * canonical form, then the binary body; docs/kafka-pipeline.md "Serialization"). A record written
 * with any released version decodes into the current class through Avro schema resolution.
 */
public final class SingleObjectSerdes implements AvroSerdes {

    private final SchemaHistory history;

    public SingleObjectSerdes(final SchemaHistory history) {
        this.history = history;
        AvroTrust.install();
    }

    @Override
    public <T extends SpecificRecord> Serde<T> serde(final Class<T> type) {
        final Schema schema = SpecificData.get().getSchema(type);
        final SpecificData model = SpecificData.getForSchema(schema);
        final BinaryMessageEncoder<T> encoder = new BinaryMessageEncoder<>(model, schema);
        final SchemaStore.Cache store = history.store();
        final BinaryMessageDecoder<T> decoder = new BinaryMessageDecoder<>(model, schema, store);
        final Serializer<T> serializer = (topic, value) -> {
            if (value == null) {
                return null;
            }
            // encode(datum, stream), not encode(datum).array(): the latter wraps a reused thread-local buffer.
            final ByteArrayOutputStream out = new ByteArrayOutputStream(64);
            try {
                encoder.encode(value, out);
            } catch (final IOException | AvroRuntimeException e) {
                throw new SerializationException("cannot encode " + type.getSimpleName() + " for topic " + topic + ": " + e.getMessage(), e);
            }
            return out.toByteArray();
        };
        final Deserializer<T> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return decoder.decode(ByteBuffer.wrap(bytes));
            } catch (final IOException | RuntimeException e) {
                throw new SerializationException("cannot decode " + type.getSimpleName() + " from topic " + topic
                        + " (" + bytes.length + " bytes): " + e, e);
            }
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    @Override
    public String describe() {
        return "avro single-object encoding";
    }
}
