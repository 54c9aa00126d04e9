package dev.detour.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.router.RouterConfig.ProcessingGuarantee;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class RouterStreamsPropertiesTest {
    private final RouterConfig base = RouterConfig.defaults("localhost:9092", "mock://x");

    @Test
    void atLeastOnceCommitsEverySecondNotEveryThirtySeconds() {
        assertThat(commitIntervalMs(base)).isEqualTo(1_000L);
    }

    @Test
    void exactlyOnceKeepsKafkaStreamsHundredMilliseconds() {
        assertThat(commitIntervalMs(base.withGuarantee(ProcessingGuarantee.EXACTLY_ONCE_V2))).isEqualTo(100L);
    }

    @Test
    void aConfiguredIntervalWinsUnderEitherGuarantee() {
        RouterConfig configured = RouterSettings.apply(base, Map.of("commit-interval-ms", "250"));
        assertThat(commitIntervalMs(configured)).isEqualTo(250L);
        assertThat(commitIntervalMs(configured.withGuarantee(ProcessingGuarantee.EXACTLY_ONCE_V2))).isEqualTo(250L);
    }

    @Test
    void aStreamsOverrideIsAppliedLast() {
        RouterConfig overridden = base.withStreamsOverrides(Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "30000"));
        assertThat(Router.streamsProperties(overridden).get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo("30000");
    }

    @Test
    void theMainConsumerPollsUpToFiveThousandRecordsUnlessOverridden() {
        String key = StreamsConfig.mainConsumerPrefix(org.apache.kafka.clients.consumer.ConsumerConfig.MAX_POLL_RECORDS_CONFIG);
        assertThat(Router.streamsProperties(base).get(key)).isEqualTo(5_000);
        assertThat(Router.streamsProperties(base.withStreamsOverrides(Map.of(key, "500"))).get(key)).isEqualTo("500");
    }

    @Test
    void producersBatchUpTo128KiBUnlessAPlainOrPrefixedOverrideSaysOtherwise() {
        assertThat(producerBatchSize(base)).isEqualTo(128 * 1024);
        assertThat(producerBatchSize(base.withStreamsOverrides(Map.of("batch.size", "32768")))).isEqualTo(32_768);
        assertThat(producerBatchSize(base.withStreamsOverrides(Map.of("producer.batch.size", "65536")))).isEqualTo(65_536);
    }

    @Test
    void theOutcomesApplicationHasItsOwnIdOneThreadAndAtLeastOnceWhateverTheRoutersGuarantee() {
        RouterConfig eos = base.withGuarantee(ProcessingGuarantee.EXACTLY_ONCE_V2)
                .withStreamsOverrides(Map.of(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "4"));
        var p = Router.outcomesProperties(eos);
        assertThat(p.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("detour-router-outcomes");
        assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.AT_LEAST_ONCE);
        assertThat(p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(1_000L);
        assertThat(p.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo(1);
        assertThat(Router.streamsProperties(eos).get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
                .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    }

    @Test
    void onlyTheOutcomesConsumerWaitsForABatchOfRecords() {
        Map<String, Object> outcomes = new StreamsConfig(Router.outcomesProperties(base)).getMainConsumerConfigs("g", "c", 0);
        assertThat(outcomes.get(ConsumerConfig.FETCH_MIN_BYTES_CONFIG).toString()).isEqualTo("65536");
        assertThat(outcomes.get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG).toString()).isEqualTo("50");
        Map<String, Object> routing = new StreamsConfig(Router.streamsProperties(base)).getMainConsumerConfigs("g", "c", 0);
        assertThat(routing).doesNotContainKey(ConsumerConfig.FETCH_MIN_BYTES_CONFIG);
        String prefixed = StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG);
        assertThat(Router.outcomesProperties(base.withStreamsOverrides(Map.of(prefixed, "10"))).get(prefixed))
                .as("a prefixed override wins").isEqualTo("10");
    }

    /** What Kafka Streams hands its producers, after merging plain and producer-prefixed settings. */
    private static int producerBatchSize(RouterConfig c) {
        Map<String, Object> producer = new StreamsConfig(Router.streamsProperties(c)).getProducerConfigs("router-test");
        return Integer.parseInt(producer.get(ProducerConfig.BATCH_SIZE_CONFIG).toString());
    }

    private static long commitIntervalMs(RouterConfig c) {
        return (Long) Router.streamsProperties(c).get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
    }
}
