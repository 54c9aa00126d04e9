package dev.detour.bench.internal;

import dev.detour.bench.BenchEnvironment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka's own single-hop end-to-end latency on the same broker: an open-loop producer (the client
 * library's settings: acks=all, idempotent, linger 0) and a consumer, 1 KB records, latency from
 * the due time to the consumer seeing the record. The floor every pipeline hop pays.
 */
public final class KafkaHop {
    private KafkaHop() {}

    public static LatencyStats measure(BenchEnvironment env, double ratePerSecond, int count) throws Exception {
        String topic = env.uniquePrefix("hop") + "records";
        env.createTopic(topic, BenchEnvironment.PARTITIONS, Map.of());
        AtomicLongArray due = new AtomicLongArray(count);
        LatencyStats stats = new LatencyStats();
        AtomicLong seen = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();

        Properties cp = env.clientProperties();
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        consumer.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position); // resolve the positions before any record is sent
        Thread reader = Thread.ofPlatform().name("bench-hop-consumer").start(() -> {
            try (consumer) {
                while (!stop.get() && seen.get() < count) {
                    for (var r : consumer.poll(Duration.ofMillis(50))) {
                        long now = System.nanoTime();
                        int i = ByteBuffer.wrap(r.key()).getInt();
                        stats.recordNanos(now - due.get(i));
                        seen.incrementAndGet();
                    }
                }
            }
        });

        Properties pp = env.clientProperties();
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        byte[] payload = new byte[1024];
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.partitionsFor(topic);
            OpenLoop.run(ratePerSecond, count, (i, dueNanos) -> {
                due.set(i, dueNanos);
                producer.send(new ProducerRecord<>(topic, ByteBuffer.allocate(4).putInt(i).array(), payload));
            });
            producer.flush();
        }
        OpenLoop.awaitAnswers(seen::get, count, Duration.ofSeconds(30));
        stop.set(true);
        reader.join(10_000);
        return stats;
    }
}
