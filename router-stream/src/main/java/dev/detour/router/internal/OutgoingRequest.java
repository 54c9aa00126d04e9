package dev.detour.router.internal;

import dev.detour.schema.RoutedRequest;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A routed request on its way to a provider topic. {@code topic}: the provider's topic, named by the
 * router once per deployment of the catalog, not looked up per record by the sink.
 */
record OutgoingRequest(RoutedRequest routed, String topic) {

    static Serializer<OutgoingRequest> serializer(Serializer<RoutedRequest> routedSerializer) {
        return (topic, out) -> out == null ? null : routedSerializer.serialize(topic, out.routed());
    }
}
