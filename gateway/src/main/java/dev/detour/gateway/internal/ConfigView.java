package dev.detour.gateway.internal;

import dev.detour.client.DetourClientConfig;
import dev.detour.core.Topics;
import dev.detour.core.catalog.CatalogIndex;
import dev.detour.core.config.ConfigFollower;
import dev.detour.core.config.ConfigKeys;
import dev.detour.gateway.ApiKeys;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.VirtualKey;
import dev.detour.schemas.serde.AvroSerde;
import dev.detour.schemas.serde.SchemaRegistryClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's copy of detour.config: the catalog and the virtual keys. Follows the whole compacted
 * topic (every gateway instance needs all of it), so a new key or a revocation reaches requests within
 * a poll.
 */
public final class ConfigView implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigView.class);

    private final Map<String, VirtualKey> keys = new ConcurrentHashMap<>();
    private final ConfigFollower follower;
    private volatile CatalogIndex catalog;

    public ConfigView(DetourClientConfig pipeline, SchemaRegistryClient registry) {
        Properties p = new Properties();
        p.putAll(pipeline.kafkaProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers());
        String topic = new Topics(pipeline.topicPrefix(), 1, (short) 1).config();
        this.follower = ConfigFollower.start(p, topic, new AvroSerde<>(ConfigRecord.class, registry).deserializer(),
                this::apply, "gateway-config");
    }

    /** Waits until everything present in the topic at start has been applied. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return follower.awaitCaughtUp(timeout);
    }

    public Optional<CatalogIndex> catalog() {
        return Optional.ofNullable(catalog);
    }

    /** The key record for a hash, revoked ones included (the caller decides). */
    public Optional<VirtualKey> key(String hash) {
        return Optional.ofNullable(keys.get(hash));
    }

    private void apply(String key, ConfigRecord r) {
        if (key.startsWith(ApiKeys.CONFIG_PREFIX)) {
            String hash = key.substring(ApiKeys.CONFIG_PREFIX.length());
            if (r == null || r.getApiKey() == null) {
                keys.remove(hash);
            } else {
                keys.put(hash, r.getApiKey());
            }
        } else if (ConfigKeys.CATALOG.equals(key) && r != null && r.getCatalog() != null) {
            catalog = CatalogIndex.of(r.getCatalog());
            log.info("catalog {} loaded ({} models, {} groups)", catalog.version(), catalog.models().size(),
                    catalog.groups().size());
        }
        // tenants, drains: the router's business
    }

    @Override
    public void close() {
        follower.close();
    }
}
