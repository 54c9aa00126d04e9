package dev.detour.registry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.detour.registry.internal.LogEntry.ConfigEntry;
import dev.detour.registry.internal.LogEntry.SchemaEntry;
import dev.detour.registry.internal.LogEntry.SchemaRemoved;
import dev.detour.schemas.serde.CompatibilityLevel;

import java.io.IOException;
import java.util.Optional;

/**
 * JSON keys and values of the registry topic, shaped like Confluent's {@code _schemas}:
 * <pre>
 * key   {"keytype":"SCHEMA","subject":"orders-value","version":1,"id":7,"magic":1}
 * value {"subject":"orders-value","version":1,"id":7,"schemaType":"AVRO","schema":"...","deleted":false}
 * key   {"keytype":"CONFIG","subject":null,"magic":0}
 * value {"compatibilityLevel":"BACKWARD_TRANSITIVE"}
 * </pre>
 * Unlike Confluent's, a schema key also carries the id: if two writers ever raced for the same
 * version, compaction keeps both records and replay still lets the first win, instead of keeping
 * only the loser. A null value is a tombstone: the version is removed, or the config unset.
 */
public final class LogCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LogCodec() {
    }

    public record Encoded(byte[] key, byte[] value) {
    }

    public static Encoded encode(LogEntry entry) {
        return switch (entry) {
            case SchemaEntry schema -> new Encoded(schemaKey(schema.subject(), schema.version(), schema.id()),
                    bytes(schemaValue(schema)));
            case SchemaRemoved removed -> new Encoded(schemaKey(removed.subject(), removed.version(), removed.id()), null);
            case ConfigEntry config -> new Encoded(configKey(config.subject()), config.level() == null ? null
                    : bytes(JSON.createObjectNode().put("compatibilityLevel", config.level().name())));
        };
    }

    /** The entry a record holds; empty for keys this registry does not write (NOOP, other tools' types). */
    public static Optional<LogEntry> decode(byte[] key, byte[] value) throws IOException {
        if (key == null) {
            return Optional.empty();
        }
        JsonNode k = JSON.readTree(key);
        String type = k.path("keytype").asText("");
        String subject = k.path("subject").isTextual() ? k.path("subject").asText() : null;
        switch (type) {
            case "SCHEMA" -> {
                if (subject == null || !k.path("version").canConvertToInt()) {
                    throw new IOException("schema key without subject or version");
                }
                int version = k.path("version").asInt();
                if (value == null) {
                    return Optional.of(new SchemaRemoved(subject, version, k.path("id").asInt(-1)));
                }
                JsonNode v = JSON.readTree(value);
                String schema = v.path("schema").asText(null);
                if (schema == null || !v.path("id").canConvertToInt()) {
                    throw new IOException("schema value without schema or id");
                }
                return Optional.of(new SchemaEntry(subject, version, v.path("id").asInt(), schema,
                        v.path("deleted").asBoolean(false)));
            }
            case "CONFIG" -> {
                if (value == null) {
                    return Optional.of(new ConfigEntry(subject, null));
                }
                JsonNode v = JSON.readTree(value);
                return Optional.of(new ConfigEntry(subject,
                        CompatibilityLevel.parse(v.path("compatibilityLevel").asText(null))));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private static byte[] schemaKey(String subject, int version, int id) {
        ObjectNode key = JSON.createObjectNode();
        key.put("keytype", "SCHEMA");
        key.put("subject", subject);
        key.put("version", version);
        key.put("id", id);
        key.put("magic", 1);
        return bytes(key);
    }

    private static byte[] configKey(String subject) {
        ObjectNode key = JSON.createObjectNode();
        key.put("keytype", "CONFIG");
        if (subject == null) {
            key.putNull("subject");
        } else {
            key.put("subject", subject);
        }
        key.put("magic", 0);
        return bytes(key);
    }

    private static ObjectNode schemaValue(SchemaEntry entry) {
        ObjectNode value = JSON.createObjectNode();
        value.put("subject", entry.subject());
        value.put("version", entry.version());
        value.put("id", entry.id());
        value.put("schemaType", "AVRO");
        value.put("schema", entry.schema());
        value.put("deleted", entry.deleted());
        return value;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
