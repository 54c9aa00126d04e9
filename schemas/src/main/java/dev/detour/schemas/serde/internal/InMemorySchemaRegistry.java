package dev.detour.schemas.serde.internal;

import dev.detour.schemas.serde.CompatibilityLevel;
import dev.detour.schemas.serde.RegisteredSchema;
import dev.detour.schemas.serde.SchemaRegistryClient;
import dev.detour.schemas.serde.SchemaRegistryException;
import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A registry in memory with the same rules as the real one (global ids, idempotent registration,
 * compatibility levels). Behind {@code mock://<scope>} URLs, for unit tests and TopologyTestDriver.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

    private final Map<String, Integer> idsBySchemaText = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Integer>> idsBySubject = new TreeMap<>();
    private final Map<String, CompatibilityLevel> levelsBySubject = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.DEFAULT;
    private int lastId;

    @Override
    public synchronized int register(String subject, Schema schema) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
        String text = schema.toString();
        List<Integer> versions = idsBySubject.getOrDefault(subject, List.of());
        Integer known = idsBySchemaText.get(text);
        if (known != null && versions.contains(known)) {
            return known;
        }
        List<String> problems = levelOf(subject).violations(schema, schemasOf(versions));
        if (!problems.isEmpty()) {
            throw new SchemaRegistryException(409, SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                    "Schema being registered is incompatible with an earlier schema for subject \""
                            + subject + "\": " + String.join("; ", problems));
        }
        int id = known != null ? known : ++lastId;
        idsBySchemaText.put(text, id);
        schemasById.put(id, schema);
        idsBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        return id;
    }

    @Override
    public synchronized int lookupId(String subject, Schema schema) {
        List<Integer> versions = idsBySubject.get(subject);
        if (versions == null) {
            throw subjectNotFound(subject);
        }
        Integer id = idsBySchemaText.get(schema.toString());
        if (id == null || !versions.contains(id)) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found");
        }
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND,
                    "Schema " + id + " not found");
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Integer> versions = idsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw subjectNotFound(subject);
        }
        int id = versions.get(versions.size() - 1);
        return new RegisteredSchema(subject, versions.size(), id, schemasById.get(id));
    }

    @Override
    public synchronized List<Integer> versions(String subject) {
        List<Integer> ids = idsBySubject.get(subject);
        if (ids == null) {
            throw subjectNotFound(subject);
        }
        List<Integer> numbers = new ArrayList<>();
        for (int v = 1; v <= ids.size(); v++) {
            numbers.add(v);
        }
        return numbers;
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(idsBySubject.keySet());
    }

    @Override
    public synchronized boolean isCompatible(String subject, Schema schema) {
        List<Integer> versions = idsBySubject.getOrDefault(subject, List.of());
        return levelOf(subject).isCompatible(schema, schemasOf(versions));
    }

    /** Sets the level of one subject; {@code null} falls back to the global level. */
    public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
        if (level == null) {
            levelsBySubject.remove(subject);
        } else {
            levelsBySubject.put(subject, level);
        }
    }

    public synchronized void setGlobalCompatibility(CompatibilityLevel level) {
        globalLevel = Objects.requireNonNull(level, "level");
    }

    private CompatibilityLevel levelOf(String subject) {
        return levelsBySubject.getOrDefault(subject, globalLevel);
    }

    private List<Schema> schemasOf(List<Integer> ids) {
        List<Schema> schemas = new ArrayList<>(ids.size());
        for (Integer id : ids) {
            schemas.add(schemasById.get(id));
        }
        return schemas;
    }

    private static SchemaRegistryException subjectNotFound(String subject) {
        return new SchemaRegistryException(404, SchemaRegistryException.SUBJECT_NOT_FOUND,
                "Subject '" + subject + "' not found.");
    }
}
