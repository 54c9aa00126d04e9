package dev.detour.registry.internal;

import dev.detour.schemas.serde.CompatibilityLevel;

/** One record of the registry's compacted topic, decoded. State is the replay of these, in log order. */
public sealed interface LogEntry {

    /** Version {@code version} of {@code subject} is the schema with global id {@code id}. */
    record SchemaEntry(String subject, int version, int id, String schema, boolean deleted) implements LogEntry {
        SchemaEntry asDeleted() {
            return new SchemaEntry(subject, version, id, schema, true);
        }
    }

    /** A version removed for good (tombstone of its key). */
    record SchemaRemoved(String subject, int version, int id) implements LogEntry {
    }

    /** The compatibility level of a subject, or the global one when {@code subject} is null; null level = unset. */
    record ConfigEntry(String subject, CompatibilityLevel level) implements LogEntry {
    }
}
