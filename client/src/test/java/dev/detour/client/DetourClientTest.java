package dev.detour.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detour.core.Topics;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.ResultStatus;
import dev.detour.schemas.serde.AvroSerde;
import dev.detour.schemas.serde.SchemaRegistryClients;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@WithKafka
class DetourClientTest {

    @Test
    void submitCompletesWithTheJobsResultOnceEvenWhenResultsAreRedelivered(KafkaCluster kafka) throws Exception {
        String prefix = kafka.uniquePrefix();
        Topics topics = new Topics(prefix, 3, (short) 1);
        kafka.createTopics(3, topics.requests(), topics.results());
        String registry = "mock://client-" + prefix;
        DetourClientConfig config = DetourClientConfig.of(kafka.bootstrapServers(), registry).withTopicPrefix(prefix);

        try (DetourClient client = DetourClient.create(config)) {
            List<String> delivered = new CopyOnWriteArrayList<>();
            client.addListener(r -> delivered.add(r.getJobId()));

            CompletionRequest a = CompletionRequests.userMessage("acme", "fast-cheap", "hello", Duration.ofMinutes(1));
            CompletionRequest b = CompletionRequests.userMessage("acme", "fast-cheap", "world", Duration.ofMinutes(1));
            CompletableFuture<CompletionResult> fa = client.submit(a);
            assertThat(client.submit(a)).as("same job id, same job").isSameAs(fa);
            List<CompletableFuture<CompletionResult>> all = client.submitAll(List.of(b));

            List<CompletionRequest> published = readRequests(kafka, topics, registry, 2);
            assertThat(published).extracting(CompletionRequest::getJobId).containsExactlyInAnyOrder(a.getJobId(), b.getJobId());

            // A stand-in for the pipeline answers each job, and Kafka redelivers one result twice.
            try (var producer = new KafkaProducer<>(kafka.clientProperties(), new StringSerializer(),
                    new AvroSerde<>(CompletionResult.class, SchemaRegistryClients.forUrl(registry)).serializer())) {
                for (CompletionRequest r : List.of(a, a, b)) {
                    producer.send(new ProducerRecord<>(topics.results(), r.getJobId(), result(r))).get();
                }
            }

            assertThat(fa.get().getJobId()).isEqualTo(a.getJobId());
            assertThat(all.get(0).get().getContent()).isEqualTo("answer to world");
            await().atMost(Duration.ofSeconds(30)).until(() -> delivered.size() >= 2);
            assertThat(delivered).containsExactlyInAnyOrder(a.getJobId(), b.getJobId());
            assertThat(client.pendingJobs()).isZero();
        }
    }

    private static CompletionResult result(CompletionRequest r) {
        long now = System.currentTimeMillis();
        return CompletionResult.newBuilder()
                .setJobId(r.getJobId()).setTenant(r.getTenant()).setStatus(ResultStatus.SUCCEEDED)
                .setContent("answer to " + r.getMessages().get(0).getContent())
                .setRequestedModel(r.getModel()).setSubmittedAtMs(r.getSubmittedAtMs()).setCompletedAtMs(now)
                .setMetadata(Map.of())
                .build();
    }

    private static List<CompletionRequest> readRequests(KafkaCluster kafka, Topics topics, String registry, int n) {
        Properties p = kafka.clientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<CompletionRequest> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new AvroSerde<>(CompletionRequest.class, SchemaRegistryClients.forUrl(registry)).deserializer())) {
            consumer.subscribe(List.of(topics.requests()));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(rec -> out.add(rec.value()));
                return out.size() >= n;
            });
        }
        return out;
    }
}
