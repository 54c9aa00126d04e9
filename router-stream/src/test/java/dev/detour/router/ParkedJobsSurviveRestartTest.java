package dev.detour.router;

import static dev.detour.router.testing.Fixtures.request;
import static dev.detour.router.testing.Fixtures.threeProviders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detour.core.TopicProvisioner;
import dev.detour.core.Topics;
import dev.detour.core.config.ConfigKeys;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.ProviderDrain;
import dev.detour.schema.RoutedRequest;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** A job parked when the router stops is still parked, and released, after a restart elsewhere. */
@WithKafka
class ParkedJobsSurviveRestartTest {

    @Test
    void parkedJobsAreRestoredAndReleased(KafkaCluster cluster) throws Exception {
        String prefix = cluster.uniquePrefix();
        Topics topics = new Topics(prefix, 2, (short) 1);
        String registry = "mock://" + prefix + "registry";
        RecordSerdes serdes = RecordSerdes.forUrl(registry);
        try (Admin admin = cluster.admin()) {
            new TopicProvisioner(admin).ensure(topics.fixed());
            new TopicProvisioner(admin).ensure(List.of(topics.providerTopic("alpha"), topics.providerTopic("beta"),
                    topics.providerTopic("gamma")));
        }
        var configSerializer = serdes.serde(ConfigRecord.class).serializer();
        var requestSerializer = serdes.serde(CompletionRequest.class).serializer();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(cluster.clientProperties(),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.config(), ConfigKeys.CATALOG, configSerializer.serialize(
                    topics.config(), ConfigRecord.newBuilder().setCatalog(threeProviders()).build()))).get();
            for (String p : List.of("alpha", "beta", "gamma")) {
                producer.send(new ProducerRecord<>(topics.config(), ConfigKeys.drain(p), configSerializer.serialize(
                        topics.config(), drain(p, true)))).get();
            }

            try (Router first = Router.start(config(cluster, topics, registry, "first"), serdes)) {
                await().atMost(Duration.ofSeconds(90)).until(() -> first.state() == KafkaStreams.State.RUNNING);
                for (int i = 0; i < 6; i++) {
                    CompletionRequest r = request("parked-" + i, "chat", System.currentTimeMillis());
                    producer.send(new ProducerRecord<>(topics.requests(), r.getJobId(),
                            requestSerializer.serialize(topics.requests(), r)));
                }
                producer.flush();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> first.decisionCounts().getOrDefault("parked", 0.0) >= 6.0);
            }

            try (Router second = Router.start(config(cluster, topics, registry, "second"), serdes)) {
                await().atMost(Duration.ofSeconds(90)).until(() -> second.state() == KafkaStreams.State.RUNNING);
                producer.send(new ProducerRecord<>(topics.config(), ConfigKeys.drain("beta"), configSerializer.serialize(
                        topics.config(), drain("beta", false)))).get();

                List<RoutedRequest> routed = consume(cluster, topics.provider("beta"), topics.partitions(), serdes, 6);
                assertThat(routed).extracting(r -> r.getRequest().getJobId()).doesNotHaveDuplicates().hasSize(6);
                assertThat(routed).allSatisfy(r -> assertThat(r.getRouterInstance()).isEqualTo("second"));
            }
        }
    }

    private static ConfigRecord drain(String provider, boolean drained) {
        return ConfigRecord.newBuilder()
                .setDrain(ProviderDrain.newBuilder().setProvider(provider).setDrained(drained).build()).build();
    }

    private static RouterConfig config(KafkaCluster cluster, Topics topics, String registry, String instance)
            throws Exception {
        Map<String, String> overrides = new HashMap<>();
        cluster.clientProperties().forEach((k, v) -> overrides.put(k.toString(), v.toString()));
        // Kafka Streams members do not leave the group on close; the successor waits one session timeout.
        overrides.put("consumer.session.timeout.ms", "6000");
        Path stateDir = Files.createTempDirectory("router-" + instance);
        return RouterConfig.defaults(cluster.bootstrapServers(), registry)
                .withTopics(topics)
                .withApplicationId(topics.prefix() + "router")
                .withInstanceId(instance)
                .withStateDir(stateDir)
                .withInMemoryState(true)
                .withStreamsOverrides(overrides);
    }

    private static List<RoutedRequest> consume(KafkaCluster cluster, String topic, int partitions, RecordSerdes serdes,
                                               int expected) {
        Properties p = cluster.clientProperties();
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<RoutedRequest> out = new ArrayList<>();
        try (KafkaConsumer<String, RoutedRequest> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                serdes.serde(RoutedRequest.class).deserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                tps.add(new TopicPartition(topic, i));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
                return out.size() >= expected;
            });
        }
        return out;
    }
}
