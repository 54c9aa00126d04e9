package dev.detour.bench.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Records written to topics with broker append time: how many, and between which first and last
 * append. The rate of the stage that wrote them is {@code (count - 1) / span}, however slowly
 * anyone reads them afterwards.
 *
 * @param count committed data records in the topics (of the window, see {@link #awaitAndScanSince})
 * @param firstAppendMs first append time (broker clock)
 * @param lastAppendMs last append time (broker clock)
 * @param total every data record in the topics, in the window or not
 */
public record AppendSpan(long count, long firstAppendMs, long lastAppendMs, long total) {

    public double recordsPerSecond() {
        long span = lastAppendMs - firstAppendMs;
        return count < 2 || span <= 0 ? Double.NaN : (count - 1) * 1000.0 / span;
    }

    public double seconds() {
        return (lastAppendMs - firstAppendMs) / 1000.0;
    }

    /**
     * Waits until the topics hold at least {@code expected} offsets and stop growing (transaction
     * markers take offsets too, so offsets alone can only say "at least"), then counts the records.
     */
    public static AppendSpan awaitAndScan(Properties client, Collection<String> topics, long expected, Duration timeout) {
        return awaitAndScanSince(client, topics, expected, timeout, Long.MIN_VALUE);
    }

    /**
     * As {@link #awaitAndScan}, but the span (count, first, last) covers only the records appended at
     * or after {@code sinceMs} (wall clock of this JVM; the broker's clock for append times, the same
     * host's for an embedded broker): the steady part of a stage's run, after its start-up.
     */
    public static AppendSpan awaitAndScanSince(Properties client, Collection<String> topics, long expected,
                                               Duration timeout, long sinceMs) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(client)) {
            List<TopicPartition> parts = partitions(c, topics);
            long deadline = System.nanoTime() + timeout.toNanos();
            long last = -1;
            long stableSince = System.nanoTime();
            while (System.nanoTime() < deadline) {
                long now = c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
                if (now != last) {
                    last = now;
                    stableSince = System.nanoTime();
                } else if (now >= expected && System.nanoTime() - stableSince > Duration.ofMillis(700).toNanos()) {
                    break;
                }
                sleep(100);
            }
            return scan(c, parts, sinceMs);
        }
    }

    private static AppendSpan scan(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> parts, long sinceMs) {
        Map<TopicPartition, Long> end = c.endOffsets(parts);
        c.assign(parts);
        c.seekToBeginning(parts);
        long count = 0;
        long total = 0;
        long first = Long.MAX_VALUE;
        long lastTs = Long.MIN_VALUE;
        long idleSince = System.nanoTime();
        while (!reachedEnd(c, parts, end)) {
            var records = c.poll(Duration.ofMillis(200));
            if (records.isEmpty()) {
                if (System.nanoTime() - idleSince > Duration.ofSeconds(30).toNanos()) {
                    break;
                }
                continue;
            }
            idleSince = System.nanoTime();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                total++;
                if (r.timestamp() < sinceMs) {
                    continue;
                }
                count++;
                first = Math.min(first, r.timestamp());
                lastTs = Math.max(lastTs, r.timestamp());
            }
        }
        return count == 0 ? new AppendSpan(0, 0, 0, total) : new AppendSpan(count, first, lastTs, total);
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> parts,
                                      Map<TopicPartition, Long> end) {
        for (TopicPartition tp : parts) {
            if (c.position(tp) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, Collection<String> topics) {
        List<TopicPartition> out = new ArrayList<>();
        for (String t : topics) {
            List<PartitionInfo> infos = c.partitionsFor(t, Duration.ofSeconds(30));
            for (PartitionInfo p : infos) {
                out.add(new TopicPartition(t, p.partition()));
            }
        }
        return out;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Properties client) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 << 20));
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
