package dev.detour.bench.internal;

import dev.detour.kafka.EmbeddedKafka;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

/**
 * The bench's single-node KRaft broker ({@link EmbeddedKafka}, Apache Kafka's own server) in its own
 * OS process, as a deployment runs its brokers. In the bench JVM it made about a third of the
 * garbage, and so of the collector pauses that every stage and client of a suite sat through; a
 * pipeline's latency would have carried the broker's collections twice, once in the broker and once
 * in the measured clients. The child runs with the heap and collector options of Kafka's own start
 * scripts.
 */
public final class BrokerProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("bench broker at (\\S+)");

    /** {@code KAFKA_HEAP_OPTS} and {@code KAFKA_JVM_PERFORMANCE_OPTS} of Kafka's kafka-run-class.sh / kafka-server-start.sh. */
    static final List<String> KAFKA_JVM_OPTIONS = List.of("-Xmx1G", "-Xms1G", "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent");

    private final ChildJvm process;

    private BrokerProcess(ChildJvm process) {
        this.process = process;
    }

    /** Starts a broker on a free loopback port, with a temporary data directory, and waits until it answers. */
    public static BrokerProcess start() throws IOException {
        return new BrokerProcess(ChildJvm.start("broker", Main.class, KAFKA_JVM_OPTIONS, List.of(), READY,
                Duration.ofSeconds(120), Duration.ofSeconds(30)));
    }

    public String bootstrapServers() {
        return process.ready().group(1);
    }

    public long pid() {
        return process.pid();
    }

    /** Shuts the broker down (its data directory is deleted). */
    @Override
    public void close() {
        process.close();
    }

    /** The child's entry point: the broker until the process is told to stop or the bench JVM is gone. */
    public static final class Main {
        private Main() {}

        public static void main(String[] args) throws InterruptedException {
            EmbeddedKafka kafka = EmbeddedKafka.builder().build().start();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                kafka.close();
                stopped.countDown();
            }, "bench-broker-shutdown"));
            ChildJvm.exitWithParent();
            System.out.println("bench broker at " + kafka.bootstrapServers());
            System.out.flush();
            stopped.await();
        }
    }
}
