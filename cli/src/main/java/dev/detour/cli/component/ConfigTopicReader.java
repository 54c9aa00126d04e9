package dev.detour.cli.component;

import dev.detour.cli.config.DetourConfig;
import dev.detour.cli.security.ComponentAccess;
import dev.detour.core.TopicReader;
import dev.detour.core.config.ConfigKeys;
import dev.detour.schema.Catalog;
import dev.detour.schema.ConfigRecord;
import dev.detour.schemas.serde.AvroSerde;
import dev.detour.schemas.serde.SchemaRegistryClients;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Follows the catalog on the compacted config topic, so a component sees a new catalog without a restart. */
public final class ConfigTopicReader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigTopicReader.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroSerde<ConfigRecord> serde;
    private final String topic;
    private final AtomicReference<Catalog> catalog = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    public ConfigTopicReader(DetourConfig config) {
        Properties p = new Properties();
        p.putAll(config.kafkaClientProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.serde = new AvroSerde<>(ConfigRecord.class, SchemaRegistryClients.forUrl(config.registryUrl()));
        this.topic = config.topics().config();
        try {
            TopicReader.readToEnd(consumer, TopicReader.assignFromBeginning(consumer, topic, Duration.ofSeconds(30)), this::apply);
        } catch (AuthorizationException e) {
            // Without READ the consumer would never see a catalog; say which ACL is missing, in one line.
            consumer.close();
            throw new ComponentAccess.AccessDeniedException("config reader: not authorized to read topic " + topic
                    + " (needs describe+read); grant the config reader ACLs in docs/operations.md");
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        this.thread = Thread.ofPlatform().daemon(true).name("detour-config-reader").start(this::follow);
    }

    /** The latest catalog, or null while none was published. */
    public Catalog catalog() {
        return catalog.get();
    }

    private void follow() {
        try {
            while (running) {
                consumer.poll(Duration.ofMillis(500)).forEach(this::apply);
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    private void apply(ConsumerRecord<String, byte[]> rec) {
        if (!ConfigKeys.CATALOG.equals(rec.key()) || rec.value() == null) {
            return;
        }
        try {
            ConfigRecord r = serde.deserializer().deserialize(topic, rec.value());
            if (r != null && r.getCatalog() != null) {
                catalog.set(r.getCatalog());
                log.info("catalog {} in effect ({} deployments)", r.getCatalog().getVersion(), r.getCatalog().getDeployments().size());
            }
        } catch (SerializationException e) {
            log.warn("skipping undecodable config record at offset {}: {}", rec.offset(), e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
