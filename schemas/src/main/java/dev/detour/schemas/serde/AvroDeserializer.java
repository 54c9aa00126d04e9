package dev.detour.schemas.serde;

import dev.detour.schemas.serde.AvroDecodeException.Cause;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the Confluent wire format into generated Avro records: the writer's schema comes from the
 * registry by the id in the header and is resolved against the generated class's schema, so old
 * and new writers both decode. {@code null} bytes (tombstones) give {@code null}.
 *
 * <p>Bad bytes throw {@link AvroDecodeException} with a {@link AvroDecodeException.Cause}.
 * Without a configured type the class is found by the writer schema's full name.
 */
public class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private Class<T> type;
    private SchemaRegistryClient client;
    private final Map<Integer, Resolution<T>> resolutions = new ConcurrentHashMap<>();

    /** For Kafka's reflective instantiation; call {@link #configure} before use. */
    public AvroDeserializer() {
    }

    public AvroDeserializer(Class<T> type, SchemaRegistryClient client) {
        this.type = type;
        this.client = client;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = AvroSerdeConfig.from(configs);
        if (client == null || config.registryUrl() != null) {
            this.client = config.client();
        }
        if (type == null && config.type(isKey) != null) {
            this.type = (Class<T>) config.type(isKey);
        }
        resolutions.clear();
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (client == null) {
            throw new IllegalStateException("AvroDeserializer is not configured: set " + AvroSerdeConfig.SCHEMA_REGISTRY_URL);
        }
        if (bytes.length == 0) {
            throw new AvroDecodeException(Cause.TRUNCATED, topic, null, "empty value, expected at least a 5-byte header", null);
        }
        if (bytes[0] != WireFormat.MAGIC_BYTE) {
            throw new AvroDecodeException(Cause.NO_MAGIC_BYTE, topic, null,
                    "first byte is " + (bytes[0] & 0xff) + ", expected 0", null);
        }
        if (bytes.length < WireFormat.HEADER_SIZE) {
            throw new AvroDecodeException(Cause.TRUNCATED, topic, null,
                    bytes.length + " bytes, shorter than the 5-byte header", null);
        }
        int id = WireFormat.schemaId(bytes);
        Resolution<T> resolution = resolutions.get(id);
        if (resolution == null) {
            resolution = resolve(topic, id);
            resolutions.put(id, resolution);
        }
        if (resolution.incompatibility() != null) {
            throw new AvroDecodeException(Cause.INCOMPATIBLE_SCHEMA, topic, id, resolution.incompatibility(), null);
        }
        return read(topic, id, resolution.reader(), bytes);
    }

    private T read(String topic, int id, SpecificDatumReader<T> reader, byte[] bytes) {
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(bytes, WireFormat.HEADER_SIZE, bytes.length - WireFormat.HEADER_SIZE, null);
        T record;
        try {
            record = reader.read(null, decoder);
        } catch (EOFException e) {
            throw new AvroDecodeException(Cause.TRUNCATED, topic, id, "payload ends before the record does", e);
        } catch (IOException | RuntimeException e) {
            // Avro's messages can quote decoded values; name only the kind of failure.
            throw new AvroDecodeException(Cause.CORRUPT, topic, id,
                    "payload does not match its writer schema (" + e.getClass().getSimpleName() + ")", e);
        }
        try {
            if (!decoder.isEnd()) {
                throw new AvroDecodeException(Cause.CORRUPT, topic, id, "bytes left after the record", null);
            }
        } catch (IOException e) {
            throw new AvroDecodeException(Cause.CORRUPT, topic, id, "cannot check the end of the payload", e);
        }
        return record;
    }

    /** Writer schema by id, checked against the reader: done once per id. */
    @SuppressWarnings("unchecked")
    private Resolution<T> resolve(String topic, int id) {
        Schema writer;
        try {
            writer = client.schemaById(id);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new AvroDecodeException(Cause.UNKNOWN_SCHEMA_ID, topic, id, "the registry has no such schema", e);
            }
            if (e.isUnavailable() || e.httpStatus() == 401 || e.httpStatus() == 403) {
                throw new AvroDecodeException(Cause.REGISTRY_UNAVAILABLE, topic, id, e.getMessage(), e);
            }
            throw new AvroDecodeException(Cause.INCOMPATIBLE_SCHEMA, topic, id, e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new AvroDecodeException(Cause.REGISTRY_UNAVAILABLE, topic, id, e.toString(), e);
        }
        Class<T> target = type;
        if (target == null) {
            Class<?> found = SpecificData.get().getClass(writer);
            if (found == null || !SpecificRecord.class.isAssignableFrom(found)) {
                return Resolution.failed("no generated class for " + writer.getFullName()
                        + " and no " + AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE + " configured");
            }
            target = (Class<T>) found;
        }
        SpecificData model = SpecificData.getForClass(target);
        Schema reader = model.getSchema(target);
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return Resolution.failed("writer schema " + writer.getFullName() + " cannot be read as "
                    + reader.getFullName() + ": " + compatibility.getResult().getIncompatibilities().stream()
                    .map(i -> i.getType() + " at " + i.getLocation()).toList());
        }
        return new Resolution<>(new SpecificDatumReader<>(writer, reader, model), null);
    }

    @Override
    public void close() {
        // The registry client is shared and holds nothing that needs closing.
    }

    private record Resolution<T>(SpecificDatumReader<T> reader, String incompatibility) {
        static <T> Resolution<T> failed(String why) {
            return new Resolution<>(null, why);
        }
    }
}
