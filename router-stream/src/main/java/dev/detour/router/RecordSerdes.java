package dev.detour.router;

import dev.detour.schemas.serde.AvroSerde;
import dev.detour.schemas.serde.DetourSerdes;
import dev.detour.schemas.serde.SchemaRegistryClient;
import dev.detour.schemas.serde.SchemaRegistryClients;
import org.apache.avro.specific.SpecificRecord;

/**
 * Gives the router a serde per Avro record type. Production uses the project's Confluent-wire-format
 * serde over a schema registry ({@link #forUrl}); tests use the same over {@code mock://scope}.
 */
public interface RecordSerdes {
    <T extends SpecificRecord> AvroSerde<T> serde(Class<T> type);

    /** Confluent wire format against one registry client (its schema cache shared by every serde). */
    static RecordSerdes registry(SchemaRegistryClient client) {
        return new RecordSerdes() {
            @Override
            public <T extends SpecificRecord> AvroSerde<T> serde(Class<T> type) {
                return DetourSerdes.of(type, client);
            }
        };
    }

    /** {@code http(s)://...} for a real registry, {@code mock://scope} for an in-memory one. */
    static RecordSerdes forUrl(String registryUrl) {
        return registry(SchemaRegistryClients.forUrl(registryUrl));
    }
}
