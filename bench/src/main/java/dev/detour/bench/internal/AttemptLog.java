package dev.detour.bench.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Every attempt the router sends to the watched provider topics, as (provider topic, broker append
 * time): where new attempts go, second by second.
 */
public final class AttemptLog implements AutoCloseable {

    /** One routed attempt. */
    public record Attempt(String topic, long appendMs) {}

    private final List<Attempt> attempts = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private AttemptLog(Properties client, List<String> topics) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : topics) {
            consumer.partitionsFor(t).forEach(i -> parts.add(new TopicPartition(t, i.partition())));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        thread = Thread.ofPlatform().daemon().name("bench-attempt-log").start(() -> {
            try (consumer) {
                while (running.get()) {
                    for (var r : consumer.poll(Duration.ofMillis(100))) {
                        synchronized (attempts) {
                            attempts.add(new Attempt(r.topic(), r.timestamp()));
                        }
                    }
                }
            }
        });
    }

    public static AttemptLog watch(Properties client, List<String> topics) {
        return new AttemptLog(client, topics);
    }

    public List<Attempt> snapshot() {
        synchronized (attempts) {
            return List.copyOf(attempts);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(5_000);
    }
}
