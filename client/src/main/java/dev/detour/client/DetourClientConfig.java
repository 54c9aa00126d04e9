package dev.detour.client;

import dev.detour.core.Topics;
import java.util.Map;
import java.util.Objects;

/**
 * What a client needs to reach a Detour installation: the cluster, the schema registry, the topic
 * prefix, and any further Kafka client settings (security: {@code security.protocol},
 * {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.*}).
 */
public record DetourClientConfig(String bootstrapServers, String registryUrl, String topicPrefix,
                                 Map<String, String> kafkaProperties) {

    public DetourClientConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(registryUrl, "registryUrl");
        topicPrefix = topicPrefix == null ? Topics.DEFAULT_PREFIX : topicPrefix;
        kafkaProperties = kafkaProperties == null ? Map.of() : Map.copyOf(kafkaProperties);
    }

    public static DetourClientConfig of(String bootstrapServers, String registryUrl) {
        return new DetourClientConfig(bootstrapServers, registryUrl, Topics.DEFAULT_PREFIX, Map.of());
    }

    public DetourClientConfig withTopicPrefix(String prefix) {
        return new DetourClientConfig(bootstrapServers, registryUrl, prefix, kafkaProperties);
    }

    public DetourClientConfig withKafkaProperties(Map<String, String> props) {
        return new DetourClientConfig(bootstrapServers, registryUrl, topicPrefix, props);
    }

    Topics topics() {
        Topics d = Topics.defaults();
        return new Topics(topicPrefix, d.partitions(), d.replication());
    }
}
