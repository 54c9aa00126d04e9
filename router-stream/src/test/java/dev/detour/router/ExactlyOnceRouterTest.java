package dev.detour.router;

import static dev.detour.router.testing.Fixtures.request;
import static dev.detour.router.testing.Fixtures.threeProviders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detour.core.TopicProvisioner;
import dev.detour.core.Topics;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.FailureReason;
import dev.detour.schema.RoutedRequest;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** The exactly_once_v2 switch works on a real broker: routed requests and dead letters are committed. */
@WithKafka
class ExactlyOnceRouterTest {

    @Test
    void routesAndDeadLettersUnderExactlyOnce(KafkaCluster cluster) throws Exception {
        String prefix = cluster.uniquePrefix();
        Topics topics = new Topics(prefix, 2, (short) 1);
        String registry = "mock://" + prefix + "registry";
        RecordSerdes serdes = RecordSerdes.forUrl(registry);
        try (Admin admin = cluster.admin()) {
            new TopicProvisioner(admin).ensure(topics.fixed());
            new TopicProvisioner(admin).ensure(List.of(topics.providerTopic("alpha"), topics.providerTopic("beta"),
                    topics.providerTopic("gamma")));
        }
        Map<String, String> overrides = new HashMap<>();
        cluster.clientProperties().forEach((k, v) -> overrides.put(k.toString(), v.toString()));
        RouterConfig config = RouterConfig.defaults(cluster.bootstrapServers(), registry)
                .withTopics(topics)
                .withApplicationId(prefix + "router")
                .withInstanceId("eos")
                .withGuarantee(RouterConfig.ProcessingGuarantee.EXACTLY_ONCE_V2)
                .withStateDir(Files.createTempDirectory("router-eos"))
                .withInMemoryState(true)
                .withStreamsOverrides(overrides);

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(cluster.clientProperties(),
                new StringSerializer(), new ByteArraySerializer());
             Router router = Router.start(config, serdes)) {
            producer.send(new ProducerRecord<>(topics.config(), "catalog", serdes.serde(ConfigRecord.class).serializer()
                    .serialize(topics.config(), ConfigRecord.newBuilder().setCatalog(threeProviders()).build()))).get();
            await().atMost(Duration.ofSeconds(90)).until(() -> router.state() == KafkaStreams.State.RUNNING);

            var requestSerializer = serdes.serde(CompletionRequest.class).serializer();
            for (int i = 0; i < 10; i++) {
                CompletionRequest r = request("eos-" + i, "chat", System.currentTimeMillis());
                producer.send(new ProducerRecord<>(topics.requests(), r.getJobId(),
                        requestSerializer.serialize(topics.requests(), r)));
            }
            producer.send(new ProducerRecord<>(topics.requests(), "eos-garbage", new byte[] {1, 2, 3}));
            producer.flush();

            assertThat(readCommitted(cluster, topics.provider("alpha"), serdes.serde(RoutedRequest.class).deserializer(), 10))
                    .extracting(r -> r.getRequest().getJobId()).doesNotHaveDuplicates().hasSize(10);
            assertThat(readCommitted(cluster, topics.results(), serdes.serde(CompletionResult.class).deserializer(), 1))
                    .extracting(CompletionResult::getJobId, CompletionResult::getFailureReason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("eos-garbage", FailureReason.UNDECODABLE));
        }
    }

    private static <T> List<T> readCommitted(KafkaCluster cluster, String topic,
                                             org.apache.kafka.common.serialization.Deserializer<T> decoder, int expected) {
        Properties p = cluster.clientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "eos-check-" + topic);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(p, new StringDeserializer(), decoder)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
                return out.size() >= expected;
            });
        }
        return out;
    }
}
