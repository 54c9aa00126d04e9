package dev.detour.router;

import dev.detour.core.Topics;
import dev.detour.schema.HealthSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployments' health as the routers see it, read from the compacted health topic (for
 * {@code detour providers} and dashboards). Reads from the beginning to the current end; latest
 * snapshot per deployment wins. Undecodable entries are skipped.
 */
public final class HealthTable {
    private static final Logger log = LoggerFactory.getLogger(HealthTable.class);

    private HealthTable() {}

    /**
     * @param clientProperties bootstrap servers and any security settings
     * @return snapshots by deployment id, sorted
     */
    public static Map<String, HealthSnapshot> read(Properties clientProperties, Topics topics, RecordSerdes serdes,
                                                   Duration timeout) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "detour-health-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Deserializer<HealthSnapshot> decoder = serdes.serde(HealthSnapshot.class).deserializer();
        Map<String, HealthSnapshot> table = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topics.health(), timeout);
            if (infos == null || infos.isEmpty()) {
                return Map.of();
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!caughtUp(consumer, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() == null) {
                        continue;
                    }
                    if (r.value() == null) {
                        table.remove(r.key());
                        continue;
                    }
                    try {
                        table.put(r.key(), decoder.deserialize(r.topic(), r.value()));
                    } catch (RuntimeException e) {
                        log.warn("skipping undecodable health snapshot of {}: {}", r.key(), e.toString());
                    }
                }
            }
        }
        return new TreeMap<>(table);
    }

    private static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (var e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
