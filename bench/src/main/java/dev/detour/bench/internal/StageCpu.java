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
 * application id: stream, producer network, admin, global, state updater) spend per record written,
 * counted from the first output record once the stage is ready to its last output record, so start-up,
 * restoration and idling afterwards are left out. Unlike a rate, this barely
 * moves when other processes compete for the cores, so ratios of it hold on a loaded machine.
 * Native threads (RocksDB flushes and compactions) are not Java threads and are not counted.
 */
public final class StageCpu {
    private static final long SAMPLE_EVERY_MS = 20;

    private final String applicationId;
    /**
     * (wall clock ms, CPU ns, stream threads' CPU ns) every 20 ms from the start, so the CPU up to a
     * stage's last record can be read.
     */
    private final java.util.concurrent.ConcurrentLinkedDeque<long[]> samples = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final java.util.concurrent.ScheduledExecutorService sampler;
    private final long cpuAtStartNs;
    private final long streamCpuAtStartNs;
    private final long startedAtMs;

    private StageCpu(String applicationId, long[] cpuAtStartNs, long startedAtMs) {
        this.applicationId = applicationId;
        this.cpuAtStartNs = cpuAtStartNs[0];
        this.streamCpuAtStartNs = cpuAtStartNs[1];
        this.startedAtMs = startedAtMs;
        if (this.cpuAtStartNs < 0) {
            this.sampler = null;
        } else {
            this.sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "stage-cpu-sampler");
                t.setDaemon(true);
                return t;
            });
            sampler.scheduleAtFixedRate(() -> {
                        long[] cpu = cpuNs(applicationId);
                        samples.add(new long[] {System.currentTimeMillis(), cpu[0], cpu[1]});
                    },
                    SAMPLE_EVERY_MS, SAMPLE_EVERY_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Waits for the first record on the topic and for {@code ready} (e.g. every task of the stage
     * restored: Kafka Streams starts processing the tasks that are while others still restore), then
     * starts counting (NaN figures when neither came in time).
     */
    public static StageCpu fromFirstOutput(Properties client, String topic, String applicationId,
                                           java.util.function.BooleanSupplier ready, Duration timeout) {
        Properties p = new Properties();
        p.putAll(client);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                long written = c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
                if (written > 0 && ready.getAsBoolean()) {
                    return new StageCpu(applicationId, cpuNs(applicationId), System.currentTimeMillis());
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return new StageCpu(applicationId, new long[] {-1, -1}, Long.MIN_VALUE);
    }

    /** When counting started (wall clock ms); records appended from then on are the measured ones. */
    public long startedAtMs() {
        return startedAtMs;
    }

    /**
     * Microseconds of CPU per record of the span (the records appended since {@link #startedAtMs}),
     * counting the CPU only up to the span's last append: what the stage spent idling afterwards, while
     * the reader waited for the topic to settle, is left out. Stops the sampling.
     */
    public double microsPerRecord(AppendSpan span) {
        long[] end = lastSampleOf(span);
        if (end == null || span.count() < 1) {
            return Double.NaN;
        }
        return (end[1] - cpuAtStartNs) / 1000.0 / span.count();
    }

    /**
     * The share of the same window the stage's stream threads were on a CPU, summed over its threads
     * (one thread: at most 1.0). Well below 1 says the stage waited for the rest of the pipeline rather
     * than for its own processing.
     */
    public double streamThreadBusy(AppendSpan span) {
        long[] end = lastSampleOf(span);
        if (end == null || end[0] <= startedAtMs) {
            return Double.NaN;
        }
        return (end[2] - streamCpuAtStartNs) / 1e6 / (end[0] - startedAtMs);
    }

    /** The last sample up to the span's last append; stops the sampling (the span has ended). */
    private long[] lastSampleOf(AppendSpan span) {
        if (sampler == null) {
            return null;
        }
        sampler.shutdownNow();
        long[] end = null;
        for (long[] s : samples) {
            if (s[0] <= span.lastAppendMs() + SAMPLE_EVERY_MS) {
                end = s;
            }
        }
        return end;
    }

    /**
     * The same live platform threads as {@code Thread.getAllStackTraces()}, listed without their stacks:
     * sampled every 20 ms, a stack dump of every thread of the JVM (broker included) was a pause of the
     * whole JVM inside the measured window.
     */
    private static long[] cpuNs(String applicationId) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        long stream = 0;
        for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds(), 0)) {
            if (t != null && t.getThreadName().contains(applicationId)) {
                long ns = mx.getThreadCpuTime(t.getThreadId());
                if (ns > 0) {
                    sum += ns;
                    if (STREAM_THREAD.matcher(t.getThreadName()).find()) {
                        stream += ns;
                    }
                }
            }
        }
        return new long[] {sum, stream};
    }

    /** Kafka Streams names them {@code <client id>-StreamThread-<n>}; its clients' threads add a suffix. */
    private static final java.util.regex.Pattern STREAM_THREAD = java.util.regex.Pattern.compile("-StreamThread-\\d+$");
}
