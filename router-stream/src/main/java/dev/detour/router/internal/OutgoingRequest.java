package dev.detour.router.internal;

import dev.detour.schema.RoutedRequest;
import dev.detour.schemas.serde.AvroSerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A routed request on its way to a provider topic, with the wire bytes its request was decoded from
 * when it is passed on unchanged: the request (most of the record: the prompt) is then copied into
 * the routed record instead of being encoded again. {@code requestWire} is null for requests that
 * were rebuilt (retries, parked jobs, a cache label added). {@code topic}: the provider's topic, named
 * by the router once per deployment of the catalog, not looked up per record by the sink.
 */
record OutgoingRequest(RoutedRequest routed, byte[] requestWire, String topic) {

    static Serializer<OutgoingRequest> serializer(AvroSerializer<RoutedRequest> routedSerializer) {
        return (topic, out) -> out == null ? null
                : routedSerializer.serializeEmbedding(topic, out.routed(), "request", out.requestWire());
    }
}
