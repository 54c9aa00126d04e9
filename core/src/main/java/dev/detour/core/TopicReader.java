package dev.detour.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reading a whole topic without a consumer group: the CLI, replay and config followers read
 * "everything there is now" and stop there, which group offsets cannot express.
 */
public final class TopicReader {
    private TopicReader() {}

    /** Assigns every partition of the topic, positioned at the beginning; empty when the topic does not exist. */
    public static List<TopicPartition> assignFromBeginning(KafkaConsumer<?, ?> consumer, String topic, Duration timeout) {
        List<TopicPartition> parts = consumer.partitionsFor(topic, timeout).stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        return parts;
    }

    /** Hands every record up to the end offsets as they are now to the handler, then returns. */
    public static <K, V> void readToEnd(KafkaConsumer<K, V> consumer, List<TopicPartition> parts,
                                        Consumer<ConsumerRecord<K, V>> handler) {
        Map<TopicPartition, Long> end = consumer.endOffsets(parts);
        while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            for (ConsumerRecord<K, V> rec : consumer.poll(Duration.ofMillis(200))) {
                if (rec.offset() < end.get(new TopicPartition(rec.topic(), rec.partition()))) {
                    handler.accept(rec);
                }
            }
        }
    }
}
