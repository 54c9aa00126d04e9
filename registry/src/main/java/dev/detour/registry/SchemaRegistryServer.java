package dev.detour.registry;

import com.sun.net.httpserver.HttpServer;
import dev.detour.core.TopicProvisioner;
import dev.detour.core.Topics;
import dev.detour.registry.internal.InMemorySchemaLog;
import dev.detour.registry.internal.KafkaSchemaLog;
import dev.detour.registry.internal.Registry;
import dev.detour.registry.internal.RegistryHttpHandler;
import dev.detour.registry.internal.RegistryState;
import dev.detour.registry.internal.SchemaLog;
import dev.detour.schemas.serde.CompatibilityLevel;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A Schema Registry speaking the Confluent REST API, keeping its state in a compacted Kafka topic
 * (ids are global and survive restarts). Point {@code schema.registry.url} at {@link #url()}.
 */
public final class SchemaRegistryServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryServer.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

    private final HttpServer http;
    private final ExecutorService executor;
    private final SchemaLog schemaLog;
    private final String url;

    private SchemaRegistryServer(HttpServer http, ExecutorService executor, SchemaLog schemaLog, String url) {
        this.http = http;
        this.executor = executor;
        this.schemaLog = schemaLog;
        this.url = url;
    }

    /** Ensures the topic, replays it, and starts serving. */
    public static SchemaRegistryServer start(RegistryConfig config) {
        Map<String, Object> clientProps = new HashMap<>(config.kafkaClientProps());
        clientProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        ensureTopic(config.topic(), clientProps);
        RegistryState state = new RegistryState(config.defaultCompatibility());
        KafkaSchemaLog schemaLog = KafkaSchemaLog.open(config.topic(), clientProps, state, KAFKA_TIMEOUT);
        try {
            SchemaRegistryServer server = serve(config.host(), config.port(), new Registry(state, schemaLog), schemaLog);
            log.info("schema registry on {} backed by topic {}", server.url(), config.topic());
            return server;
        } catch (RuntimeException e) {
            schemaLog.close();
            throw e;
        }
    }

    /** A registry whose state lives only in this process: for tests and tools without Kafka. */
    public static SchemaRegistryServer startInMemory(String host, int port) {
        RegistryState state = new RegistryState(CompatibilityLevel.DEFAULT);
        InMemorySchemaLog schemaLog = new InMemorySchemaLog(state);
        return serve(host, port, new Registry(state, schemaLog), schemaLog);
    }

    private static SchemaRegistryServer serve(String host, int port, Registry registry, SchemaLog schemaLog) {
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            executor.close();
            throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
        }
        http.setExecutor(executor);
        http.createContext("/", new RegistryHttpHandler(registry));
        http.start();
        InetSocketAddress bound = http.getAddress();
        String advertised = bound.getAddress().isAnyLocalAddress()
                ? InetAddress.getLoopbackAddress().getHostAddress() : host;
        if (advertised.contains(":") && !advertised.startsWith("[")) {
            advertised = "[" + advertised + "]";
        }
        return new SchemaRegistryServer(http, executor, schemaLog, "http://" + advertised + ":" + bound.getPort());
    }

    /**
     * Creates the topic if missing: compacted (as core's topic layout says), one partition because ids
     * are allocated in log order. An existing topic with more partitions is refused.
     */
    private static void ensureTopic(String topic, Map<String, Object> clientProps) {
        try (Admin admin = Admin.create(clientProps)) {
            int brokers = admin.describeCluster().nodes().get(KAFKA_TIMEOUT.toSeconds(), TimeUnit.SECONDS).size();
            short replication = (short) Math.max(1, Math.min(3, brokers));
            new TopicProvisioner(admin).ensure(List.of(Topics.TopicSpec.compacted(topic, 1, replication)));
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(KAFKA_TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(topic);
            if (description.partitions().size() != 1) {
                throw new IllegalStateException("registry topic " + topic + " has " + description.partitions().size()
                        + " partitions; it needs exactly 1 so that ids follow one log order");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing the registry topic", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot prepare the registry topic " + topic + ": " + e, e);
        }
    }

    /** Base URL, e.g. {@code http://127.0.0.1:40123}. */
    public String url() {
        return url;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.close();
        schemaLog.close();
    }
}
