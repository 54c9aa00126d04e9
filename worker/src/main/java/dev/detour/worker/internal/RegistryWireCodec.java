package dev.detour.worker.internal;

import dev.detour.schema.AttemptOutcome;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.DeadLetter;
import dev.detour.schema.RoutedRequest;
import dev.detour.schema.UsageRecord;
import dev.detour.schemas.serde.AvroDeserializer;
import dev.detour.schemas.serde.AvroSerializer;
import dev.detour.schemas.serde.SchemaRegistryClient;
import dev.detour.schemas.serde.SchemaRegistryClients;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/** The Confluent wire format through the project's serde, one shared registry client (and cache). */
public final class RegistryWireCodec implements WireCodec {
    private final AvroDeserializer<RoutedRequest> routed;
    private final Map<Class<?>, Serializer<SpecificRecord>> writers;

    public RegistryWireCodec(SchemaRegistryClient client) {
        this.routed = new AvroDeserializer<>(RoutedRequest.class, client);
        this.writers = Map.of(
                AttemptOutcome.class, writer(AttemptOutcome.class, client),
                UsageRecord.class, writer(UsageRecord.class, client),
                CompletionResult.class, writer(CompletionResult.class, client),
                DeadLetter.class, writer(DeadLetter.class, client),
                RoutedRequest.class, writer(RoutedRequest.class, client));
    }

    public static RegistryWireCodec forUrl(String url) {
        return new RegistryWireCodec(SchemaRegistryClients.forUrl(url));
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> Serializer<SpecificRecord> writer(Class<T> type, SchemaRegistryClient client) {
        return (Serializer<SpecificRecord>) (Serializer<?>) new AvroSerializer<>(type, client);
    }

    @Override
    public RoutedRequest decodeRouted(String topic, byte[] value) {
        return routed.deserialize(topic, value);
    }

    @Override
    public byte[] encode(String topic, SpecificRecord value) {
        Serializer<SpecificRecord> writer = writers.get(value.getClass());
        if (writer == null) {
            throw new IllegalArgumentException("no writer for " + value.getClass().getSimpleName());
        }
        return writer.serialize(topic, value);
    }
}
