package dev.detour.worker;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic from the start on a background thread, keeping every decoded record. */
final class TopicTail<T> implements AutoCloseable {
    record Keyed<T>(String key, T value) {}

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    final List<Keyed<T>> records = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    TopicTail(Properties clientProps, String topic, Function<byte[], T> decode) {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = Thread.ofPlatform().daemon().name("tail-" + topic).start(() -> {
            try {
                while (!closed) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        if (r.value() != null) { // probes written to check the topic is ready
                            records.add(new Keyed<>(r.key(), decode.apply(r.value())));
                        }
                    }
                }
            } catch (WakeupException e) {
                // closing
            } finally {
                consumer.close();
            }
        });
    }

    List<T> values() {
        return records.stream().map(Keyed::value).toList();
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        consumer.wakeup();
        thread.join(10_000);
    }
}
