package dev.detour.schemas.serde;

import org.apache.avro.specific.SpecificRecord;

/** Short ways to get a ready serde for a generated record class. */
public final class DetourSerdes {

    private DetourSerdes() {
    }

    /** A value serde against the registry at the URL ({@code mock://scope} or {@code http(s)://...}). */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, String registryUrl) {
        return new AvroSerde<>(type, SchemaRegistryClients.forUrl(registryUrl), false);
    }

    /** A value serde sharing an existing client (and its cache). */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, SchemaRegistryClient client) {
        return new AvroSerde<>(type, client, false);
    }

    /** A key serde (subject {@code <topic>-key}). */
    public static <T extends SpecificRecord> AvroSerde<T> key(Class<T> type, SchemaRegistryClient client) {
        return new AvroSerde<>(type, client, true);
    }
}
