package dev.detour.router;

import static dev.detour.router.testing.Fixtures.outcome;
import static dev.detour.router.testing.Fixtures.request;
import static dev.detour.router.testing.Fixtures.threeProviders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detour.core.TopicProvisioner;
import dev.detour.core.Topics;
import dev.detour.schema.AttemptOutcome;
import dev.detour.schema.CircuitState;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.HealthSnapshot;
import dev.detour.schema.RoutedRequest;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** Two router instances on a real broker: every request routed once, and both see the same health. */
@WithKafka
class TwoRouterInstancesTest {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TwoRouterInstancesTest.class);

    @Test
    void twoInstancesShareTheWorkAndTheHealthTable(KafkaCluster cluster) throws Exception {
        String prefix = cluster.uniquePrefix();
        Topics topics = new Topics(prefix, 4, (short) 1);
        String registry = "mock://" + prefix + "registry";
        RecordSerdes serdes = RecordSerdes.forUrl(registry);
        try (Admin admin = cluster.admin()) {
            new TopicProvisioner(admin).ensure(topics.fixed());
            new TopicProvisioner(admin).ensure(List.of(topics.providerTopic("alpha"), topics.providerTopic("beta"),
                    topics.providerTopic("gamma")));
        }
        Properties producerProps = cluster.clientProperties();
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                anySerializer(serdes))) {
            producer.send(new ProducerRecord<>(topics.config(), "catalog",
                    ConfigRecord.newBuilder().setCatalog(threeProviders()).build())).get();

            try (Router r1 = Router.start(config(cluster, topics, registry, "r1"), serdes);
                 Router r2 = Router.start(config(cluster, topics, registry, "r2"), serdes)) {
                await().atMost(Duration.ofSeconds(90)).until(() ->
                        r1.state() == KafkaStreams.State.RUNNING && r2.state() == KafkaStreams.State.RUNNING);

                for (int i = 0; i < 40; i++) {
                    CompletionRequest req = request("job-" + i, "chat", System.currentTimeMillis());
                    producer.send(new ProducerRecord<>(topics.requests(), req.getJobId(), req));
                }
                producer.flush();
                List<RoutedRequest> first = consumeRouted(cluster, topics, serdes, 40);
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
                List<RoutedRequest> all = consumeRouted(cluster, topics, serdes, 60);
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

    private static RouterConfig config(KafkaCluster cluster, Topics topics, String registry, String instance)
            throws Exception {
        Map<String, String> overrides = new HashMap<>();
        cluster.clientProperties().forEach((k, v) -> overrides.put(k.toString(), v.toString()));
        Path stateDir = Files.createTempDirectory("router-" + instance);
        return RouterConfig.defaults(cluster.bootstrapServers(), registry)
                .withTopics(topics)
                .withApplicationId(topics.prefix() + "router")
                .withInstanceId(instance)
                .withStateDir(stateDir)
                .withInMemoryState(true)
                .withStreamsOverrides(overrides);
    }

    private static List<RoutedRequest> consumeRouted(KafkaCluster cluster, Topics topics, RecordSerdes serdes,
                                                     int expected) {
        Properties p = cluster.clientProperties();
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<RoutedRequest> out = new ArrayList<>();
        try (KafkaConsumer<String, RoutedRequest> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                serdes.serde(RoutedRequest.class).deserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String provider : List.of("alpha", "beta", "gamma")) {
                for (int i = 0; i < topics.partitions(); i++) {
                    partitions.add(new TopicPartition(topics.provider(provider), i));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Set<String> jobs = new HashSet<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    out.add(r.value());
                    jobs.add(r.value().getRequest().getJobId());
                });
                return jobs.size() >= expected;
            });
        }
        return out;
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
