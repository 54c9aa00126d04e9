package dev.detour.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes that could not be turned into a record. The {@link #cause()} tells processors what went
 * wrong so they can dead-letter the record with a reason; the message names the cause, the topic
 * and the schema id when known, and never the payload (it may hold user content).
 */
public class AvroDecodeException extends SerializationException {

    /** Why the bytes could not be decoded. */
    public enum Cause {
        /** The first byte is not the Confluent magic byte 0: not written by a registry-aware serializer. */
        NO_MAGIC_BYTE,
        /** The registry knows no schema with the id in the header. */
        UNKNOWN_SCHEMA_ID,
        /** The bytes end before the header or the record does. */
        TRUNCATED,
        /** The writer's schema cannot be read as the reader's (not a compatible evolution, or another record). */
        INCOMPATIBLE_SCHEMA,
        /** The registry could not be asked: retrying later may succeed, the bytes may be fine. */
        REGISTRY_UNAVAILABLE,
        /** The payload does not match its writer schema. */
        CORRUPT
    }

    private final Cause cause;
    private final String topic;
    private final Integer schemaId;

    public AvroDecodeException(Cause cause, String topic, Integer schemaId, String detail, Throwable source) {
        super(message(cause, topic, schemaId, detail), source);
        this.cause = cause;
        this.topic = topic;
        this.schemaId = schemaId;
    }

    private static String message(Cause cause, String topic, Integer schemaId, String detail) {
        StringBuilder text = new StringBuilder("cannot decode Avro record: ").append(cause);
        text.append(" (topic ").append(topic == null ? "unknown" : topic);
        if (schemaId != null) {
            text.append(", schema id ").append(schemaId);
        }
        text.append(')');
        if (detail != null && !detail.isBlank()) {
            text.append(": ").append(detail);
        }
        return text.toString();
    }

    /** Why decoding failed. (Not {@link Throwable#getCause()}: that is the underlying exception, if any.) */
    public Cause cause() {
        return cause;
    }

    /** The topic of the record, when the deserializer was told. */
    public String topic() {
        return topic;
    }

    /** The schema id from the header, when the header could be read. */
    public Integer schemaId() {
        return schemaId;
    }

    /** Whether retrying the same bytes later can succeed (the registry was down, the bytes may be fine). */
    public boolean isTransient() {
        return cause == Cause.REGISTRY_UNAVAILABLE;
    }
}
