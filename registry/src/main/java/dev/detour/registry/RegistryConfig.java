package dev.detour.registry;

import dev.detour.core.Topics;
import dev.detour.schemas.serde.CompatibilityLevel;

import java.util.Map;
import java.util.Objects;

/**
 * Where the registry keeps its state and where it listens.
 *
 * @param bootstrapServers Kafka cluster holding the registry topic
 * @param topic            the compacted, one-partition topic of schemas and config (created if missing)
 * @param host             interface to listen on ({@code 0.0.0.0} for all)
 * @param port             port to listen on; 0 picks a free one
 * @param kafkaClientProps extra Kafka client settings (SASL/TLS, client ids) for its producer, consumer and admin
 */
public record RegistryConfig(String bootstrapServers, String topic, String host, int port,
                             Map<String, String> kafkaClientProps) {

    /** The port Confluent's registry uses, for the standalone service. */
    public static final int DEFAULT_PORT = 8081;

    public RegistryConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        kafkaClientProps = kafkaClientProps == null ? Map.of() : Map.copyOf(kafkaClientProps);
    }

    /** Defaults: the project's registry topic ({@code _detour.schemas}), loopback, a free port. */
    public static RegistryConfig of(String bootstrapServers) {
        return new RegistryConfig(bootstrapServers, Topics.defaults().schemas(), "127.0.0.1", 0, Map.of());
    }

    public RegistryConfig withTopic(String newTopic) {
        return new RegistryConfig(bootstrapServers, newTopic, host, port, kafkaClientProps);
    }

    public RegistryConfig withListener(String newHost, int newPort) {
        return new RegistryConfig(bootstrapServers, topic, newHost, newPort, kafkaClientProps);
    }

    public RegistryConfig withKafkaClientProps(Map<String, String> props) {
        return new RegistryConfig(bootstrapServers, topic, host, port, props);
    }

    /** The compatibility level of a fresh registry, until {@code PUT /config} changes it. */
    public CompatibilityLevel defaultCompatibility() {
        return CompatibilityLevel.DEFAULT;
    }

    @Override
    public String toString() {
        // Client props may hold SASL passwords: print only their names.
        return "RegistryConfig[bootstrapServers=" + bootstrapServers + ", topic=" + topic + ", host=" + host
                + ", port=" + port + ", kafkaClientProps=" + kafkaClientProps.keySet() + "]";
    }
}
