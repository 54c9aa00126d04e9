package dev.detour.router.testing;

import static org.awaitility.Awaitility.await;

import dev.detour.core.TopicProvisioner;
import dev.detour.core.Topics;
import dev.detour.router.RecordSerdes;
import dev.detour.router.RouterConfig;
import dev.detour.testkit.KafkaCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A router test's own corner of a real broker: topics under a fresh prefix (the fixed ones and those of
 * {@link Fixtures#threeProviders()}), an in-memory registry scope and its serdes.
 */
public record RouterOnBroker(KafkaCluster cluster, Topics topics, String registry, RecordSerdes serdes) {
    public static final List<String> PROVIDERS = List.of("alpha", "beta", "gamma");

    public static RouterOnBroker create(KafkaCluster cluster, int partitions) {
        String prefix = cluster.uniquePrefix();
        Topics topics = new Topics(prefix, partitions, (short) 1);
        String registry = "mock://" + prefix + "registry";
        try (Admin admin = cluster.admin()) {
            TopicProvisioner provisioner = new TopicProvisioner(admin);
            provisioner.ensure(topics.fixed());
            provisioner.ensure(PROVIDERS.stream().map(topics::providerTopic).toList());
        }
        return new RouterOnBroker(cluster, topics, registry, RecordSerdes.forUrl(registry));
    }

    /** One instance of the test's router application: the cluster's client settings, its own state directory. */
    public RouterConfig config(String instance) throws IOException {
        Map<String, String> overrides = new HashMap<>();
        cluster.clientProperties().forEach((k, v) -> overrides.put(k.toString(), v.toString()));
        return RouterConfig.defaults(cluster.bootstrapServers(), registry)
                .withTopics(topics)
                .withApplicationId(topics.prefix() + "router")
                .withInstanceId(instance)
                .withStateDir(Files.createTempDirectory("router-" + instance))
                .withInMemoryState(true)
                .withStreamsOverrides(overrides);
    }

    /**
     * An instance whose partitions a successor takes over within seconds: Kafka Streams members do not
     * leave the group on close, so the successor waits one session timeout (6 s here); plus the
     * Streams settings given.
     */
    public RouterConfig handOverConfig(String instance, Map<String, String> streamsSettings) throws IOException {
        RouterConfig base = config(instance);
        Map<String, String> overrides = new HashMap<>(base.streamsOverrides());
        overrides.put("consumer.session.timeout.ms", "6000");
        overrides.putAll(streamsSettings);
        return base.withStreamsOverrides(overrides);
    }

    /** Every partition of the named topics. */
    public List<TopicPartition> partitionsOf(List<String> topicNames) {
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : topicNames) {
            for (int i = 0; i < topics.partitions(); i++) {
                out.add(new TopicPartition(topic, i));
            }
        }
        return out;
    }

    /**
     * Reads the partitions from their beginning, outside any group, until {@code done} holds for what was
     * read (60 s at most).
     */
    public <T> List<T> read(List<TopicPartition> partitions, Deserializer<T> decoder, Map<String, String> consumerSettings,
                            Predicate<List<T>> done) {
        Properties p = cluster.clientProperties();
        p.putAll(consumerSettings);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(p, new StringDeserializer(), decoder)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
                return done.test(out);
            });
        }
        return out;
    }
}
