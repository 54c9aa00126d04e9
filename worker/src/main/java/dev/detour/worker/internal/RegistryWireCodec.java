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
import dev.detour.schemas.serde.SchemaRegistryException;
import java.time.Duration;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Confluent wire format through the project's serde, one shared registry client (and cache). */
public final class RegistryWireCodec implements WireCodec {
    private static final Logger log = LoggerFactory.getLogger(RegistryWireCodec.class);
    /**
     * How long a record waits for an unreachable registry before encoding gives up. Encoding a result or
     * a usage record comes after the provider call was paid for: failing the job (and losing the usage
     * record) over a registry restart would cost more than the wait, which runs on the call's own
     * virtual thread and keeps its in-flight slot, so the worker slows down instead of piling up.
     */
    static final Duration REGISTRY_PATIENCE = Duration.ofSeconds(30);
    private static final Duration FIRST_PAUSE = Duration.ofMillis(250);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(4);

    private final AvroDeserializer<RoutedRequest> routed;
    private final Map<Class<?>, Serializer<SpecificRecord>> writers;
    private final Duration patience;

    public RegistryWireCodec(SchemaRegistryClient client) {
        this(client, REGISTRY_PATIENCE);
    }

    RegistryWireCodec(SchemaRegistryClient client, Duration patience) {
        this.patience = patience;
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
        long deadline = System.nanoTime() + patience.toNanos();
        Duration pause = FIRST_PAUSE;
        while (true) {
            try {
                return writer.serialize(topic, value);
            } catch (SerializationException e) {
                if (!registryUnavailable(e) || System.nanoTime() + pause.toNanos() > deadline) {
                    throw e;
                }
                log.warn("schema registry unavailable while encoding a {} for {}; trying again in {} ms",
                        value.getClass().getSimpleName(), topic, pause.toMillis());
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
            }
        }
    }

    private static boolean registryUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryException r) {
                return r.isUnavailable();
            }
        }
        return false;
    }
}
