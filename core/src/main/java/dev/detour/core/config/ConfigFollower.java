package dev.detour.core.config;

import dev.detour.schema.ConfigRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted config topic from its beginning, outside any consumer group (every instance of
 * a component needs all of it), and hands each entry to a listener on its own thread, for as long as it
 * runs. Components that are not Kafka Streams applications (workers, gateways, the CLI) use it to see a
 * new catalog, tenant or key without a restart.
 *
 * <p>A bad entry is logged and skipped, and a listener that throws is logged: one broken record in a
 * compacted topic must never stop a component from seeing the next one. A topic that does not exist
 * yet, or a broker that cannot be reached, is retried every 5 s; {@link #awaitCaughtUp} does not wait
 * for it, so a component can start before its first catalog is published. Only authentication and
 * authorization failures stop following ({@link #failure()}).
 */
public final class ConfigFollower implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigFollower.class);
    private static final Duration RETRY = Duration.ofSeconds(5);

    /** Receives each entry in topic order: the decoded record, or null for a tombstone. */
    @FunctionalInterface
    public interface Listener {
        void onEntry(String key, ConfigRecord value);
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<ConfigRecord> decoder;
    private final String topic;
    private final Listener listener;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    private ConfigFollower(Properties kafka, String topic, Deserializer<ConfigRecord> decoder, Listener listener,
                           String threadName) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        // A follower must never create the config topic: it would not be compacted.
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.decoder = decoder;
        this.topic = topic;
        this.listener = listener;
        this.thread = Thread.ofPlatform().daemon(true).name(threadName).start(this::run);
    }

    /**
     * @param kafka client properties (bootstrap servers, security); a group id, if any, is ignored
     * @param threadName names the follower's thread in thread dumps
     */
    public static ConfigFollower start(Properties kafka, String topic, Deserializer<ConfigRecord> decoder,
                                       Listener listener, String threadName) {
        return new ConfigFollower(kafka, topic, decoder, listener, threadName);
    }

    /**
     * Waits until every entry present in the topic when following began has reached the listener
     * (or the topic turned out not to exist yet).
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Why following stopped, when it stopped on an error (e.g. {@code TopicAuthorizationException}):
     * set before {@link #awaitCaughtUp} returns, so a component can fail its start with one clear line
     * instead of running without configuration.
     */
    public java.util.Optional<RuntimeException> failure() {
        return java.util.Optional.ofNullable(failure);
    }

    private void run() {
        try {
            Map<TopicPartition, Long> end = assignWhenPresent();
            while (running) {
                try {
                    for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
                        apply(rec);
                    }
                    if (caughtUp.getCount() > 0
                            && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                        caughtUp.countDown();
                    }
                } catch (RuntimeException e) {
                    rethrowIfFinal(e);
                    log.warn("config topic {} poll failed: {}; retrying in {} s", topic, e.toString(), RETRY.toSeconds());
                    pause();
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (AuthenticationException | AuthorizationException e) {
            // No retry fixes these: say it once, plainly, and stop.
            failure = e;
            log.error("stopped following config topic {}: {}", topic, e.toString());
        } finally {
            caughtUp.countDown();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private Map<TopicPartition, Long> assignWhenPresent() throws InterruptedException {
        while (true) {
            try {
                List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(i -> new TopicPartition(topic, i.partition()))
                        .toList();
                if (!parts.isEmpty()) {
                    consumer.assign(parts);
                    consumer.seekToBeginning(parts);
                    return consumer.endOffsets(parts);
                }
                log.warn("config topic {} does not exist yet; retrying in {} s", topic, RETRY.toSeconds());
            } catch (RuntimeException e) {
                rethrowIfFinal(e);
                log.warn("config topic {} cannot be read yet: {}; retrying in {} s", topic, e.toString(), RETRY.toSeconds());
            }
            caughtUp.countDown(); // nothing to catch up with yet: do not hold the component's start
            pause();
        }
    }

    /**
     * Closing, and failures no retry heals, end following; anything else (broker unreachable, a timeout)
     * is retried after a pause, as the gateway's key view always did.
     */
    private static void rethrowIfFinal(RuntimeException e) {
        if (e instanceof WakeupException || e instanceof AuthenticationException || e instanceof AuthorizationException) {
            throw e;
        }
    }

    private void pause() throws InterruptedException {
        if (closing.await(RETRY.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new InterruptedException("closed");
        }
    }

    private void apply(ConsumerRecord<String, byte[]> rec) {
        if (rec.key() == null) {
            return;
        }
        ConfigRecord value = null;
        if (rec.value() != null) {
            try {
                value = decoder.deserialize(topic, rec.value());
            } catch (RuntimeException e) {
                log.warn("skipping undecodable config entry {} at offset {}: {}", rec.key(), rec.offset(), e.toString());
                return;
            }
        }
        try {
            listener.onEntry(rec.key(), value);
        } catch (RuntimeException e) {
            log.warn("config entry {} at offset {} was not applied: {}", rec.key(), rec.offset(), e.toString());
        }
    }

    @Override
    public void close() {
        running = false;
        closing.countDown();
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
