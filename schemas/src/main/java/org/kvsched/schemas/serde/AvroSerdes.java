package org.kvsched.schemas.serde;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Makes Kafka serdes for the pipeline's Avro values. Two implementations, one contract
 * (docs/architecture.md section 6, docs/kafka-pipeline.md "Serialization"):
 * <ul>
 *   <li>{@link SingleObjectSerdes} (default): Avro single-object encoding ({@code C3 01}, 8-byte schema
 *       fingerprint, binary body) decoded against a {@link SchemaHistory} of every released schema, so
 *       no registry is needed and an old record still decodes;</li>
 *   <li>{@link RegistrySerdes}: the Confluent wire format ({@code 00}, 4-byte schema id, binary body)
 *       against any server speaking the Confluent Schema Registry REST API.</li>
 * </ul>
 * A serde's deserializer throws {@link org.apache.kafka.common.errors.SerializationException} for bytes
 * it cannot decode; callers that must not stop on bad input catch it.
 */
public interface AvroSerdes {

    /** Configuration key selecting registry mode: the registry's base URL. */
    String SCHEMA_REGISTRY_URL = "schema.registry.url";

    /** A serde for values of the given generated type. */
    <T extends SpecificRecord> Serde<T> serde(Class<T> type);

    /** Short name of the wire format, for logs. */
    String describe();

    /**
     * Registry mode if {@value #SCHEMA_REGISTRY_URL} is set and not blank, else single-object encoding.
     *
     * @param config flat service configuration
     */
    static AvroSerdes fromConfig(final Map<String, String> config) {
        final String url = config.get(SCHEMA_REGISTRY_URL);
        if (url == null || url.isBlank()) {
            return new SingleObjectSerdes(SchemaHistory.released());
        }
        return new RegistrySerdes(new RegistryClient(url.trim()));
    }

    /** Single-object encoding with every released schema known. */
    static AvroSerdes singleObject() {
        return new SingleObjectSerdes(SchemaHistory.released());
    }
}
