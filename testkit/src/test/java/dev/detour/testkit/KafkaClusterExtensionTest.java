package dev.detour.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

@WithKafka
class KafkaClusterExtensionTest {
    private static KafkaCluster first;

    @Test
    void givesEveryTestTheSameRunningCluster(KafkaCluster cluster) throws Exception {
        if (first == null) {
            first = cluster;
        }
        assertThat(cluster).isSameAs(first);
        String topic = cluster.uniquePrefix() + "probe";
        cluster.createTopics(2, topic);
        EmbeddedKafkaTest.produce(cluster.bootstrapServers(), topic, "x", "y");
        assertThat(EmbeddedKafkaTest.consumeAll(cluster.bootstrapServers(), topic, 2)).containsExactlyInAnyOrder("x", "y");
    }

    @Test
    void prefixesAreUnique(KafkaCluster cluster) {
        if (first == null) {
            first = cluster;
        }
        assertThat(cluster).isSameAs(first);
        assertThat(cluster.uniquePrefix()).isNotEqualTo(cluster.uniquePrefix()).endsWith(".");
    }
}
