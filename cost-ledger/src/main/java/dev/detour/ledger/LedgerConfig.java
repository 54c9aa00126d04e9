package dev.detour.ledger;

import dev.detour.core.Topics;
import dev.detour.ledger.spend.CostFormula;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything a ledger instance needs, parsed once.
 *
 * @param bootstrapServers     Kafka bootstrap servers
 * @param applicationId        Kafka Streams application id (a new id rebuilds the ledger from detour.usage)
 * @param topics               topic names
 * @param serdes               Avro serdes for the pipeline's topics (schema registry in production)
 * @param stateDir             where RocksDB state lives
 * @param httpBindHost         address the HTTP API binds to
 * @param httpPort             HTTP port; 0 picks a free one
 * @param advertisedHost       host other instances use to reach this one (application.server)
 * @param streamThreads        Kafka Streams threads
 * @param commitInterval       transaction commit interval (exactly-once: results become visible per commit)
 * @param costFormula          how tokens and unit prices become micro-dollars
 * @param dedupRetention       how long an attempt id is remembered (the usage topic's retention)
 * @param budgetCheckInterval  how often every tenant's budget is re-decided without new usage (day rollover)
 * @param clientProperties     extra Kafka client settings (SASL/TLS, ...), passed through unchanged
 */
public record LedgerConfig(
        String bootstrapServers,
        String applicationId,
        Topics topics,
        RecordSerdes serdes,
        Path stateDir,
        String httpBindHost,
        int httpPort,
        String advertisedHost,
        int streamThreads,
        Duration commitInterval,
        CostFormula costFormula,
        Duration dedupRetention,
        Duration budgetCheckInterval,
        Map<String, String> clientProperties) {

    public static final String DEFAULT_APPLICATION_ID = "detour-ledger";
    /** Port a stand-alone ledger listens on unless told otherwise, and where `detour audit` looks by default. */
    public static final int DEFAULT_HTTP_PORT = 7480;

    public LedgerConfig {
        clientProperties = Map.copyOf(clientProperties);
    }

    public static LedgerConfig defaults(String bootstrapServers, RecordSerdes serdes, Path stateDir) {
        return new LedgerConfig(bootstrapServers, DEFAULT_APPLICATION_ID, Topics.defaults(), serdes, stateDir,
                "127.0.0.1", 0, "127.0.0.1", 1, Duration.ofMillis(100), CostFormula.LIST_PRICE,
                Topics.LONG_RETENTION, Duration.ofMinutes(1), Map.of());
    }

    /** Defaults with serdes against the schema registry at {@code registryUrl}. */
    public static LedgerConfig forRegistry(String bootstrapServers, String registryUrl, Path stateDir) {
        return defaults(bootstrapServers, RecordSerdes.registry(registryUrl), stateDir);
    }

    public LedgerConfig withApplicationId(String id) {
        return new LedgerConfig(bootstrapServers, id, topics, serdes, stateDir, httpBindHost, httpPort, advertisedHost,
                streamThreads, commitInterval, costFormula, dedupRetention, budgetCheckInterval, clientProperties);
    }

    public LedgerConfig withTopics(Topics t) {
        return new LedgerConfig(bootstrapServers, applicationId, t, serdes, stateDir, httpBindHost, httpPort, advertisedHost,
                streamThreads, commitInterval, costFormula, dedupRetention, budgetCheckInterval, clientProperties);
    }

    public LedgerConfig withHttp(String bindHost, int port, String advertised) {
        return new LedgerConfig(bootstrapServers, applicationId, topics, serdes, stateDir, bindHost, port, advertised,
                streamThreads, commitInterval, costFormula, dedupRetention, budgetCheckInterval, clientProperties);
    }

    public LedgerConfig withStateDir(Path dir) {
        return new LedgerConfig(bootstrapServers, applicationId, topics, serdes, dir, httpBindHost, httpPort, advertisedHost,
                streamThreads, commitInterval, costFormula, dedupRetention, budgetCheckInterval, clientProperties);
    }

    public LedgerConfig withCostFormula(CostFormula f) {
        return new LedgerConfig(bootstrapServers, applicationId, topics, serdes, stateDir, httpBindHost, httpPort, advertisedHost,
                streamThreads, commitInterval, f, dedupRetention, budgetCheckInterval, clientProperties);
    }

    public LedgerConfig withClientProperties(Map<String, String> props) {
        return new LedgerConfig(bootstrapServers, applicationId, topics, serdes, stateDir, httpBindHost, httpPort, advertisedHost,
                streamThreads, commitInterval, costFormula, dedupRetention, budgetCheckInterval, props);
    }
}
