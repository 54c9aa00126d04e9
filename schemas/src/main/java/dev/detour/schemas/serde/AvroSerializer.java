package dev.detour.schemas.serde;

import dev.detour.schemas.serde.internal.EncodeBuffer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

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
    /** Subject per topic: built once, and its hash with it, not per record. */
    private final Map<String, String> subjects = new ConcurrentHashMap<>();
    /** Per field schema: which writer schema ids encode it byte for byte (same parsing canonical form). */
    private final Map<Schema, Map<Integer, Boolean>> embeddable = new ConcurrentHashMap<>();
    /** The last pair found embeddable: answered without hashing the schema. */
    private volatile Embeddable lastEmbeddable;

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
        subjects.clear();
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
        Schema schema = record.getSchema();
        return write(topic, schema, record, writers.computeIfAbsent(schema, s -> newWriter(s, record)));
    }

    /**
     * Whether {@code wire}, a wire-format value (header and payload), can be copied as the encoding of
     * a value of {@code schema} instead of encoding that value again: its writer schema has the same
     * parsing canonical form, so Avro writes the same bytes for the same value. False for bytes that
     * are too short, lack the magic byte, or name a schema the registry cannot give now (asked again
     * next time). Cached per writer id.
     */
    public boolean embeds(byte[] wire, Schema schema) {
        return wire != null && wire.length >= WireFormat.HEADER_SIZE && wire[0] == WireFormat.MAGIC_BYTE
                && encodesAs(WireFormat.schemaId(wire), schema);
    }

    private byte[] write(String topic, Schema schema, T record, DatumWriter<T> writer) {
        if (client == null) {
            throw new IllegalStateException("AvroSerializer is not configured: set " + AvroSerdeConfig.SCHEMA_REGISTRY_URL);
        }
        String subject = subjects.computeIfAbsent(topic, t -> Subjects.topicName(t, isKey));
        int id = schemaId(subject, schema);
        EncodeBuffer out = EncodeBuffer.acquire();
        byte[] header = new byte[WireFormat.HEADER_SIZE];
        WireFormat.writeHeader(header, id);
        out.write(header, 0, header.length);
        try {
            BinaryEncoder encoder = out.encoder();
            writer.write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write " + schema.getFullName() + " for topic " + topic
                    + ": record does not match its schema (" + e.getClass().getSimpleName() + ")", e);
        } finally {
            out.release();
        }
    }

    private boolean encodesAs(int writerId, Schema fieldSchema) {
        Embeddable last = lastEmbeddable;
        if (last != null && last.schema() == fieldSchema && last.writerId() == writerId) {
            return true; // a router asks this for every request, nearly always with the same pair
        }
        Map<Integer, Boolean> known = embeddable.computeIfAbsent(fieldSchema, s -> new ConcurrentHashMap<>());
        Boolean same = known.get(writerId);
        if (same == null) {
            Schema writer;
            try {
                writer = client.schemaById(writerId);
            } catch (RuntimeException e) {
                return false; // encode as usual now; ask again next time
            }
            same = SchemaNormalization.parsingFingerprint64(writer) == SchemaNormalization.parsingFingerprint64(fieldSchema);
            known.put(writerId, same);
        }
        if (same) {
            lastEmbeddable = new Embeddable(fieldSchema, writerId);
        }
        return same;
    }

    private record Embeddable(Schema schema, int writerId) {}

    private int schemaId(String subject, Schema schema) {
        try {
            return autoRegister ? client.register(subject, schema) : client.lookupId(subject, schema);
        } catch (SchemaRegistryException e) {
            throw new SerializationException((autoRegister ? "cannot register " : "cannot find ")
                    + schema.getFullName() + " under subject " + subject + ": " + e.getMessage(), e);
        }
    }

    /**
     * A model of the class's loader with Avro's generated coders switched on (off by default, see
     * {@code org.apache.avro.specific.use_custom_coders}): straight-line code per record instead of a walk
     * of the schema with a union lookup per nullable field.
     */
    private static SpecificData customCoders(Class<?> type) {
        SpecificData model = new SpecificData(type.getClassLoader());
        // A record with logical types has no generated coders and is walked as before, with its conversions.
        SpecificData.getForClass(type).getConversions().forEach(model::addLogicalTypeConversion);
        model.setCustomCoders(true);
        return model;
    }

    private DatumWriter<T> newWriter(Schema schema, T record) {
        // Once per schema (the writers are cached), with a model of its own: switching custom coders on in
        // the class's shared model would change every other writer of it.
        return new SpecificDatumWriter<>(schema, customCoders(record.getClass()));
    }

    @Override
    public void close() {
        // The registry client is shared and holds nothing that needs closing.
    }
}
