package dev.detour.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detour.core.TopicProvisioner;
import dev.detour.core.Topics;
import dev.detour.core.catalog.CatalogLoader;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.ProviderDrain;
import dev.detour.schemas.serde.AvroSerde;
import dev.detour.schemas.serde.SchemaRegistryClients;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@WithKafka
class ConfigFollowerTest {

    record Entry(String key, boolean present) {}

    @Test
    void deliversWhatIsThereThenFollowsSkippingUndecodableEntries(KafkaCluster kafka) throws Exception {
        Topics topics = new Topics(kafka.uniquePrefix(), 1, (short) 1);
        String registry = "mock://" + topics.prefix();
        new TopicProvisioner(kafka.admin()).ensure(topics.fixed());
        try (ConfigPublisher publisher = new ConfigPublisher(kafka.bootstrapServers(), registry, topics, Map.of())) {
            publisher.publishUnchecked(CatalogLoader.loadDefault());
            sendRaw(kafka, topics.config(), "tenant/broken", new byte[] {0, 0, 0, 0, 42, 1});
            publisher.publishDrain(ProviderDrain.newBuilder().setProvider("openai").setDrained(true).build());
            sendRaw(kafka, topics.config(), "drain/openai", null);

            List<Entry> seen = new CopyOnWriteArrayList<>();
            try (ConfigFollower follower = start(kafka, topics, registry, seen)) {
                assertThat(follower.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
                // Caught up means every entry present at the start has reached the listener.
                assertThat(seen).containsExactly(new Entry("catalog", true), new Entry("drain/openai", true),
                        new Entry("drain/openai", false));

                publisher.publishDrain(ProviderDrain.newBuilder().setProvider("qwen").setDrained(true).build());
                await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains(new Entry("drain/qwen", true)));
            }
        }
    }

    @Test
    void doesNotHoldStartWhileTheTopicIsMissingAndPicksItUpOnceCreated(KafkaCluster kafka) throws Exception {
        Topics topics = new Topics(kafka.uniquePrefix(), 1, (short) 1);
        String registry = "mock://" + topics.prefix();
        List<Entry> seen = new CopyOnWriteArrayList<>();
        try (ConfigFollower follower = start(kafka, topics, registry, seen)) {
            assertThat(follower.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
            assertThat(kafka.admin().listTopics().names().get()).doesNotContain(topics.config());

            new TopicProvisioner(kafka.admin()).ensure(topics.fixed());
            try (ConfigPublisher publisher = new ConfigPublisher(kafka.bootstrapServers(), registry, topics, Map.of())) {
                publisher.publishUnchecked(CatalogLoader.loadDefault());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains(new Entry("catalog", true)));
        }
    }

    private static ConfigFollower start(KafkaCluster kafka, Topics topics, String registry, List<Entry> seen) {
        Properties p = kafka.clientProperties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        var decoder = new AvroSerde<>(ConfigRecord.class, SchemaRegistryClients.forUrl(registry)).deserializer();
        return ConfigFollower.start(p, topics.config(), decoder,
                (key, value) -> seen.add(new Entry(key, value != null)), "test-config-follower");
    }

    private static void sendRaw(KafkaCluster kafka, String topic, String key, byte[] value) throws Exception {
        Properties p = kafka.clientProperties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }
}
