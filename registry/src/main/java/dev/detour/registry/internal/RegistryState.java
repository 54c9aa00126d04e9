package dev.detour.registry.internal;

import dev.detour.registry.internal.LogEntry.ConfigEntry;
import dev.detour.registry.internal.LogEntry.SchemaEntry;
import dev.detour.registry.internal.LogEntry.SchemaRemoved;
import dev.detour.schemas.serde.CompatibilityLevel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The registry as the replay of its log. Replay is deterministic, so every instance reading the same
 * topic holds the same state: when two writers raced and the log holds contradicting entries (one
 * id for two schemas, one schema under two ids, one version number for two ids), the entry earlier
 * in the log wins and the later one is ignored by everyone; its writer notices and retries.
 */
public final class RegistryState {

    private final CompatibilityLevel defaultLevel;
    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    /** subject -> version -> entry, versions ascending. */
    private final Map<String, TreeMap<Integer, SchemaEntry>> subjects = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel;
    private int maxId;

    public RegistryState(CompatibilityLevel defaultLevel) {
        this.defaultLevel = defaultLevel;
        this.globalLevel = defaultLevel;
    }

    /** Applies one log entry; false when it contradicts what the log said earlier (and is ignored). */
    public synchronized boolean apply(LogEntry entry) {
        return switch (entry) {
            case SchemaEntry schema -> applySchema(schema);
            case SchemaRemoved removed -> applyRemoval(removed);
            case ConfigEntry config -> applyConfig(config);
        };
    }

    private boolean applySchema(SchemaEntry entry) {
        String known = schemasById.get(entry.id());
        if (known != null && !known.equals(entry.schema())) {
            return false;
        }
        Integer otherId = idsBySchema.get(entry.schema());
        if (otherId != null && otherId != entry.id()) {
            return false;
        }
        TreeMap<Integer, SchemaEntry> versions = subjects.get(entry.subject());
        SchemaEntry existing = versions == null ? null : versions.get(entry.version());
        if (existing != null && existing.id() != entry.id()) {
            return false;
        }
        schemasById.put(entry.id(), entry.schema());
        idsBySchema.put(entry.schema(), entry.id());
        maxId = Math.max(maxId, entry.id());
        subjects.computeIfAbsent(entry.subject(), s -> new TreeMap<>()).put(entry.version(), entry);
        return true;
    }

    private boolean applyRemoval(SchemaRemoved removed) {
        TreeMap<Integer, SchemaEntry> versions = subjects.get(removed.subject());
        if (versions == null) {
            return false;
        }
        SchemaEntry existing = versions.get(removed.version());
        if (existing == null || existing.id() != removed.id()) {
            return false;
        }
        versions.remove(removed.version());
        if (versions.isEmpty()) {
            subjects.remove(removed.subject());
        }
        // The id keeps naming its schema: records written with it may still be on topics.
        return true;
    }

    private boolean applyConfig(ConfigEntry config) {
        if (config.subject() == null) {
            globalLevel = config.level() == null ? defaultLevel : config.level();
        } else if (config.level() == null) {
            subjectLevels.remove(config.subject());
        } else {
            subjectLevels.put(config.subject(), config.level());
        }
        return true;
    }

    public synchronized Optional<String> schemaById(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    public synchronized Optional<Integer> idOf(String schema) {
        return Optional.ofNullable(idsBySchema.get(schema));
    }

    public synchronized int maxId() {
        return maxId;
    }

    /** Subjects with at least one live version (or any version, with {@code includeDeleted}). */
    public synchronized List<String> subjects(boolean includeDeleted) {
        List<String> names = new ArrayList<>();
        subjects.forEach((name, versions) -> {
            if (includeDeleted || versions.values().stream().anyMatch(v -> !v.deleted())) {
                names.add(name);
            }
        });
        return names;
    }

    /** Versions of the subject, ascending; empty when it has none. */
    public synchronized List<SchemaEntry> versions(String subject, boolean includeDeleted) {
        TreeMap<Integer, SchemaEntry> versions = subjects.get(subject);
        if (versions == null) {
            return List.of();
        }
        return versions.values().stream().filter(v -> includeDeleted || !v.deleted()).toList();
    }

    /** The highest version number the subject ever had, deleted ones included; 0 for none. */
    public synchronized int maxVersion(String subject) {
        TreeMap<Integer, SchemaEntry> versions = subjects.get(subject);
        return versions == null || versions.isEmpty() ? 0 : versions.lastKey();
    }

    public synchronized boolean holds(SchemaEntry entry) {
        TreeMap<Integer, SchemaEntry> versions = subjects.get(entry.subject());
        return versions != null && entry.equals(versions.get(entry.version()));
    }

    /** Every live (subject, version) that uses the id. */
    public synchronized List<SchemaEntry> usesOf(int id) {
        List<SchemaEntry> uses = new ArrayList<>();
        subjects.values().forEach(versions -> versions.values().stream()
                .filter(v -> v.id() == id && !v.deleted()).forEach(uses::add));
        return uses;
    }

    public synchronized CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    public synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    /** The level that governs the subject: its own, else the global one. */
    public synchronized CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }
}
