package dev.detour.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.core.TopicReader;
import dev.detour.core.Topics;
import dev.detour.schema.AttemptSummary;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.DeadLetter;
import dev.detour.schema.FailureReason;
import dev.detour.schemas.serde.AvroSerde;
import dev.detour.schemas.serde.SchemaRegistryClients;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@WithKafka
class DeadLetterReplayTest {

    @Test
    void replaysMatchingDeadLettersWithStableDerivedJobIds(KafkaCluster kafka) throws Exception {
        String prefix = kafka.uniquePrefix();
        Topics topics = new Topics(prefix, 2, (short) 1);
        kafka.createTopics(2, topics.requests(), topics.deadLetter());
        String registry = "mock://replay-" + prefix;
        DetourClientConfig config = DetourClientConfig.of(kafka.bootstrapServers(), registry).withTopicPrefix(prefix);

        CompletionRequest late = CompletionRequests.userMessage("acme", "frontier", "late", Duration.ofSeconds(1));
        CompletionRequest other = CompletionRequests.userMessage("globex", "frontier", "other", Duration.ofSeconds(1));
        try (var producer = new KafkaProducer<>(kafka.clientProperties(), new StringSerializer(),
                new AvroSerde<>(DeadLetter.class, SchemaRegistryClients.forUrl(registry)).serializer())) {
            producer.send(new ProducerRecord<>(topics.deadLetter(), late.getJobId(), deadLetter(late, FailureReason.DEADLINE, "openai"))).get();
            producer.send(new ProducerRecord<>(topics.deadLetter(), other.getJobId(), deadLetter(other, FailureReason.NO_ROUTE, "anthropic"))).get();
            producer.send(new ProducerRecord<>(topics.deadLetter(), "garbage", DeadLetter.newBuilder()
                    .setReason(FailureReason.UNDECODABLE).setMessage("no magic byte").setComponent("router")
                    .setFailedAtMs(System.currentTimeMillis()).build())).get();
        }

        DeadLetterReplay replay = new DeadLetterReplay(config);
        ReplayFilter acmeDeadlines = new ReplayFilter("acme", "deadline", null, null, null);
        var dry = replay.replay(acmeDeadlines, true, 0, Duration.ofMinutes(5));
        assertThat(dry).extracting(DeadLetterReplay.Replayed::originalJobId).containsExactly(late.getJobId());
        assertThat(readRequests(kafka, topics, registry)).as("dry run publishes nothing").isEmpty();

        var first = replay.replay(acmeDeadlines, false, 100, Duration.ofMinutes(5));
        var second = replay.replay(acmeDeadlines, false, 100, Duration.ofMinutes(5));
        assertThat(first).hasSize(1);
        assertThat(second).extracting(DeadLetterReplay.Replayed::newJobId).isEqualTo(first.stream().map(DeadLetterReplay.Replayed::newJobId).toList());

        List<CompletionRequest> published = readRequests(kafka, topics, registry);
        assertThat(published).hasSize(2).allSatisfy(r -> {
            assertThat(r.getJobId()).startsWith(late.getJobId() + "~replay-");
            assertThat(r.getMetadata()).containsEntry("replayOf", late.getJobId());
            assertThat(r.getDeadlineMs()).isGreaterThan(System.currentTimeMillis());
        });
        assertThat(published.get(0).getJobId()).as("the same job id both times: the router accepts it once")
                .isEqualTo(published.get(1).getJobId());

        var byProvider = replay.replay(new ReplayFilter(null, null, "anthropic", null, null), true, 0, Duration.ofMinutes(5));
        assertThat(byProvider).extracting(DeadLetterReplay.Replayed::originalJobId).containsExactly(other.getJobId());
        var future = replay.replay(new ReplayFilter(null, null, null, Instant.now().plusSeconds(3600), null), true, 0, Duration.ofMinutes(5));
        assertThat(future).isEmpty();
    }

    private static DeadLetter deadLetter(CompletionRequest r, FailureReason reason, String provider) {
        return DeadLetter.newBuilder()
                .setJobId(r.getJobId()).setTenant(r.getTenant()).setReason(reason).setMessage("failed: " + reason)
                .setComponent("router").setRequest(r).setFailedAtMs(System.currentTimeMillis())
                .setAttempts(List.of(AttemptSummary.newBuilder().setAttempt(1).setAttemptId(r.getJobId() + "#1")
                        .setProvider(provider).setDeploymentId(provider + "/m").setModel("m").build()))
                .build();
    }

    /** Everything in the requests topic now: replay flushes before it returns, so nothing is in flight. */
    private static List<CompletionRequest> readRequests(KafkaCluster kafka, Topics topics, String registry) {
        Properties p = kafka.clientProperties();
        List<CompletionRequest> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new AvroSerde<>(CompletionRequest.class, SchemaRegistryClients.forUrl(registry)).deserializer())) {
            TopicReader.readToEnd(consumer, TopicReader.assignFromBeginning(consumer, topics.requests(), Duration.ofSeconds(30)),
                    rec -> out.add(rec.value()));
        }
        return out;
    }
}
