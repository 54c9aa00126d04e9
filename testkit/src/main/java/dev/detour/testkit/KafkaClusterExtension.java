package dev.detour.testkit;

import dev.detour.kafka.EmbeddedKafka;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Resolves {@link KafkaCluster} parameters with one cluster per test run (see {@link WithKafka}). */
public final class KafkaClusterExtension implements ParameterResolver {
    private static final Logger log = LoggerFactory.getLogger(KafkaClusterExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaClusterExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("cluster", k -> startCluster(), ClusterResource.class)
                .cluster;
    }

    private static ClusterResource startCluster() {
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (external != null && !external.isBlank()) {
            log.info("tests use the external Kafka cluster at {}", external);
            return new ClusterResource(new KafkaCluster(external, "external", externalClientProperties()), () -> {});
        }
        if (DockerKafka.dockerAvailable()) {
            DockerKafka container = DockerKafka.start();
            log.info("tests use a Testcontainers Kafka at {}", container.bootstrapServers());
            return new ClusterResource(new KafkaCluster(container.bootstrapServers(), "testcontainers", Map.of()), container::close);
        }
        EmbeddedKafka embedded = EmbeddedKafka.builder().build().start();
        log.info("tests use the embedded Kafka broker at {}", embedded.bootstrapServers());
        return new ClusterResource(new KafkaCluster(embedded.bootstrapServers(), "embedded", Map.of()), embedded::close);
    }

    /** KAFKA_CLIENT_<NAME> variables become client properties, e.g. KAFKA_CLIENT_SECURITY_PROTOCOL. */
    private static Map<String, String> externalClientProperties() {
        Map<String, String> props = new HashMap<>();
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("KAFKA_CLIENT_")) {
                props.put(k.substring("KAFKA_CLIENT_".length()).toLowerCase().replace('_', '.'), v);
            }
        });
        return props;
    }

    /** Closed by JUnit when the root context closes, i.e. once at the end of the run. */
    private record ClusterResource(KafkaCluster cluster, Runnable stopper)
            implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            stopper.run();
        }
    }
}
