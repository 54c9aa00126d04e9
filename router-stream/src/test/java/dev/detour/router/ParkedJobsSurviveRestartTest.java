package dev.detour.router;

import static dev.detour.router.testing.Fixtures.request;
import static dev.detour.router.testing.Fixtures.threeProviders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detour.core.Topics;
import dev.detour.router.testing.RouterOnBroker;
import dev.detour.core.config.ConfigKeys;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.ProviderDrain;
import dev.detour.schema.RoutedRequest;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** A job parked when the router stops is still parked, and released, after a restart elsewhere. */
@WithKafka
class ParkedJobsSurviveRestartTest {

    @Test
    void parkedJobsAreRestoredAndReleased(KafkaCluster cluster) throws Exception {
        RouterOnBroker broker = RouterOnBroker.create(cluster, 2);
        Topics topics = broker.topics();
        RecordSerdes serdes = broker.serdes();
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

            try (Router first = Router.start(broker.handOverConfig("first", Map.of()), serdes)) {
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

            try (Router second = Router.start(broker.handOverConfig("second", Map.of()), serdes)) {
                await().atMost(Duration.ofSeconds(90)).until(() -> second.state() == KafkaStreams.State.RUNNING);
                producer.send(new ProducerRecord<>(topics.config(), ConfigKeys.drain("beta"), configSerializer.serialize(
                        topics.config(), drain("beta", false)))).get();

                List<RoutedRequest> routed = broker.read(broker.partitionsOf(List.of(topics.provider("beta"))),
                        serdes.serde(RoutedRequest.class).deserializer(), Map.of(), read -> read.size() >= 6);
                assertThat(routed).extracting(r -> r.getRequest().getJobId()).doesNotHaveDuplicates().hasSize(6);
                assertThat(routed).allSatisfy(r -> assertThat(r.getRouterInstance()).isEqualTo("second"));
            }
        }
    }

    private static ConfigRecord drain(String provider, boolean drained) {
        return ConfigRecord.newBuilder()
                .setDrain(ProviderDrain.newBuilder().setProvider(provider).setDrained(drained).build()).build();
    }
}
