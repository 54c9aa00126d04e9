package dev.detour.router;

import static dev.detour.router.testing.Fixtures.outcome;
import static dev.detour.router.testing.Fixtures.request;
import static dev.detour.router.testing.Fixtures.threeProviders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detour.core.Topics;
import dev.detour.router.testing.RouterOnBroker;
import dev.detour.schema.AttemptOutcome;
import dev.detour.schema.CircuitState;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.HealthSnapshot;
import dev.detour.schema.RoutedRequest;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** Two router instances on a real broker: every request routed once, and both see the same health. */
@WithKafka
class TwoRouterInstancesTest {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TwoRouterInstancesTest.class);

    @Test
    void twoInstancesShareTheWorkAndTheHealthTable(KafkaCluster cluster) throws Exception {
        RouterOnBroker broker = RouterOnBroker.create(cluster, 4);
        Topics topics = broker.topics();
        RecordSerdes serdes = broker.serdes();
        Properties producerProps = cluster.clientProperties();
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                anySerializer(serdes))) {
            producer.send(new ProducerRecord<>(topics.config(), "catalog",
                    ConfigRecord.newBuilder().setCatalog(threeProviders()).build())).get();

            try (Router r1 = Router.start(broker.config("r1"), serdes);
                 Router r2 = Router.start(broker.config("r2"), serdes)) {
                await().atMost(Duration.ofSeconds(90)).until(() ->
                        r1.state() == KafkaStreams.State.RUNNING && r2.state() == KafkaStreams.State.RUNNING);

                for (int i = 0; i < 40; i++) {
                    CompletionRequest req = request("job-" + i, "chat", System.currentTimeMillis());
                    producer.send(new ProducerRecord<>(topics.requests(), req.getJobId(), req));
                }
                producer.flush();
                List<RoutedRequest> first = consumeRouted(broker, 40);
                assertThat(first).extracting(r -> r.getRequest().getJobId()).doesNotHaveDuplicates().hasSize(40);
                assertThat(first).extracting(RoutedRequest::getRouterInstance).contains("r1", "r2");
                assertThat(first).allSatisfy(r -> assertThat(r.getDeployment().getDeploymentId()).isEqualTo("alpha/small-a"));

                for (int i = 0; i < 5; i++) {
                    AttemptOutcome o = outcome("alpha/small-a", false, ErrorClass.SERVER_ERROR, 30,
                            System.currentTimeMillis(), null);
                    producer.send(new ProducerRecord<>(topics.feedback(), o.getDeploymentId(), o));
                }
                producer.flush();
                long feedbackSentAt = System.nanoTime();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
                    for (Router r : List.of(r1, r2)) {
                        HealthSnapshot alpha = r.healthTable().get("alpha/small-a");
                        assertThat(alpha).isNotNull();
                        assertThat(alpha.getCircuit()).isEqualTo(CircuitState.OPEN);
                    }
                });
                log.info("outage visible to both instances {} ms after the feedback was flushed",
                        (System.nanoTime() - feedbackSentAt) / 1_000_000);
                assertThat(HealthTable.read(cluster.clientProperties(), topics, serdes, Duration.ofSeconds(10)))
                        .containsKey("alpha/small-a");

                for (int i = 40; i < 60; i++) {
                    CompletionRequest req = request("job-" + i, "chat", System.currentTimeMillis());
                    producer.send(new ProducerRecord<>(topics.requests(), req.getJobId(), req));
                }
                producer.flush();
                List<RoutedRequest> all = consumeRouted(broker, 60);
                List<RoutedRequest> after = all.stream()
                        .filter(r -> Integer.parseInt(r.getRequest().getJobId().substring(4)) >= 40).toList();
                assertThat(after).hasSize(20);
                long[] overhead = after.stream().mapToLong(r -> r.getRoutedAtMs() - r.getRequest().getSubmittedAtMs())
                        .sorted().toArray();
                log.info("submit -> routed (router clock) over {} warm requests: p50 {} ms, max {} ms",
                        overhead.length, overhead[overhead.length / 2], overhead[overhead.length - 1]);
                assertThat(after).extracting(RoutedRequest::getRouterInstance).contains("r1", "r2");
                assertThat(after).allSatisfy(r ->
                        assertThat(r.getDeployment().getDeploymentId()).isNotEqualTo("alpha/small-a"));
            }
        }
    }

    /** Routed requests on the three provider topics, until {@code expected} distinct jobs are among them. */
    private static List<RoutedRequest> consumeRouted(RouterOnBroker broker, int expected) {
        return broker.read(broker.partitionsOf(RouterOnBroker.PROVIDERS.stream().map(broker.topics()::provider).toList()),
                broker.serdes().serde(RoutedRequest.class).deserializer(), Map.of(),
                read -> read.stream().map(r -> r.getRequest().getJobId()).distinct().count() >= expected);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Serializer<Object> anySerializer(RecordSerdes serdes) {
        Map<Class<?>, Serializer> byType = new HashMap<>();
        return (topic, value) -> {
            Serializer s = byType.computeIfAbsent(value.getClass(),
                    c -> serdes.serde((Class) c).serializer());
            return s.serialize(topic, value);
        };
    }
}
