package dev.detour.registry.internal;

import dev.detour.registry.internal.LogEntry.ConfigEntry;
import dev.detour.registry.internal.LogEntry.SchemaEntry;
import dev.detour.registry.internal.LogEntry.SchemaRemoved;
import dev.detour.schemas.serde.CompatibilityLevel;
import dev.detour.schemas.serde.SchemaRegistryException;
import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The registry's rules (ids, versions, compatibility, config) over its state and log, independent
 * of HTTP. Reads come from the replayed state; every change goes through the log.
 *
 * <p>Writes from one instance are serialized. Several instances on one topic stay consistent:
 * each allocates ids optimistically from its state, and when the log shows another writer took
 * the id or version first (see {@link RegistryState}), it retries on the newer state.
 */
public final class Registry {

    private static final int WRITE_ATTEMPTS = 10;

    private final RegistryState state;
    private final SchemaLog log;
    private final Object writeLock = new Object();

    public Registry(RegistryState state, SchemaLog log) {
        this.state = state;
        this.log = log;
    }

    /** What a version of a subject is. */
    public record Version(String subject, int version, int id, String schema) {
        static Version of(SchemaEntry entry) {
            return new Version(entry.subject(), entry.version(), entry.id(), entry.schema());
        }
    }

    /** Registers the schema under the subject (idempotent) and returns its global id. */
    public int register(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        String canonical = schema.toString();
        synchronized (writeLock) {
            for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
                Optional<SchemaEntry> existing = liveVersionWith(subject, canonical);
                if (existing.isPresent()) {
                    return existing.get().id();
                }
                List<String> problems = state.effectiveLevel(subject).violations(schema, liveSchemas(subject));
                if (!problems.isEmpty()) {
                    throw incompatible(subject, problems);
                }
                int id = state.idOf(canonical).orElse(state.maxId() + 1);
                SchemaEntry entry = new SchemaEntry(subject, state.maxVersion(subject) + 1, id, canonical, false);
                log.appendAndAwait(entry);
                if (state.holds(entry)) {
                    return id;
                }
                // Another instance wrote first; the state now shows what it wrote.
            }
        }
        throw new SchemaRegistryException(500, SchemaRegistryException.STORE_ERROR,
                "could not register under subject " + subject + ": concurrent writers kept winning");
    }

    /** The live version of the subject holding this schema. */
    public Version lookup(String subject, String schemaText) {
        String canonical = parse(schemaText).toString();
        requireSubject(subject);
        return liveVersionWith(subject, canonical).map(Version::of)
                .orElseThrow(() -> new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND,
                        "Schema not found"));
    }

    public String schemaById(int id) {
        return state.schemaById(id).orElseThrow(() -> schemaNotFound(id));
    }

    /** (subject, version) pairs using the id. */
    public List<Version> usesOf(int id) {
        schemaById(id);
        return state.usesOf(id).stream().map(Version::of).toList();
    }

    public List<String> subjects(boolean includeDeleted) {
        return state.subjects(includeDeleted);
    }

    public List<Integer> versions(String subject, boolean includeDeleted) {
        List<SchemaEntry> versions = state.versions(subject, includeDeleted);
        if (versions.isEmpty()) {
            throw subjectNotFound(subject);
        }
        return versions.stream().map(SchemaEntry::version).toList();
    }

    /** A version by number, or the latest for {@code null}. */
    public Version version(String subject, Integer version, boolean includeDeleted) {
        List<SchemaEntry> versions = state.versions(subject, includeDeleted);
        if (versions.isEmpty()) {
            throw subjectNotFound(subject);
        }
        if (version == null) {
            return Version.of(versions.get(versions.size() - 1));
        }
        return versions.stream().filter(v -> v.version() == version).findFirst().map(Version::of)
                .orElseThrow(() -> new SchemaRegistryException(404, SchemaRegistryException.VERSION_NOT_FOUND,
                        "Version " + version + " not found."));
    }

    /**
     * Why the schema may not be registered next to the given version ({@code null}: the latest, or
     * every version under a transitive level); empty when it may. No version yet means compatible.
     */
    public List<String> compatibilityProblems(String subject, Integer version, String schemaText) {
        Schema schema = parse(schemaText);
        CompatibilityLevel level = state.effectiveLevel(subject);
        if (version == null) {
            return level.violations(schema, liveSchemas(subject));
        }
        Version against = version(subject, version, false);
        return level.violations(schema, List.of(parse(against.schema())));
    }

    /** Problems against every live version, whatever the level's transitivity (POST .../versions without a number). */
    public List<String> compatibilityProblemsWithAll(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        CompatibilityLevel level = state.effectiveLevel(subject);
        List<Schema> all = liveSchemas(subject);
        List<String> problems = new ArrayList<>();
        for (Schema existing : all) {
            problems.addAll(level.violations(schema, List.of(existing)));
        }
        return problems;
    }

    public CompatibilityLevel globalLevel() {
        return state.globalLevel();
    }

    public Optional<CompatibilityLevel> subjectLevel(String subject) {
        return state.subjectLevel(subject);
    }

    public void setLevel(String subjectOrNull, CompatibilityLevel level) {
        synchronized (writeLock) {
            log.appendAndAwait(new ConfigEntry(subjectOrNull, level));
        }
    }

    /** Soft-deletes every live version (or removes every version for good); returns their numbers. */
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        synchronized (writeLock) {
            List<SchemaEntry> versions = state.versions(subject, permanent);
            if (versions.isEmpty()) {
                throw subjectNotFound(subject);
            }
            for (SchemaEntry entry : versions) {
                log.appendAndAwait(permanent ? new SchemaRemoved(subject, entry.version(), entry.id()) : entry.asDeleted());
            }
            if (permanent) {
                log.appendAndAwait(new ConfigEntry(subject, null));
            }
            return versions.stream().map(SchemaEntry::version).toList();
        }
    }

    private Optional<SchemaEntry> liveVersionWith(String subject, String canonical) {
        return state.versions(subject, false).stream().filter(v -> v.schema().equals(canonical)).findFirst();
    }

    private List<Schema> liveSchemas(String subject) {
        return state.versions(subject, false).stream().map(v -> parse(v.schema())).toList();
    }

    private void requireSubject(String subject) {
        if (state.versions(subject, false).isEmpty()) {
            throw subjectNotFound(subject);
        }
    }

    static Schema parse(String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA, "Empty schema");
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (RuntimeException e) {
            // Avro reports some bad schemas (unknown type names) as NullPointerException.
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                    "Invalid schema: " + e.getMessage(), e);
        }
    }

    private static SchemaRegistryException incompatible(String subject, List<String> problems) {
        return new SchemaRegistryException(409, SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                        + "\", details: " + problems);
    }

    static SchemaRegistryException subjectNotFound(String subject) {
        return new SchemaRegistryException(404, SchemaRegistryException.SUBJECT_NOT_FOUND,
                "Subject '" + subject + "' not found.");
    }

    private static SchemaRegistryException schemaNotFound(int id) {
        return new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
    }
}
