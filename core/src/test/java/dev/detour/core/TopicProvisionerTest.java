package dev.detour.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@WithKafka
class TopicProvisionerTest {

    /**
     * What components do right after start-up provisioning: an idempotent producer with five requests in
     * flight writes a burst to every partition at once. A partition not yet online at its leader refuses
     * the first request, and with later ones in flight the producer could be left retrying it until the
     * delivery timeout (once in CI, 2026-12-02); every record must land.
     */
    @Test
    void freshTopicsTakeABurstOfIdempotentWritesAtOnce(KafkaCluster kafka) throws Exception {
        Topics topics = new Topics(kafka.uniquePrefix() + "detour.", 6, (short) 1);
        try (Admin admin = kafka.admin()) {
            new TopicProvisioner(admin).ensure(topics.fixed());
        }

        Properties p = kafka.clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        List<Future<?>> sent = new ArrayList<>();
        int n = 3_000;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                sent.add(producer.send(new ProducerRecord<>(topics.usage(), "job-" + i, "x".repeat(200))));
            }
            producer.flush();
        }
        for (Future<?> f : sent) {
            f.get(30, TimeUnit.SECONDS);
        }

        Properties c = kafka.clientProperties();
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                parts.add(new TopicPartition(topics.usage(), i));
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts, Duration.ofSeconds(10));
            assertThat(ends.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(n);
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Set<String> keys = new HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (keys.size() < n && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
            }
            assertThat(keys).hasSize(n);
        }
    }
}
