package dev.detour.gateway;

import dev.detour.client.DetourClientConfig;
import dev.detour.core.catalog.CatalogIndex;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the gateway is configured with, parsed once.
 *
 * @param bindAddress interface to listen on ({@code 0.0.0.0} for all, {@code 127.0.0.1} for local only)
 * @param port TCP port, 0 for any free one
 * @param pipeline the Kafka cluster, registry and topic prefix jobs go through
 * @param catalog a fixed catalog (tests, simple setups), or null to follow key {@code catalog} of detour.config
 * @param readConfigTopic follow detour.config for the catalog and the virtual keys ({@code apikey/<sha256>})
 * @param keyFile optional static key file (lines {@code <sha256-hex> <tenant> [model,...]}), or null
 * @param defaultTimeout deadline of a job whose caller sent no timeout header
 * @param maxTimeout upper bound of a caller's timeout header
 * @param maxBodyBytes larger bodies get 413
 * @param maxOpenRequests jobs waiting for a result at once (sync and async); beyond, 503 with retry-after
 * @param jobCapacity finished jobs remembered for GET /v1/jobs/{id} and idempotent replays
 * @param webhooks webhook secrets and delivery policy
 */
public record GatewayConfig(
        String bindAddress,
        int port,
        DetourClientConfig pipeline,
        CatalogIndex catalog,
        boolean readConfigTopic,
        Path keyFile,
        Duration defaultTimeout,
        Duration maxTimeout,
        int maxBodyBytes,
        int maxOpenRequests,
        int jobCapacity,
        WebhookPolicy webhooks) {

    public GatewayConfig {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(defaultTimeout, "defaultTimeout");
        Objects.requireNonNull(maxTimeout, "maxTimeout");
        Objects.requireNonNull(webhooks, "webhooks");
        bindAddress = bindAddress == null ? "0.0.0.0" : bindAddress;
    }

    public static GatewayConfig defaults(DetourClientConfig pipeline) {
        return new GatewayConfig("0.0.0.0", 8080, pipeline, null, true, null, Duration.ofSeconds(60),
                Duration.ofMinutes(10), 1 << 20, 10_000, 100_000, WebhookPolicy.defaults());
    }

    /**
     * From environment variables: {@code DETOUR_KAFKA_BOOTSTRAP_SERVERS}, {@code DETOUR_REGISTRY_URL},
     * {@code DETOUR_TOPICS_PREFIX}, {@code DETOUR_GATEWAY_BIND}, {@code DETOUR_GATEWAY_PORT},
     * {@code DETOUR_GATEWAY_KEY_FILE}, {@code DETOUR_GATEWAY_TIMEOUT_MS}, {@code DETOUR_GATEWAY_MAX_BODY_BYTES},
     * {@code DETOUR_GATEWAY_MAX_OPEN_REQUESTS}, and webhook secrets {@code DETOUR_WEBHOOK_SECRET_<NAME>}
     * (name lower-cased; {@code DETOUR_WEBHOOK_SECRET_DEFAULT} signs webhooks that name none).
     */
    public static GatewayConfig fromEnv(Map<String, String> env) {
        DetourClientConfig pipeline = new DetourClientConfig(
                env.getOrDefault("DETOUR_KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
                env.getOrDefault("DETOUR_REGISTRY_URL", "http://localhost:8081"),
                env.get("DETOUR_TOPICS_PREFIX"), kafkaClientProperties(env));
        GatewayConfig c = defaults(pipeline);
        String keyFile = env.get("DETOUR_GATEWAY_KEY_FILE");
        return new GatewayConfig(
                env.getOrDefault("DETOUR_GATEWAY_BIND", c.bindAddress()),
                Integer.parseInt(env.getOrDefault("DETOUR_GATEWAY_PORT", Integer.toString(c.port()))),
                pipeline, null, true, keyFile == null ? null : Path.of(keyFile),
                Duration.ofMillis(Long.parseLong(env.getOrDefault("DETOUR_GATEWAY_TIMEOUT_MS",
                        Long.toString(c.defaultTimeout().toMillis())))),
                c.maxTimeout(),
                Integer.parseInt(env.getOrDefault("DETOUR_GATEWAY_MAX_BODY_BYTES", Integer.toString(c.maxBodyBytes()))),
                Integer.parseInt(env.getOrDefault("DETOUR_GATEWAY_MAX_OPEN_REQUESTS", Integer.toString(c.maxOpenRequests()))),
                c.jobCapacity(),
                WebhookPolicy.fromEnv(env));
    }

    /** DETOUR_KAFKA_* (other than bootstrap servers) as Kafka client settings, e.g. DETOUR_KAFKA_SECURITY_PROTOCOL. */
    private static Map<String, String> kafkaClientProperties(Map<String, String> env) {
        Map<String, String> props = new java.util.HashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("DETOUR_KAFKA_") && !k.equals("DETOUR_KAFKA_BOOTSTRAP_SERVERS")) {
                props.put(k.substring("DETOUR_KAFKA_".length()).toLowerCase(java.util.Locale.ROOT).replace('_', '.'), v);
            }
        });
        return props;
    }

    public GatewayConfig withBind(String address, int port) {
        return new GatewayConfig(address, port, pipeline, catalog, readConfigTopic, keyFile, defaultTimeout, maxTimeout,
                maxBodyBytes, maxOpenRequests, jobCapacity, webhooks);
    }

    public GatewayConfig withCatalog(CatalogIndex v) {
        return new GatewayConfig(bindAddress, port, pipeline, v, readConfigTopic, keyFile, defaultTimeout, maxTimeout,
                maxBodyBytes, maxOpenRequests, jobCapacity, webhooks);
    }

    public GatewayConfig withReadConfigTopic(boolean v) {
        return new GatewayConfig(bindAddress, port, pipeline, catalog, v, keyFile, defaultTimeout, maxTimeout,
                maxBodyBytes, maxOpenRequests, jobCapacity, webhooks);
    }

    public GatewayConfig withKeyFile(Path v) {
        return new GatewayConfig(bindAddress, port, pipeline, catalog, readConfigTopic, v, defaultTimeout, maxTimeout,
                maxBodyBytes, maxOpenRequests, jobCapacity, webhooks);
    }

    public GatewayConfig withDefaultTimeout(Duration v) {
        return new GatewayConfig(bindAddress, port, pipeline, catalog, readConfigTopic, keyFile, v, maxTimeout,
                maxBodyBytes, maxOpenRequests, jobCapacity, webhooks);
    }

    public GatewayConfig withMaxBodyBytes(int v) {
        return new GatewayConfig(bindAddress, port, pipeline, catalog, readConfigTopic, keyFile, defaultTimeout, maxTimeout,
                v, maxOpenRequests, jobCapacity, webhooks);
    }

    public GatewayConfig withMaxOpenRequests(int v) {
        return new GatewayConfig(bindAddress, port, pipeline, catalog, readConfigTopic, keyFile, defaultTimeout, maxTimeout,
                maxBodyBytes, v, jobCapacity, webhooks);
    }

    public GatewayConfig withJobCapacity(int v) {
        return new GatewayConfig(bindAddress, port, pipeline, catalog, readConfigTopic, keyFile, defaultTimeout, maxTimeout,
                maxBodyBytes, maxOpenRequests, v, webhooks);
    }

    public GatewayConfig withWebhooks(WebhookPolicy v) {
        return new GatewayConfig(bindAddress, port, pipeline, catalog, readConfigTopic, keyFile, defaultTimeout, maxTimeout,
                maxBodyBytes, maxOpenRequests, jobCapacity, v);
    }
}
