package dev.detour.bench.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * CPU time the Java threads of one Kafka Streams application (every thread whose name holds its
 * application id: stream, producer network, admin) spend per record written, counted from the first
 * record on the output topic, so start-up and restoration are left out. Unlike a rate, this barely
 * moves when other processes compete for the cores, so ratios of it hold on a loaded machine.
 * Native threads (RocksDB flushes and compactions) are not Java threads and are not counted.
 */
public final class StageCpu {
    private final String applicationId;
    private final long cpuAtStartNs;
    private final long writtenAtStart;

    private StageCpu(String applicationId, long cpuAtStartNs, long writtenAtStart) {
        this.applicationId = applicationId;
        this.cpuAtStartNs = cpuAtStartNs;
        this.writtenAtStart = writtenAtStart;
    }

    /** Waits for the first record on the topic, then starts counting (NaN figures when none came). */
    public static StageCpu fromFirstOutput(Properties client, String topic, String applicationId, Duration timeout) {
        Properties p = new Properties();
        p.putAll(client);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                long written = c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
                if (written > 0) {
                    return new StageCpu(applicationId, cpuNs(applicationId), written);
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return new StageCpu(applicationId, -1, 0);
    }

    /** Microseconds of CPU per record between the first output record and now, when {@code total} were written. */
    public double microsPerRecord(long total) {
        if (cpuAtStartNs < 0 || total <= writtenAtStart) {
            return Double.NaN;
        }
        return (cpuNs(applicationId) - cpuAtStartNs) / 1000.0 / (total - writtenAtStart);
    }

    private static long cpuNs(String applicationId) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().contains(applicationId)) {
                long ns = mx.getThreadCpuTime(t.threadId());
                if (ns > 0) {
                    sum += ns;
                }
            }
        }
        return sum;
    }
}
