package dev.detour.gateway.internal;

import dev.detour.client.DetourClientConfig;
import dev.detour.core.Topics;
import dev.detour.core.catalog.CatalogIndex;
import dev.detour.gateway.ApiKeys;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.VirtualKey;
import dev.detour.schemas.serde.AvroSerde;
import dev.detour.schemas.serde.SchemaRegistryClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's copy of detour.config: the catalog and the virtual keys. Reads the compacted topic
 * from its beginning without a consumer group (every gateway instance needs all of it) and keeps
 * following it, so a new key or a revocation reaches requests within a poll.
 */
public final class ConfigView implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigView.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroSerde<ConfigRecord> serde;
    private final String topic;
    private final Map<String, VirtualKey> keys = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile CatalogIndex catalog;
    private volatile boolean running = true;

    public ConfigView(DetourClientConfig pipeline, SchemaRegistryClient registry) {
        this.topic = new Topics(pipeline.topicPrefix(), 1, (short) 1).config();
        this.serde = new AvroSerde<>(ConfigRecord.class, registry);
        Properties p = new Properties();
        p.putAll(pipeline.kafkaProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = Thread.ofPlatform().name("gateway-config").daemon(true).start(this::run);
    }

    /** Waits until everything present in the topic at start has been applied. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Optional<CatalogIndex> catalog() {
        return Optional.ofNullable(catalog);
    }

    /** The key record for a hash, revoked ones included (the caller decides). */
    public Optional<VirtualKey> key(String hash) {
        return Optional.ofNullable(keys.get(hash));
    }

    private void run() {
        Map<TopicPartition, Long> end = new HashMap<>();
        while (running && end.isEmpty()) {
            try {
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                        .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
                if (!partitions.isEmpty()) {
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                    end.putAll(consumer.endOffsets(partitions));
                    break;
                }
                log.warn("config topic {} does not exist yet; no keys or catalog until it does", topic);
            } catch (WakeupException e) {
                consumer.close();
                return;
            } catch (RuntimeException e) {
                log.error("cannot read config topic {}: {}", topic, e.getMessage());
            }
            caughtUp.countDown(); // do not hold the gateway's start; requests get 401/503 until the topic appears
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                consumer.close();
                return;
            }
        }
        while (running) {
            try {
                for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
                    apply(rec);
                }
                if (caughtUp.getCount() > 0 && end.entrySet().stream()
                        .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                }
            } catch (WakeupException e) {
                break;
            } catch (RuntimeException e) {
                log.warn("config topic poll failed: {}", e.toString());
            }
        }
        consumer.close();
    }

    private void apply(ConsumerRecord<String, byte[]> rec) {
        String key = rec.key();
        if (key == null) {
            return;
        }
        if (!key.equals("catalog") && !key.startsWith(ApiKeys.CONFIG_PREFIX)) {
            return; // tenants, drains: the router's business
        }
        if (rec.value() == null) {
            if (key.startsWith(ApiKeys.CONFIG_PREFIX)) {
                keys.remove(key.substring(ApiKeys.CONFIG_PREFIX.length()));
            }
            return;
        }
        ConfigRecord r;
        try {
            r = serde.deserializer().deserialize(topic, rec.value());
        } catch (RuntimeException e) {
            // A bad entry in a compacted topic must not stop the gateway: keep what we had.
            log.warn("ignoring undecodable config entry {} at offset {}: {}", key, rec.offset(), e.toString());
            return;
        }
        if (key.equals("catalog")) {
            if (r.getCatalog() != null) {
                catalog = CatalogIndex.of(r.getCatalog());
                log.info("catalog {} loaded ({} models, {} groups)", catalog.version(), catalog.models().size(),
                        catalog.groups().size());
            }
        } else {
            String hash = key.substring(ApiKeys.CONFIG_PREFIX.length());
            if (r.getApiKey() == null) {
                keys.remove(hash);
            } else {
                keys.put(hash, r.getApiKey());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
