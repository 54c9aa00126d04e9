package dev.detour.client;

import dev.detour.core.TopicReader;
import dev.detour.core.Topics;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.DeadLetter;
import dev.detour.schemas.serde.AvroSerde;
import dev.detour.schemas.serde.SchemaRegistryClient;
import dev.detour.schemas.serde.SchemaRegistryClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Resubmits failed jobs from the dead-letter topic.
 *
 * <p>Idempotent: the replayed job's id is derived from the dead letter's position
 * ({@code <jobId>~replay-<partition>-<offset>}), so replaying the same dead letter twice publishes
 * the same job id, which the router accepts once. A replayed job that fails again leaves a new
 * dead letter, which can be replayed in turn. The replay gets a fresh deadline; the original job id
 * travels in the metadata key {@code replayOf}.
 */
public final class DeadLetterReplay {
    /** What a replay did with one dead letter. */
    public record Replayed(String originalJobId, String newJobId, String tenant, String reason, long failedAtMs) {}

    /** At most a given number of sends per second. */
    private static final class Pace {
        private final long intervalNanos;
        private long next = System.nanoTime();

        Pace(double perSecond) {
            this.intervalNanos = perSecond > 0 ? (long) (1e9 / perSecond) : 0;
        }

        void await() {
            if (intervalNanos == 0) {
                return;
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            next = Math.max(next, System.nanoTime()) + intervalNanos;
        }
    }

    private final DetourClientConfig config;
    private final Topics topics;
    private final SchemaRegistryClient registry;

    public DeadLetterReplay(DetourClientConfig config) {
        this.config = config;
        this.topics = config.topics();
        this.registry = SchemaRegistryClients.forUrl(config.registryUrl());
    }

    /**
     * Replays every matching dead letter present now (not those arriving during the replay).
     *
     * @param ratePerSecond at most this many jobs per second; 0 for no limit
     */
    public List<Replayed> replay(ReplayFilter filter, boolean dryRun, double ratePerSecond, Duration newDeadline) {
        List<Replayed> done = new ArrayList<>();
        AvroSerde<DeadLetter> dlSerde = new AvroSerde<>(DeadLetter.class, registry);
        Properties cp = new Properties();
        cp.putAll(config.kafkaProperties());
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Properties pp = new Properties();
        pp.putAll(config.kafkaProperties());
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        Pace pace = new Pace(ratePerSecond);
        try (var consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer());
             var producer = dryRun ? null : new KafkaProducer<>(pp, new StringSerializer(),
                     new AvroSerde<>(CompletionRequest.class, registry).serializer())) {
            String topic = topics.deadLetter();
            TopicReader.readToEnd(consumer, TopicReader.assignFromBeginning(consumer, topic, Duration.ofSeconds(30)), rec -> {
                DeadLetter d;
                try {
                    d = dlSerde.deserializer().deserialize(topic, rec.value());
                } catch (SerializationException e) {
                    return; // a dead letter we cannot read cannot be replayed; audit lists it
                }
                if (d == null || d.getRequest() == null || !filter.matches(d)) {
                    return;
                }
                CompletionRequest original = d.getRequest();
                String newId = original.getJobId().replaceFirst("~replay-\\d+-\\d+$", "")
                        + "~replay-" + rec.partition() + "-" + rec.offset();
                if (producer != null) {
                    pace.await();
                    long now = System.currentTimeMillis();
                    Map<String, String> meta = new HashMap<>(original.getMetadata());
                    meta.put("replayOf", original.getJobId());
                    CompletionRequest again = CompletionRequest.newBuilder(original)
                            .setJobId(newId)
                            .setSubmittedAtMs(now)
                            .setDeadlineMs(now + newDeadline.toMillis())
                            .setMetadata(meta)
                            .build();
                    producer.send(new ProducerRecord<>(topics.requests(), newId, again));
                }
                done.add(new Replayed(original.getJobId(), newId, d.getTenant(), d.getReason().name(), d.getFailedAtMs()));
            });
            if (producer != null) {
                producer.flush();
            }
        }
        return done;
    }
}
