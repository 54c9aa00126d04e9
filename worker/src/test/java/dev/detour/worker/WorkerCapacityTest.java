package dev.detour.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detour.core.Topics;
import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.RoutedRequest;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import dev.detour.worker.internal.RegistryWireCodec;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One worker holds 10,000 calls in flight at once, then finishes them all. */
@WithKafka
class WorkerCapacityTest {
    private static final Logger log = LoggerFactory.getLogger(WorkerCapacityTest.class);
    private static final int CALLS = 10_000;

    @Test
    void holdsTenThousandCallsInFlight(KafkaCluster cluster) throws Exception {
        String prefix = cluster.uniquePrefix();
        Topics topics = new Topics(prefix, 6, (short) 1);
        cluster.createTopics(6, topics.provider(Fixtures.PROVIDER), topics.results(), topics.retries(),
                topics.feedback(), topics.usage(), topics.deadLetter());
        String registry = "mock://" + prefix;
        RegistryWireCodec codec = RegistryWireCodec.forUrl(registry);
        String topic = topics.provider(Fixtures.PROVIDER);

        Properties props = cluster.clientProperties();
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < CALLS; i++) {
                RoutedRequest r = Fixtures.routed("cap-" + i, 1, null);
                r.setRequest(CompletionRequest.newBuilder(r.getRequest()).setMessages(List.of(
                        ChatMessage.newBuilder().setRole("user").setContent("hang:cap-" + i).build())).build());
                producer.send(new ProducerRecord<>(topic, r.getRequest().getJobId(), codec.encode(topic, r)));
            }
        }

        Map<String, String> clientProps = new HashMap<>();
        cluster.clientProperties().forEach((k, v) -> clientProps.put(k.toString(), v.toString()));
        FakeProvider provider = new FakeProvider(Fixtures.PROVIDER, 0);
        WorkerConfig config = WorkerConfig.builder(cluster.bootstrapServers(), registry)
                .topicPrefix(prefix).providers(List.of(Fixtures.PROVIDER)).groupId(prefix + "workers")
                .instanceId("w-capacity").maxInFlightTotal(CALLS).maxInFlightPerProvider(CALLS)
                .kafkaProperties(clientProps).build();
        try (Worker worker = Worker.start(config, AdapterRegistry.of(Map.of(Fixtures.PROVIDER, provider)),
                Fixtures.catalog(null, null))) {
            await().atMost(Duration.ofMinutes(2)).until(() -> worker.inFlight() == CALLS);
            System.gc();
            var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            log.info("{} calls in flight: heap used {} MiB after GC (max {} MiB), {} platform threads",
                    worker.inFlight(), heap.getUsed() >> 20, heap.getMax() >> 20,
                    ManagementFactory.getThreadMXBean().getThreadCount());
            assertThat(worker.peakInFlight()).isEqualTo(CALLS);

            provider.release();
            await().atMost(Duration.ofMinutes(2)).until(() -> worker.metrics().jobsEnded() == CALLS);
            assertThat(worker.peakInFlight()).isEqualTo(CALLS);
        }
    }
}
