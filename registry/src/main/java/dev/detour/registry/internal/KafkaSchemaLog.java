package dev.detour.registry.internal;

import dev.detour.schemas.serde.SchemaRegistryException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The registry's state kept in a one-partition compacted topic. A reader thread replays the topic
 * from the beginning into {@link RegistryState} and keeps following it, so changes written by
 * another instance show up here too. Writes are produced, then awaited until the reader has
 * applied them: the topic is the only source of truth.
 */
public final class KafkaSchemaLog implements SchemaLog {

    private static final Logger log = LoggerFactory.getLogger(KafkaSchemaLog.class);

    private final TopicPartition partition;
    private final RegistryState state;
    private final Duration timeout;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread reader;
    private final Object progress = new Object();
    /** Offset of the next record to apply; guarded by {@link #progress}. */
    private long appliedUpTo;
    private volatile boolean running = true;
    private volatile Throwable readerFailure;

    private KafkaSchemaLog(String topic, Map<String, Object> clientProps, RegistryState state, Duration timeout) {
        this.partition = new TopicPartition(topic, 0);
        this.state = state;
        this.timeout = timeout;
        Map<String, Object> producerProps = new HashMap<>(clientProps);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        producerProps.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "detour-registry-writer");
        this.producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
        Map<String, Object> consumerProps = new HashMap<>(clientProps);
        consumerProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "detour-registry-reader");
        this.consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.reader = Thread.ofPlatform().name("detour-registry-reader").daemon().unstarted(this::follow);
    }

    /** Replays the topic (which must exist, with one partition) and keeps following it. */
    public static KafkaSchemaLog open(String topic, Map<String, Object> clientProps, RegistryState state, Duration timeout) {
        KafkaSchemaLog schemaLog = new KafkaSchemaLog(topic, clientProps, state, timeout);
        try {
            schemaLog.consumer.assign(List.of(schemaLog.partition));
            schemaLog.consumer.seekToBeginning(List.of(schemaLog.partition));
            long end = schemaLog.consumer.endOffsets(List.of(schemaLog.partition), timeout).get(schemaLog.partition);
            schemaLog.reader.start();
            schemaLog.awaitAppliedUpTo(end);
            log.info("registry state rebuilt from {} ({} records, max id {})", topic, end, state.maxId());
            return schemaLog;
        } catch (RuntimeException e) {
            schemaLog.close();
            throw e;
        }
    }

    @Override
    public void appendAndAwait(LogEntry entry) {
        LogCodec.Encoded encoded = LogCodec.encode(entry);
        RecordMetadata written;
        try {
            written = producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), encoded.key(),
                    encoded.value())).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw storeError("interrupted while writing to the registry topic", e);
        } catch (ExecutionException e) {
            throw storeError("cannot write to the registry topic: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new SchemaRegistryException(500, SchemaRegistryException.TIMEOUT,
                    "timed out writing to the registry topic", e);
        }
        awaitAppliedUpTo(written.offset() + 1);
    }

    private void awaitAppliedUpTo(long offset) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (appliedUpTo < offset) {
                if (readerFailure != null) {
                    throw storeError("the registry topic reader stopped: " + readerFailure, readerFailure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !running) {
                    throw new SchemaRegistryException(500, SchemaRegistryException.TIMEOUT,
                            "timed out waiting for the registry topic to reach offset " + offset);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(progress, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw storeError("interrupted while waiting for the registry topic", e);
                }
            }
        }
    }

    private void follow() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                long next = -1;
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    applyOne(record);
                    next = record.offset() + 1;
                }
                // Compaction and transaction markers leave gaps: the position is the true progress.
                long position = Math.max(next, consumer.position(partition));
                synchronized (progress) {
                    if (position > appliedUpTo) {
                        appliedUpTo = position;
                        progress.notifyAll();
                    }
                }
            }
        } catch (WakeupException e) {
            if (running) {
                readerFailure = e;
            }
        } catch (RuntimeException e) {
            log.error("registry topic reader stopped", e);
            readerFailure = e;
        } finally {
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    private void applyOne(ConsumerRecord<byte[], byte[]> record) {
        Optional<LogEntry> entry;
        try {
            entry = LogCodec.decode(record.key(), record.value());
        } catch (Exception e) {
            // A record another tool wrote, or a damaged one: skipping it beats refusing to start.
            log.warn("skipping unreadable record at {}-{} offset {}: {}", record.topic(), record.partition(),
                    record.offset(), e.toString());
            return;
        }
        entry.ifPresent(e -> {
            if (!state.apply(e)) {
                log.info("ignoring {} at offset {}: it contradicts an earlier entry", e, record.offset());
            }
        });
    }

    private static SchemaRegistryException storeError(String message, Throwable cause) {
        return new SchemaRegistryException(500, SchemaRegistryException.STORE_ERROR, message, cause);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        if (reader.isAlive()) {
            try {
                reader.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!reader.isAlive()) {
            consumer.close(Duration.ofSeconds(5));
        }
        producer.close(Duration.ofSeconds(5));
    }
}
