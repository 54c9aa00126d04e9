package dev.detour.client;

import dev.detour.client.internal.ResultDispatcher;
import dev.detour.core.Topics;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.CompletionResult;
import dev.detour.schemas.serde.AvroSerde;
import dev.detour.schemas.serde.SchemaRegistryClient;
import dev.detour.schemas.serde.SchemaRegistryClients;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Submits jobs to Detour and hands back their results.
 *
 * <p>A job id is an idempotency key: submitting the same id again while it is pending returns the
 * same future, and the router drops a re-published job id, so it yields one job. Each job id's
 * result is delivered once, however often Kafka redelivers it.
 *
 * <pre>{@code
 * try (DetourClient client = DetourClient.create(DetourClientConfig.of("localhost:9092", "http://localhost:8081"))) {
 *     CompletionResult r = client.submit(CompletionRequests.userMessage("acme", "fast-cheap", "Hello", Duration.ofSeconds(30))).join();
 * }
 * }</pre>
 */
public final class DetourClient implements AutoCloseable {
    private final Topics topics;
    private final KafkaProducer<String, CompletionRequest> producer;
    private final ResultDispatcher dispatcher;
    private final ConcurrentHashMap<String, CompletableFuture<CompletionResult>> pending = new ConcurrentHashMap<>();

    private DetourClient(DetourClientConfig config) {
        this.topics = config.topics();
        SchemaRegistryClient registry = SchemaRegistryClients.forUrl(config.registryUrl());
        Properties p = new Properties();
        p.putAll(config.kafkaProperties());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // Every job waits for the linger; under load the producer batches anyway, behind the sends in flight.
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "0");
        AvroSerde<CompletionRequest> requestSerde = new AvroSerde<>(CompletionRequest.class, registry);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), requestSerde.serializer());
        this.dispatcher = ResultDispatcher.fromLatest(config, registry, this::complete);
    }

    /** Connects to the cluster; results published from now on reach this client. */
    public static DetourClient create(DetourClientConfig config) {
        return new DetourClient(config);
    }

    /**
     * Publishes a job; the future completes with its terminal result (succeeded or failed), or
     * exceptionally when the request cannot be published.
     */
    public CompletableFuture<CompletionResult> submit(CompletionRequest request) {
        CompletableFuture<CompletionResult> fresh = new CompletableFuture<>();
        CompletableFuture<CompletionResult> existing = pending.putIfAbsent(request.getJobId(), fresh);
        if (existing != null) {
            return existing;
        }
        producer.send(new ProducerRecord<>(topics.requests(), request.getJobId(), request), (meta, error) -> {
            if (error != null) {
                pending.remove(request.getJobId(), fresh);
                fresh.completeExceptionally(error);
            }
        });
        return fresh;
    }

    public List<CompletableFuture<CompletionResult>> submitAll(Collection<CompletionRequest> requests) {
        List<CompletableFuture<CompletionResult>> futures = new ArrayList<>(requests.size());
        for (CompletionRequest r : requests) {
            futures.add(submit(r));
        }
        producer.flush();
        return futures;
    }

    /** Publishes a job without waiting for its result (fire and forget; results reach listeners). */
    public void publish(CompletionRequest request) throws InterruptedException, ExecutionException, TimeoutException {
        producer.send(new ProducerRecord<>(topics.requests(), request.getJobId(), request)).get(30, TimeUnit.SECONDS);
    }

    /** Adds a listener that sees every result this client receives, each job id once. */
    public void addListener(ResultListener listener) {
        dispatcher.addListener(listener);
    }

    public int pendingJobs() {
        return pending.size();
    }

    private void complete(CompletionResult result) {
        CompletableFuture<CompletionResult> future = pending.remove(result.getJobId());
        if (future != null) {
            future.complete(result);
        }
    }

    @Override
    public void close() {
        producer.close();
        dispatcher.close();
        pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("client closed")));
        pending.clear();
    }
}
