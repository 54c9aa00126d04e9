package dev.detour.schemas.serde;

import org.apache.avro.Schema;

import java.util.List;

/**
 * The part of the Confluent Schema Registry API the serde and the tools need. Implementations:
 * the in-memory registry behind {@code mock://} URLs and the caching REST client behind
 * {@code http(s)://} URLs (see {@link SchemaRegistryClients#forUrl(String)}).
 *
 * <p>Failures are {@link SchemaRegistryException}s carrying the registry's error code.
 */
public interface SchemaRegistryClient {

    /** Registers the schema under the subject; registering the same schema again returns the same id. */
    int register(String subject, Schema schema);

    /** The id of a schema already registered under the subject; 40403 when it is not. */
    int lookupId(String subject, Schema schema);

    /** The schema with this global id; 40403 when there is none. */
    Schema schemaById(int id);

    /** The latest version of the subject; 40401 when the subject does not exist. */
    RegisteredSchema latest(String subject);

    /** Version numbers of the subject, oldest first; 40401 when the subject does not exist. */
    List<Integer> versions(String subject);

    /** All subjects, sorted. */
    List<String> subjects();

    /**
     * Whether registering the schema under the subject would pass the subject's compatibility
     * level (checked against the latest version, or every version for the transitive levels).
     * A subject without versions accepts any schema.
     */
    boolean isCompatible(String subject, Schema schema);
}
