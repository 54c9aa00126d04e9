package dev.detour.schemas.serde.internal;

import dev.detour.schemas.serde.RegisteredSchema;
import dev.detour.schemas.serde.SchemaRegistryClient;
import org.apache.avro.Schema;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers what never changes in a registry: the id a schema got under a subject, and the schema
 * behind an id. Serializers call {@link #register} for every record; only the first call per
 * subject and schema reaches the registry. Latest versions, subject lists and compatibility are not
 * cached: they change.
 */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {

    private final SchemaRegistryClient delegate;
    private final Map<String, Map<Schema, Integer>> registeredIds = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, Integer>> lookedUpIds = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    public CachingSchemaRegistryClient(SchemaRegistryClient delegate) {
        this.delegate = delegate;
    }

    public SchemaRegistryClient delegate() {
        return delegate;
    }

    @Override
    public int register(String subject, Schema schema) {
        // Schema caches its hash code and equals() short-cuts on identity, so this is cheap per record.
        Map<Schema, Integer> ids = registeredIds.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer id = ids.get(schema);
        if (id == null) {
            id = delegate.register(subject, schema);
            ids.put(schema, id);
            schemasById.putIfAbsent(id, schema);
        }
        return id;
    }

    @Override
    public int lookupId(String subject, Schema schema) {
        Integer registered = registeredIds.getOrDefault(subject, Map.of()).get(schema);
        if (registered != null) {
            return registered;
        }
        Map<Schema, Integer> ids = lookedUpIds.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer id = ids.get(schema);
        if (id == null) {
            id = delegate.lookupId(subject, schema);
            ids.put(schema, id);
            schemasById.putIfAbsent(id, schema);
        }
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            schema = delegate.schemaById(id);
            Schema raced = schemasById.putIfAbsent(id, schema);
            if (raced != null) {
                schema = raced;
            }
        }
        return schema;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        RegisteredSchema latest = delegate.latest(subject);
        schemasById.putIfAbsent(latest.id(), latest.schema());
        return latest;
    }

    @Override
    public List<Integer> versions(String subject) {
        return delegate.versions(subject);
    }

    @Override
    public List<String> subjects() {
        return delegate.subjects();
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        return delegate.isCompatible(subject, schema);
    }
}
