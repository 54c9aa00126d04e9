package dev.detour.ledger.topology;

import dev.detour.core.Topics;
import dev.detour.ledger.RecordSerdes;
import dev.detour.ledger.http.LedgerQueries;
import dev.detour.schema.BudgetState;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.DeadLetter;
import dev.detour.schema.UsageRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

/** The ledger topology in a TopologyTestDriver, with typed input and output topics and the query layer. */
public final class LedgerDriver implements AutoCloseable {

    public static final RecordSerdes SERDES = RecordSerdes.registry("mock://ledger-test");
    private static final Topics TOPICS = Topics.defaults();

    public final TopologyTestDriver driver;
    public final TestInputTopic<String, ConfigRecord> config;
    public final TestInputTopic<byte[], byte[]> usageBytes;
    public final TestOutputTopic<String, BudgetState> budgets;
    public final TestOutputTopic<String, DeadLetter> deadLetters;
    public final LedgerQueries queries;

    public LedgerDriver(Instant wallClock) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ledger-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        try {
            props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("ledger-driver").toString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        LedgerTopology.Settings settings = LedgerTopology.Settings.defaults(SERDES).withBudgetCheckInterval(Duration.ofMinutes(1)).withInMemoryStores();
        driver = new TopologyTestDriver(LedgerTopology.build(settings), props, wallClock);
        config = driver.createInputTopic(TOPICS.config(), new StringSerializer(), SERDES.valueSerde(ConfigRecord.class).serializer());
        usageBytes = driver.createInputTopic(TOPICS.usage(), new ByteArraySerializer(), new ByteArraySerializer());
        budgets = driver.createOutputTopic(TOPICS.budgets(), new StringDeserializer(), SERDES.valueSerde(BudgetState.class).deserializer());
        deadLetters = driver.createOutputTopic(TOPICS.deadLetter(), new StringDeserializer(), SERDES.valueSerde(DeadLetter.class).deserializer());
        queries = new LedgerQueries(new dev.detour.ledger.http.StoreSource() {
            @Override
            @SuppressWarnings("unchecked")
            public <V> ReadOnlyKeyValueStore<String, V> store(String name) {
                return (ReadOnlyKeyValueStore<String, V>) (ReadOnlyKeyValueStore<?, ?>) driver.getKeyValueStore(name);
            }
        });
    }

    public static byte[] encode(UsageRecord u) {
        return SERDES.valueSerde(UsageRecord.class).serializer().serialize(TOPICS.usage(), u);
    }

    /** Publishes a usage record with the given record timestamp (the producer's time). */
    public void usage(UsageRecord u, long recordTimeMs) {
        usageBytes.pipeInput(u.getAttemptId().getBytes(StandardCharsets.UTF_8), encode(u), recordTimeMs);
    }

    public void usage(UsageRecord u) {
        usage(u, u.getBilledAtMs());
    }

    @Override
    public void close() {
        driver.close();
    }

}
