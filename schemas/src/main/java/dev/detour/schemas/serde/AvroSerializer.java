package dev.detour.schemas.serde;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes generated Avro records in the Confluent wire format. The schema is registered (or, with
 * {@code auto.register.schemas=false}, looked up) under {@code <topic>-value} / {@code <topic>-key}
 * once per subject; later records reuse the cached id.
 *
 * <p>Built either directly ({@code new AvroSerializer<>(Type.class, client)}) or by Kafka from
 * properties (no-arg constructor, then {@link #configure}).
 */
public class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private SchemaRegistryClient client;
    private boolean isKey;
    private boolean autoRegister = true;
    private final Map<Schema, DatumWriter<T>> writers = new ConcurrentHashMap<>();

    /** For Kafka's reflective instantiation; call {@link #configure} before use. */
    public AvroSerializer() {
    }

    public AvroSerializer(Class<T> type, SchemaRegistryClient client) {
        this(type, client, false);
    }

    /** @param type the record class; only documents intent, the schema comes from each record */
    public AvroSerializer(Class<T> type, SchemaRegistryClient client, boolean isKey) {
        this.client = client;
        this.isKey = isKey;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = AvroSerdeConfig.from(configs);
        this.isKey = isKey;
        this.autoRegister = config.autoRegister();
        if (client == null || config.registryUrl() != null) {
            this.client = config.client();
        }
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        if (client == null) {
            throw new IllegalStateException("AvroSerializer is not configured: set " + AvroSerdeConfig.SCHEMA_REGISTRY_URL);
        }
        Schema schema = record.getSchema();
        String subject = Subjects.topicName(topic, isKey);
        int id = schemaId(subject, schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        byte[] header = new byte[WireFormat.HEADER_SIZE];
        WireFormat.writeHeader(header, id);
        out.writeBytes(header);
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            writers.computeIfAbsent(schema, s -> newWriter(s, record)).write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write " + schema.getFullName() + " for topic " + topic
                    + ": record does not match its schema (" + e.getClass().getSimpleName() + ")", e);
        }
        return out.toByteArray();
    }

    private int schemaId(String subject, Schema schema) {
        try {
            return autoRegister ? client.register(subject, schema) : client.lookupId(subject, schema);
        } catch (SchemaRegistryException e) {
            throw new SerializationException((autoRegister ? "cannot register " : "cannot find ")
                    + schema.getFullName() + " under subject " + subject + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private DatumWriter<T> newWriter(Schema schema, T record) {
        return new SpecificDatumWriter<>(schema, SpecificData.getForClass((Class<T>) record.getClass()));
    }

    @Override
    public void close() {
        // The registry client is shared and holds nothing that needs closing.
    }
}
