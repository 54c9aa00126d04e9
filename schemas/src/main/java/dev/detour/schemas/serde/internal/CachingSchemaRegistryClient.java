package dev.detour.schemas.serde.internal;

import dev.detour.schemas.serde.RegisteredSchema;
import dev.detour.schemas.serde.SchemaRegistryClient;
import org.apache.avro.Schema;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Remembers what never changes in a registry: the id a schema got under a subject, and the schema
 * behind an id. Serializers call {@link #register} for every record; only the first call per
 * subject and schema reaches the registry. Latest versions, subject lists and compatibility are not
 * cached: they change.
 *
 * <p>Concurrent first calls for the same subject and schema share one registry request: a worker
 * finishing thousands of calls at once would otherwise send thousands of identical registrations
 * (and hold as many connections) before the first answer arrives.
 */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {

    private final SchemaRegistryClient delegate;
    private final Map<String, Map<Schema, Integer>> registeredIds = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, Integer>> lookedUpIds = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<InFlightKey, CompletableFuture<Integer>> inFlight = new ConcurrentHashMap<>();

    private record InFlightKey(String operation, String subject, Schema schema) {}

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
            id = once(new InFlightKey("register", subject, schema), () -> delegate.register(subject, schema));
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
            id = once(new InFlightKey("lookup", subject, schema), () -> delegate.lookupId(subject, schema));
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

    /** Runs the call unless the same one is running already, in which case waits for its answer. */
    private int once(InFlightKey key, Supplier<Integer> call) {
        CompletableFuture<Integer> mine = new CompletableFuture<>();
        CompletableFuture<Integer> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            int id = call.get();
            mine.complete(id);
            return id;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
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
