package dev.detour.ledger;

import dev.detour.schemas.serde.DetourSerdes;
import dev.detour.schemas.serde.SchemaRegistryClient;
import dev.detour.schemas.serde.SchemaRegistryClients;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Where the ledger gets its Avro serdes for the pipeline's topics: values in the Confluent wire format through
 * a schema registry ({@link #registry(String)}; {@code mock://scope} for tests).
 */
public interface RecordSerdes {

    <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type);

    /** Serdes against the registry at {@code schema.registry.url}, sharing one caching client. */
    static RecordSerdes registry(String url) {
        return registry(SchemaRegistryClients.forUrl(url));
    }

    static RecordSerdes registry(SchemaRegistryClient client) {
        return new RecordSerdes() {
            @Override
            public <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type) {
                return DetourSerdes.of(type, client);
            }
        };
    }
}
