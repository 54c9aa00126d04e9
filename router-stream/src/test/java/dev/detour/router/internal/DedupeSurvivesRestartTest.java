package dev.detour.router.internal;

import static dev.detour.router.testing.Fixtures.request;
import static dev.detour.router.testing.Fixtures.threeProviders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detour.core.Topics;
import dev.detour.core.config.ConfigKeys;
import dev.detour.router.Router;
import dev.detour.router.RouterConfig;
import dev.detour.router.testing.RouterOnBroker;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.RoutedRequest;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * Job ids reach the seen-job changelog in batches once committed, and a second instance restoring
 * that changelog (fresh state directory) still drops their re-publications.
 */
@WithKafka
class DedupeSurvivesRestartTest {
    private static final Map<String, String> FAST_COMMITS = Map.of("commit.interval.ms", "200");

    @Test
    void aSuccessorDropsRePublicationsOfCommittedJobs(KafkaCluster cluster) throws Exception {
        RouterOnBroker broker = RouterOnBroker.create(cluster, 2);
        Topics topics = broker.topics();
        var requestSerializer = broker.serdes().serde(CompletionRequest.class).serializer();
        List<String> ids = IntStream.range(0, 8).mapToObj(i -> "once-" + i).toList();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(cluster.clientProperties(),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.config(), ConfigKeys.CATALOG, broker.serdes().serde(ConfigRecord.class)
                    .serializer().serialize(topics.config(), ConfigRecord.newBuilder().setCatalog(threeProviders()).build())))
                    .get();
            Runnable publishAll = () -> ids.forEach(id -> {
                CompletionRequest r = request(id, "chat", System.currentTimeMillis());
                producer.send(new ProducerRecord<>(topics.requests(), id, requestSerializer.serialize(topics.requests(), r)));
            });

            RouterConfig first = broker.handOverConfig("first", FAST_COMMITS);
            try (Router router = Router.start(first, broker.serdes())) {
                await().atMost(Duration.ofSeconds(90)).until(() -> router.state() == KafkaStreams.State.RUNNING);
                publishAll.run();
                producer.flush();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> router.decisionCounts().getOrDefault("routed", 0.0) >= ids.size());
                // Written after the commit that covers them, by the next record or the 1 s punctuation.
                String changelog = first.applicationId() + "-" + JobRouter.SEEN_LOG_STORE + "-changelog";
                List<byte[]> batches = broker.read(broker.partitionsOf(List.of(changelog)), new ByteArrayDeserializer(),
                        Map.of(), read -> read.stream().mapToInt(b -> SeenJobLog.decode(b).size()).sum() >= ids.size());
                assertThat(batches.stream().flatMap(b -> SeenJobLog.decode(b).stream()).map(SeenJobLog.Sighting::jobId))
                        .containsExactlyInAnyOrderElementsOf(ids);
                assertThat(batches).hasSizeLessThan(ids.size());
            }

            try (Router successor = Router.start(broker.handOverConfig("second", FAST_COMMITS), broker.serdes())) {
                await().atMost(Duration.ofSeconds(90)).until(() -> successor.state() == KafkaStreams.State.RUNNING);
                publishAll.run();
                CompletionRequest fresh = request("fresh", "chat", System.currentTimeMillis());
                producer.send(new ProducerRecord<>(topics.requests(), "fresh",
                        requestSerializer.serialize(topics.requests(), fresh)));
                producer.flush();
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        successor.decisionCounts().getOrDefault("deduped", 0.0) >= ids.size()
                                && successor.decisionCounts().getOrDefault("routed", 0.0) >= 1);

                List<RoutedRequest> routed = broker.read(broker.partitionsOf(RouterOnBroker.PROVIDERS.stream()
                                .map(topics::provider).toList()), broker.serdes().serde(RoutedRequest.class).deserializer(),
                        Map.of(), read -> read.size() >= ids.size() + 1);
                assertThat(routed).extracting(r -> r.getRequest().getJobId()).doesNotHaveDuplicates()
                        .hasSize(ids.size() + 1).contains("fresh");
                assertThat(successor.decisionCounts()).containsEntry("routed", 1.0);
            }
        }
    }
}
