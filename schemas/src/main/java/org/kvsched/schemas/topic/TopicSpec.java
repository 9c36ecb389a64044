package org.kvsched.schemas.topic;

import java.util.Objects;

/**
 * One topic of the pipeline: its name and the types of its keys and values.
 *
 * @param name      topic name (with any run prefix applied)
 * @param keyType   Java type of the key ({@link Integer} replica id, {@link Long} request id, or {@code byte[]})
 * @param valueType the generated Avro class of the value
 * @param partitionedByReplica true if the topic has one partition per replica and is keyed by replica id
 * @param <K> key type
 * @param <V> value type
 */
public record TopicSpec<K, V>(String name, Class<K> keyType, Class<V> valueType, boolean partitionedByReplica) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(valueType, "valueType");
        if (name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be blank");
        }
    }
}
