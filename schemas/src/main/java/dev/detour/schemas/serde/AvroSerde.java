package dev.detour.schemas.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Map;

/** {@link AvroSerializer} and {@link AvroDeserializer} as one Kafka {@link Serde}, for clients and Streams. */
public class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;

    /** For Kafka's reflective instantiation (e.g. default.value.serde); call {@link #configure} before use. */
    public AvroSerde() {
        this.serializer = new AvroSerializer<>();
        this.deserializer = new AvroDeserializer<>();
    }

    /** A value serde (subject {@code <topic>-value}). */
    public AvroSerde(Class<T> type, SchemaRegistryClient client) {
        this(type, client, false);
    }

    public AvroSerde(Class<T> type, SchemaRegistryClient client, boolean isKey) {
        this.serializer = new AvroSerializer<>(type, client, isKey);
        this.deserializer = new AvroDeserializer<>(type, client);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public AvroSerializer<T> serializer() {
        return serializer;
    }

    @Override
    public AvroDeserializer<T> deserializer() {
        return deserializer;
    }
}
