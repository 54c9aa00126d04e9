package dev.detour.router;

import static dev.detour.router.testing.Fixtures.request;
import static dev.detour.router.testing.Fixtures.threeProviders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detour.core.Topics;
import dev.detour.router.testing.RouterOnBroker;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.FailureReason;
import dev.detour.schema.RoutedRequest;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** The exactly_once_v2 switch works on a real broker: routed requests and dead letters are committed. */
@WithKafka
class ExactlyOnceRouterTest {

    @Test
    void routesAndDeadLettersUnderExactlyOnce(KafkaCluster cluster) throws Exception {
        RouterOnBroker broker = RouterOnBroker.create(cluster, 2);
        Topics topics = broker.topics();
        RecordSerdes serdes = broker.serdes();
        RouterConfig config = broker.config("eos").withGuarantee(RouterConfig.ProcessingGuarantee.EXACTLY_ONCE_V2);

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

            assertThat(readCommitted(broker, topics.provider("alpha"), serdes.serde(RoutedRequest.class).deserializer(), 10))
                    .extracting(r -> r.getRequest().getJobId()).doesNotHaveDuplicates().hasSize(10);
            assertThat(readCommitted(broker, topics.results(), serdes.serde(CompletionResult.class).deserializer(), 1))
                    .extracting(CompletionResult::getJobId, CompletionResult::getFailureReason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("eos-garbage", FailureReason.UNDECODABLE));
        }
    }

    private static <T> List<T> readCommitted(RouterOnBroker broker, String topic,
                                             org.apache.kafka.common.serialization.Deserializer<T> decoder, int expected) {
        return broker.read(broker.partitionsOf(List.of(topic)), decoder,
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), read -> read.size() >= expected);
    }
}
