package org.kvsched.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serdes in the Confluent wire format: magic byte {@code 0}, the writer schema's 4-byte big-endian
 * registry id, then the Avro binary body. Values are registered under subject {@code <topic>-value}
 * (Confluent's TopicNameStrategy), so any tool that reads Confluent-encoded topics reads ours.
 */
public final class RegistrySerdes implements AvroSerdes {

    /** First byte of every Confluent-encoded value. */
    public static final byte MAGIC = 0;

    private final RegistryClient client;

    public RegistrySerdes(final RegistryClient client) {
        this.client = client;
        AvroTrust.install();
    }

    @Override
    public <T extends SpecificRecord> Serde<T> serde(final Class<T> type) {
        final Schema schema = SpecificData.get().getSchema(type);
        final SpecificDatumWriter<T> writer = new SpecificDatumWriter<>(schema);
        final Serializer<T> serializer = (topic, value) -> {
            if (value == null) {
                return null;
            }
            final int id = client.register(topic + "-value", schema);
            final ByteArrayOutputStream out = new ByteArrayOutputStream(64);
            out.write(MAGIC);
            out.write(ByteBuffer.allocate(4).putInt(id).array(), 0, 4);
            try {
                final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
                writer.write(value, encoder);
                encoder.flush();
            } catch (final IOException | RuntimeException e) {
                throw new SerializationException("cannot encode " + type.getSimpleName() + " for topic " + topic + ": " + e.getMessage(), e);
            }
            return out.toByteArray();
        };
        final Deserializer<T> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length < 5 || bytes[0] != MAGIC) {
                throw new SerializationException("cannot decode " + type.getSimpleName() + " from topic " + topic
                        + ": not in the Confluent wire format (" + bytes.length + " bytes, first byte " + (bytes.length == 0 ? "none" : bytes[0]) + ")");
            }
            final int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
            try {
                final Schema writerSchema = client.schema(id);
                final SpecificDatumReader<T> reader = new SpecificDatumReader<>(writerSchema, schema);
                final BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null);
                return reader.read(null, decoder);
            } catch (final IOException | RuntimeException e) {
                throw new SerializationException("cannot decode " + type.getSimpleName() + " from topic " + topic
                        + " (schema id " + id + "): " + e.getMessage(), e);
            }
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    @Override
    public String describe() {
        return "confluent wire format, registry " + client.baseUrl();
    }
}
