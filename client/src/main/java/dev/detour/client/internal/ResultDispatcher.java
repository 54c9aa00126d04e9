package dev.detour.client.internal;

import dev.detour.client.DetourClientConfig;
import dev.detour.client.ResultListener;
import dev.detour.core.Topics;
import dev.detour.schema.CompletionResult;
import dev.detour.schemas.serde.AvroSerde;
import dev.detour.schemas.serde.SchemaRegistryClient;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of the results topic (no consumer group: each client sees all results and
 * keeps the ones it waits for), starting at the end as it was when the client started, and hands
 * each job id's first result to the client and its listeners.
 */
public final class ResultDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResultDispatcher.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroSerde<CompletionResult> serde;
    private final String topic;
    private final Consumer<CompletionResult> sink;
    private final List<ResultListener> listeners = new CopyOnWriteArrayList<>();
    private final SeenJobs seen = new SeenJobs(1_000_000);
    private final Thread thread;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private volatile boolean running = true;

    private ResultDispatcher(DetourClientConfig config, SchemaRegistryClient registry, Consumer<CompletionResult> sink) {
        Topics topics = new Topics(config.topicPrefix(), 1, (short) 1);
        this.topic = topics.results();
        this.sink = sink;
        this.serde = new AvroSerde<>(CompletionResult.class, registry);
        Properties p = new Properties();
        p.putAll(config.kafkaProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // An exactly-once router's results count once their transaction commits (aborted ones are redone).
        p.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = Thread.ofPlatform().name("detour-results").daemon(true).start(this::run);
    }

    public static ResultDispatcher fromLatest(DetourClientConfig config, SchemaRegistryClient registry,
                                              Consumer<CompletionResult> sink) {
        ResultDispatcher d = new ResultDispatcher(config, registry, sink);
        try {
            d.assigned.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return d;
    }

    public void addListener(ResultListener listener) {
        listeners.add(listener);
    }

    private void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // fix the start before any job is submitted
        } catch (RuntimeException e) {
            log.error("cannot read results topic {}: {}", topic, e.getMessage());
            running = false;
        } finally {
            assigned.countDown();
        }
        while (running) {
            try {
                for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
                    deliver(rec);
                }
            } catch (WakeupException e) {
                break;
            }
        }
        consumer.close();
    }

    private void deliver(ConsumerRecord<String, byte[]> rec) {
        CompletionResult result;
        try {
            result = serde.deserializer().deserialize(rec.topic(), rec.value());
        } catch (SerializationException e) {
            log.warn("skipping undecodable result at {}-{}@{}: {}", rec.topic(), rec.partition(), rec.offset(), e.getMessage());
            return;
        }
        if (result == null || !seen.add(result.getJobId())) {
            return;
        }
        sink.accept(result);
        for (ResultListener l : listeners) {
            try {
                l.onResult(result);
            } catch (RuntimeException e) {
                log.warn("result listener failed for job {}: {}", result.getJobId(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
