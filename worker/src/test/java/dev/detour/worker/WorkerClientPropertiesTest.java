package dev.detour.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class WorkerClientPropertiesTest {

    private static WorkerConfig config(Map<String, String> kafka) {
        return WorkerConfig.builder("localhost:9092", "mock://props").providers(List.of("sim"))
                .kafkaProperties(kafka).build();
    }

    @Test
    void resultsAreSentWithoutLingerAndOnlyCommittedRoutingsAreCalled() {
        Properties producer = Worker.producerProperties(config(Map.of()));
        Properties consumer = Worker.consumerProperties(config(Map.of()));

        assertThat(producer.get(ProducerConfig.LINGER_MS_CONFIG)).isEqualTo("0");
        assertThat(producer.get(ProducerConfig.ACKS_CONFIG)).isEqualTo("all");
        assertThat(consumer.get(ConsumerConfig.ISOLATION_LEVEL_CONFIG)).isEqualTo("read_committed");
    }

    @Test
    void tuningPropertiesOverrideTheDefaultsButNotTheSafetySettings() {
        Map<String, String> kafka = Map.of(ProducerConfig.LINGER_MS_CONFIG, "10",
                ProducerConfig.ACKS_CONFIG, "1",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");

        assertThat(Worker.producerProperties(config(kafka)).get(ProducerConfig.LINGER_MS_CONFIG)).isEqualTo("10");
        assertThat(Worker.producerProperties(config(kafka)).get(ProducerConfig.ACKS_CONFIG)).isEqualTo("all");
        assertThat(Worker.consumerProperties(config(kafka)).get(ConsumerConfig.ISOLATION_LEVEL_CONFIG))
                .isEqualTo("read_uncommitted");
    }
}
