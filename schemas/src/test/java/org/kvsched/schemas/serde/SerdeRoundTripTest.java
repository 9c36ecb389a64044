package org.kvsched.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.kvsched.schemas.avro.BatchPlan;
import org.kvsched.schemas.avro.RequestEvent;

class SerdeRoundTripTest {

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> void roundTrip(final AvroSerdes serdes, final T value) {
        final Serde<T> serde = serdes.serde((Class<T>) value.getClass());
        final byte[] bytes = serde.serializer().serialize("t", value);
        final T back = serde.deserializer().deserialize("t", bytes);
        assertEquals(value, back, value.getClass().getSimpleName());
    }

    @Test
    void everyRecordRoundTripsInSingleObjectEncoding() {
        final AvroSerdes serdes = AvroSerdes.fromConfig(Map.of());
        assertTrue(serdes instanceof SingleObjectSerdes, serdes.describe());
        Samples.all().forEach(v -> roundTrip(serdes, v));
    }

    @Test
    void singleObjectBytesCarryTheSchemaFingerprint() {
        final Serde<BatchPlan> serde = AvroSerdes.singleObject().serde(BatchPlan.class);
        final byte[] bytes = serde.serializer().serialize("plans", (BatchPlan) Samples.all().get(2));
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        long fp = 0;
        for (int i = 9; i >= 2; i--) {
            fp = (fp << 8) | (bytes[i] & 0xFF);
        }
        assertEquals(SchemaNormalization.parsingFingerprint64(BatchPlan.getClassSchema()), fp);
    }

