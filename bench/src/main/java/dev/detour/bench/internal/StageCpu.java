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
    /** The broker's process when it runs in its own JVM, else -1. */
    private final long brokerPid;

    /**
     * CPU time of the stage's threads, and of its stream threads among them; and the CPU time of the
     * whole machine, of the broker's process and of this one (native RocksDB threads included), in
     * Linux's USER_HZ ticks ({@link CpuUse#TICKS_PER_SECOND}), -1 where unknown.
     */
    private record Cpu(long stageNs, long streamThreadsNs, long machineTicks, long brokerTicks, long processTicks,
                       long benchCompilerTicks, long brokerCompilerTicks) {}

    /** JIT compiler threads of this JVM and of the broker's ({@link CpuUse#compilerThreads}). */
    private record Compilers(long benchPid, long[] bench, long brokerPid, long[] broker) {
        static Compilers of(long brokerPid) {
            long self = ProcessHandle.current().pid();
            return new Compilers(self, CpuUse.compilerThreads(self), brokerPid,
                    brokerPid < 0 ? new long[0] : CpuUse.compilerThreads(brokerPid));
        }
    }

    private record Sample(long atMs, Cpu cpu) {}

    /** Every 20 ms from the start, so the CPU up to a stage's last record can be read. */
    private final java.util.concurrent.ConcurrentLinkedDeque<Sample> samples = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final java.util.concurrent.ScheduledExecutorService sampler;
    /** Null when the stage never became ready: no figures. */
    private final Cpu atStart;
    private final long startedAtMs;

    private StageCpu(String applicationId, long brokerPid, Compilers compilers, Cpu atStart, long startedAtMs) {
        this.applicationId = applicationId;
        this.brokerPid = brokerPid;
        this.atStart = atStart;
        this.startedAtMs = startedAtMs;
        if (atStart == null) {
            this.sampler = null;
        } else {
            this.sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "stage-cpu-sampler");
                t.setDaemon(true);
                return t;
            });
            sampler.scheduleAtFixedRate(() -> samples.add(new Sample(System.currentTimeMillis(), cpu(applicationId, brokerPid, compilers))),
                    SAMPLE_EVERY_MS, SAMPLE_EVERY_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Waits for the first record on the topic and for {@code ready} (e.g. every task of the stage
     * restored: Kafka Streams starts processing the tasks that are while others still restore), then
     * starts counting (NaN figures when neither came in time).
     */
    public static StageCpu fromFirstOutput(Properties client, String topic, String applicationId,
                                           java.util.OptionalLong brokerPid, java.util.function.BooleanSupplier ready,
                                           Duration timeout) {
        long broker = brokerPid.orElse(-1);
        Compilers compilers = Compilers.of(broker);
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
                    return new StageCpu(applicationId, broker, compilers, cpu(applicationId, broker, compilers),
                            System.currentTimeMillis());
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return new StageCpu(applicationId, broker, compilers, null, Long.MIN_VALUE);
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
        Sample end = lastSampleOf(span);
        if (end == null || span.count() < 1) {
            return Double.NaN;
        }
        return (end.cpu().stageNs() - atStart.stageNs()) / 1000.0 / span.count();
    }

    /**
     * The share of the same window the stage's stream threads were on a CPU, summed over its threads
     * (one thread: at most 1.0). Well below 1 says the stage waited for the rest of the pipeline rather
     * than for its own processing.
     */
    public double streamThreadBusy(AppendSpan span) {
        Sample end = lastSampleOf(span);
        if (end == null || end.atMs() <= startedAtMs) {
            return Double.NaN;
        }
        return (end.cpu().streamThreadsNs() - atStart.streamThreadsNs()) / 1e6 / (end.atMs() - startedAtMs);
    }

    /**
     * Microseconds of CPU per record of the span, over the same window as {@link #microsPerRecord}, of
     * the whole machine, of the broker's process and of this process (the stage's threads, native RocksDB
     * threads, and the harness, which idles while a stage runs); NaN where unknown. Ticks are 10 ms: over
     * a window of seconds, a fraction of a percent.
     */
    public ProcessCpu processCpu(AppendSpan span) {
        Sample end = lastSampleOf(span);
        if (end == null || span.count() < 1) {
            return new ProcessCpu(Double.NaN, Double.NaN, Double.NaN);
        }
        return new ProcessCpu(perRecord(atStart.machineTicks(), end.cpu().machineTicks(), span),
                perRecord(atStart.brokerTicks(), end.cpu().brokerTicks(), span),
                perRecord(atStart.processTicks(), end.cpu().processTicks(), span));
    }

    /** CPU microseconds per record: of every process on the machine, of the broker, of this JVM. */
    public record ProcessCpu(double machine, double broker, double process) {}

    /**
     * Milliseconds of CPU the JIT compiler threads of this JVM and of the broker's took over the same
     * window as {@link #microsPerRecord} (NaN where unknown). Well above zero, the JIT was still at work in
     * a measured window: compiled code arriving mid-window and two cores shared with the compiler.
     */
    public CompilerCpu compilerCpu(AppendSpan span) {
        Sample end = lastSampleOf(span);
        if (end == null) {
            return new CompilerCpu(Double.NaN, Double.NaN);
        }
        return new CompilerCpu(millis(atStart.benchCompilerTicks(), end.cpu().benchCompilerTicks()),
                millis(atStart.brokerCompilerTicks(), end.cpu().brokerCompilerTicks()));
    }

    /** JIT compiler threads' CPU in a window, in milliseconds: of this JVM, of the broker's. */
    public record CompilerCpu(double bench, double broker) {}

    private static double millis(long fromTicks, long toTicks) {
        return fromTicks < 0 || toTicks < 0 ? Double.NaN : (toTicks - fromTicks) * (1e3 / CpuUse.TICKS_PER_SECOND);
    }

    private static double perRecord(long fromTicks, long toTicks, AppendSpan span) {
        return fromTicks < 0 || toTicks < 0 ? Double.NaN
                : (toTicks - fromTicks) * (1e6 / CpuUse.TICKS_PER_SECOND) / span.count();
    }

    /** The last sample up to the span's last append; stops the sampling (the span has ended). */
    private Sample lastSampleOf(AppendSpan span) {
        if (sampler == null) {
            return null;
        }
        sampler.shutdownNow();
        Sample end = null;
        for (Sample s : samples) {
            if (s.atMs() <= span.lastAppendMs() + SAMPLE_EVERY_MS) {
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
    private static Cpu cpu(String applicationId, long brokerPid, Compilers compilers) {
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
        long[] machine = CpuUse.machineTicks();
        return new Cpu(sum, stream, machine == null ? -1 : machine[0], brokerPid < 0 ? -1 : CpuUse.processTicks(brokerPid),
                CpuUse.processTicks(compilers.benchPid()), CpuUse.threadTicks(compilers.benchPid(), compilers.bench()),
                CpuUse.threadTicks(compilers.brokerPid(), compilers.broker()));
    }

    /** Kafka Streams names them {@code <client id>-StreamThread-<n>}; its clients' threads add a suffix. */
    private static final java.util.regex.Pattern STREAM_THREAD = java.util.regex.Pattern.compile("-StreamThread-\\d+$");
}
