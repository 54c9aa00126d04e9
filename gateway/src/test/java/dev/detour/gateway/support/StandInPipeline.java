package dev.detour.gateway.support;

import dev.detour.core.Topics;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.CompletionResult;
import dev.detour.schemas.serde.AvroSerde;
import dev.detour.schemas.serde.SchemaRegistryClients;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Stands in for router + workers on a real broker: consumes detour.requests and publishes one
 * CompletionResult per request, as scripted. Returning null leaves a job unanswered.
 */
public final class StandInPipeline implements AutoCloseable {
    private final KafkaConsumer<String, CompletionRequest> consumer;
    private final KafkaProducer<String, CompletionResult> producer;
    private final Function<CompletionRequest, CompletionResult> script;
    private final Topics topics;
    private final Thread thread;
    private final AtomicInteger seen = new AtomicInteger();
    private volatile boolean running = true;

    public StandInPipeline(Properties clientProperties, Topics topics, String registryUrl,
                           Function<CompletionRequest, CompletionResult> script) {
        this.topics = topics;
        this.script = script;
        Properties c = new Properties();
        c.putAll(clientProperties);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, topics.prefix() + "stand-in");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5");
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        var registry = SchemaRegistryClients.forUrl(registryUrl);
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new AvroSerde<>(CompletionRequest.class, registry).deserializer());
        this.producer = new KafkaProducer<>(p, new StringSerializer(),
                new AvroSerde<>(CompletionResult.class, registry).serializer());
        consumer.subscribe(List.of(topics.requests()));
        this.thread = Thread.ofPlatform().name("stand-in-pipeline").daemon(true).start(this::run);
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, CompletionRequest> rec : consumer.poll(Duration.ofMillis(100))) {
                    seen.incrementAndGet();
                    CompletionResult r = script.apply(rec.value());
                    if (r != null) {
                        producer.send(new ProducerRecord<>(topics.results(), r.getJobId(), r));
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    /** Requests consumed so far. */
    public int seen() {
        return seen.get();
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
        producer.close();
    }
}