    @Test
    void everyRecordRoundTripsInTheConfluentWireFormat() throws Exception {
        try (FakeRegistry registry = new FakeRegistry()) {
            final AvroSerdes serdes = AvroSerdes.fromConfig(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, registry.url()));
            assertTrue(serdes instanceof RegistrySerdes, serdes.describe());
            Samples.all().forEach(v -> roundTrip(serdes, v));
            // One schema per value type (the two RequestEvents and two ErrorRecords share theirs).
            assertEquals(7, registry.count());
            final byte[] bytes = serdes.serde(RequestEvent.class).serializer().serialize("t", (RequestEvent) Samples.all().get(5));
            assertEquals(RegistrySerdes.MAGIC, bytes[0]);
            // A fresh client (another process) resolves the id through the registry.
            final AvroSerdes other = AvroSerdes.fromConfig(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, registry.url()));
            assertEquals(Samples.all().get(5), other.serde(RequestEvent.class).deserializer().deserialize("t", bytes));
        }
    }

    @Test
    void garbageFailsWithASerializationExceptionInBothModes() throws Exception {
        final byte[] garbage = {1, 2, 3, 4, 5, 6, 7};
        assertThrows(SerializationException.class,
                () -> AvroSerdes.singleObject().serde(BatchPlan.class).deserializer().deserialize("plans", garbage));
        try (FakeRegistry registry = new FakeRegistry()) {
            final AvroSerdes serdes = AvroSerdes.fromConfig(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, registry.url()));
            assertThrows(SerializationException.class, () -> serdes.serde(BatchPlan.class).deserializer().deserialize("plans", garbage));
            // Right magic byte, unknown id: the registry's 404 becomes a SerializationException too.
            assertThrows(SerializationException.class,
                    () -> serdes.serde(BatchPlan.class).deserializer().deserialize("plans", new byte[] {0, 0, 0, 0, 99, 1}));
        }
    }

    @Test
    void aRecordWrittenWithAnOlderSchemaDecodesThroughTheStore() throws Exception {
        // An older RequestEvent without the reason field, as if released before the field existed.
        final Schema now = RequestEvent.getClassSchema();
        final java.util.List<Schema.Field> kept = new java.util.ArrayList<>();
        for (final Schema.Field f : now.getFields()) {
            if (!f.name().equals("reason")) {
                kept.add(new Schema.Field(f, f.schema()));
            }
        }
        final Schema old = Schema.createRecord(now.getName(), now.getDoc(), now.getNamespace(), false, kept);
        assertEquals(7, old.getFields().size());
        final GenericRecord rec = new GenericData.Record(old);
        rec.put("kind", new GenericData.EnumSymbol(old.getField("kind").schema(), "COMPLETED"));
        rec.put("requestId", 9L);
        rec.put("replicaId", 1);
        rec.put("timeUs", 5L);
        rec.put("promptTokens", 3);
        rec.put("maxTokens", 4);
        rec.put("generatedTokens", 4);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), old).encode(rec, out);
        final byte[] bytes = out.toByteArray();
        // Without the old schema the fingerprint is unknown ...
        assertThrows(SerializationException.class,
                () -> AvroSerdes.singleObject().serde(RequestEvent.class).deserializer().deserialize("t", bytes));
        // ... with it in the store, the record resolves and the new field takes its default.
        final SchemaStore.Cache store = SchemaHistory.released().store();
        store.addSchema(old);
        final RequestEvent decoded = RequestEvent.createDecoder(store).decode(bytes);
        assertEquals("", decoded.getReason());
        assertEquals(9L, decoded.getRequestId());
    }

    @Test
    void unknownWriterSchemaFailsClearly() {
        final byte[] bytes = AvroSerdes.singleObject().serde(BatchPlan.class).serializer().serialize("plans", (BatchPlan) Samples.all().get(2));
        final byte[] tampered = bytes.clone();
        tampered[5] ^= 0x55;
        final SerializationException e = assertThrows(SerializationException.class,
                () -> AvroSerdes.singleObject().serde(BatchPlan.class).deserializer().deserialize("plans", tampered));
        assertTrue(e.getMessage().contains("BatchPlan"), e.getMessage());
        assertArrayEquals(bytes, AvroSerdes.singleObject().serde(BatchPlan.class).serializer().serialize("plans", (BatchPlan) Samples.all().get(2)));
    }

    @Test
    void releasedV1ArrivalsAndReportsDecodeWithTheirMeaningKept() throws Exception {
        // A v1 arrival carried the true output length, which was also its cap: it reads as max_tokens,
        // with no prediction and no worker payload.
        final Schema v1 = SchemaHistory.released().versions("ArrivalEvent").get(0);
        final Schema arrival = v1.getField("body").schema().getTypes().get(0);
        final GenericRecord body = new GenericData.Record(arrival);
        body.put("requestId", 3L);
        body.put("arrivalUs", 10L);
        body.put("promptTokens", 100);
        body.put("outputTokens", 25);
        final GenericRecord event = new GenericData.Record(v1);
        event.put("replicaId", 0);
        event.put("sequence", 0L);
        event.put("body", body);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(event, out);
        final org.kvsched.schemas.avro.ArrivalEvent decoded = AvroSerdes.singleObject()
                .serde(org.kvsched.schemas.avro.ArrivalEvent.class).deserializer().deserialize("arrivals", out.toByteArray());
        final org.kvsched.schemas.avro.RequestArrival r = (org.kvsched.schemas.avro.RequestArrival) decoded.getBody();
        assertEquals(25, r.getMaxTokens());
        assertEquals(-1, r.getPredictedOutputTokens());
        assertEquals(null, r.getWorkerPayload());

        // A v1 report had times only: progress reads as null (the v1 contract: implied by the plan).
        final Schema v1Report = SchemaHistory.released().versions("StepReport").get(0);
        final GenericRecord report = new GenericData.Record(v1Report);
        report.put("replicaId", 0);
        report.put("planId", 4L);
        report.put("startUs", 0L);
        report.put("iterationEndUs", java.util.List.of(5L, 9L));
        final ByteArrayOutputStream out2 = new ByteArrayOutputStream();
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1Report).encode(report, out2);
        final org.kvsched.schemas.avro.StepReport r2 = AvroSerdes.singleObject()
                .serde(org.kvsched.schemas.avro.StepReport.class).deserializer().deserialize("step-reports", out2.toByteArray());
        assertEquals(null, r2.getProgress());
        assertEquals(java.util.List.of(5L, 9L), r2.getIterationEndUs());
    }

    @Test
    void theSimulatedOutputPayloadRoundTripsAndIgnoresOtherKinds() {
        for (final int n : new int[] {1, 63, 64, 4096, Integer.MAX_VALUE}) {
            assertEquals(n, org.kvsched.schemas.payload.SimulatedOutput.decode(org.kvsched.schemas.payload.SimulatedOutput.encode(n)));
        }
        assertEquals(-1, org.kvsched.schemas.payload.SimulatedOutput.decode(null));
        assertEquals(-1, org.kvsched.schemas.payload.SimulatedOutput.decode(java.nio.ByteBuffer.wrap("{\"prompt\":1}".getBytes())));
    }
}
