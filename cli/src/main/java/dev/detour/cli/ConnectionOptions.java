package dev.detour.cli;

import dev.detour.cli.config.DetourConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Option;

/** Where the cluster and the registry are: flags over the YAML config over environment over defaults. */
final class ConnectionOptions {
    @Option(names = "--config", description = "YAML config file (see README: configuration reference).")
    Path configFile;

    @Option(names = {"-b", "--bootstrap-servers"}, description = "Kafka bootstrap servers (default: localhost:9092).")
    String bootstrapServers;

    @Option(names = "--registry-url", description = "Schema registry URL (default: http://localhost:8081).")
    String registryUrl;

    @Option(names = "--topic-prefix", description = "Topic name prefix (default: detour.).")
    String topicPrefix;

    DetourConfig config() {
        DetourConfig base = DetourConfig.load(configFile, System.getenv());
        Map<String, String> values = new HashMap<>();
        values.put("kafka.bootstrap.servers", "localhost:9092");
        values.put("registry.url", "http://localhost:8081");
        values.putAll(base.all());
        if (bootstrapServers != null) values.put("kafka.bootstrap.servers", bootstrapServers);
        if (registryUrl != null) values.put("registry.url", registryUrl);
        if (topicPrefix != null) values.put("topics.prefix", topicPrefix);
        return DetourConfig.of(values);
    }

    /** Fails with one clear line when the cluster does not answer, instead of a client timing out later. */
    static void checkReachable(DetourConfig config) {
        Properties p = new Properties();
        p.putAll(config.kafkaClientProperties());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "8000");
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof org.apache.kafka.common.errors.AuthenticationException) {
                    // SASL/SSL failures: the broker answered, so "is it running?" would send the operator the wrong way.
                    throw new UserError("Kafka at " + config.bootstrapServers() + " rejected this component's credentials: "
                            + String.valueOf(t.getMessage()).lines().findFirst().orElse("")
                            + " (check kafka.sasl.jaas.config / DETOUR_KAFKA_SASL_JAAS_CONFIG and the TLS settings)", e);
                }
            }
            throw new UserError("cannot reach Kafka at " + config.bootstrapServers()
                    + " (is the broker running? set --bootstrap-servers or DETOUR_KAFKA_BOOTSTRAP_SERVERS)", e);
        }
    }
}
