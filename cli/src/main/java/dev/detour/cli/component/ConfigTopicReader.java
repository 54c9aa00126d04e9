package dev.detour.cli.component;

import dev.detour.cli.config.DetourConfig;
import dev.detour.cli.security.ComponentAccess;
import dev.detour.core.config.ConfigFollower;
import dev.detour.core.config.ConfigKeys;
import dev.detour.schema.Catalog;
import dev.detour.schema.ConfigRecord;
import dev.detour.schemas.serde.AvroSerde;
import dev.detour.schemas.serde.SchemaRegistryClients;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Follows the catalog on the compacted config topic, so a component sees a new catalog without a restart. */
public final class ConfigTopicReader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigTopicReader.class);

    private final AtomicReference<Catalog> catalog = new AtomicReference<>();
    private final ConfigFollower follower;

    /** Returns once the catalog published so far (if any) is in effect. */
    public ConfigTopicReader(DetourConfig config) {
        Properties p = new Properties();
        p.putAll(config.kafkaClientProperties());
        p.put("bootstrap.servers", config.bootstrapServers());
        var decoder = new AvroSerde<>(ConfigRecord.class, SchemaRegistryClients.forUrl(config.registryUrl())).deserializer();
        this.follower = ConfigFollower.start(p, config.topics().config(), decoder, this::apply, "detour-config-reader");
        try {
            if (!follower.awaitCaughtUp(Duration.ofSeconds(30))) {
                log.warn("config topic {} not read to its end within 30 s; going on with what arrived", config.topics().config());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (follower.failure().filter(f -> f instanceof AuthorizationException).isPresent()) {
            // Without READ the component would run without ever seeing a catalog; say which ACL is missing, in one line.
            follower.close();
            throw new ComponentAccess.AccessDeniedException("config reader: not authorized to read topic " + config.topics().config()
                    + " (needs describe+read); grant the config reader ACLs in docs/operations.md");
        }
    }

    /** The latest catalog, or null while none was published. */
    public Catalog catalog() {
        return catalog.get();
    }

    private void apply(String key, ConfigRecord r) {
        if (ConfigKeys.CATALOG.equals(key) && r != null && r.getCatalog() != null) {
            catalog.set(r.getCatalog());
            log.info("catalog {} in effect ({} deployments)", r.getCatalog().getVersion(), r.getCatalog().getDeployments().size());
        }
    }

    @Override
    public void close() {
        follower.close();
    }
}
