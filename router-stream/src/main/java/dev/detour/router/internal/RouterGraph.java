package dev.detour.router.internal;

import dev.detour.core.Topics;
import dev.detour.router.RecordSerdes;
import dev.detour.router.RouterConfig;
import dev.detour.router.policy.ProbeLedger;
import dev.detour.schema.AttemptOutcome;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.DeadLetter;
import dev.detour.schema.HealthSnapshot;
import dev.detour.schema.ParkedJob;
import dev.detour.schema.RoutedRequest;
import dev.detour.schema.Catalog;
import dev.detour.schema.CachedAnswer;
import dev.detour.schema.UsageRecord;
import dev.detour.schema.ConfigRecord;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The router's two Kafka Streams graphs, each its own application with its own consumer.
 *
 * <p>{@link #routing Routing} (the hot path), top to bottom:
 * <ol>
 *   <li>four global stores mirror the compacted topics every instance needs whole: config (catalog,
 *       tenants, drains), health (snapshots per deployment), budgets, cache;</li>
 *   <li>requests and retries (co-partitioned by job id) are routed to provider topics, parked, or
 *       ended failed into results + dead letters.</li>
 * </ol>
 *
 * <p>{@link #outcomes Outcomes} (bookkeeping of what the calls did):
 * <ol>
 *   <li>feedback is aggregated per deployment (partitioned) into health snapshots, published to the
 *       health topic, which feeds the routing graph's health store on every instance;</li>
 *   <li>successful results of tenants that allow caching become last-resort answers on the cache topic,
 *       read back by the routing graph's cache store.</li>
 * </ol>
 * Why two: on one consumer, every result and feedback record woke the routing thread for its own fetch
 * and poll, two per job next to the request's one; on their own consumer they are fetched in batches
 * (docs/router.md, "Two applications").
 */
public final class RouterGraph {
    public static final String CONFIG_STORE = "router-config";
    public static final String HEALTH_STORE = "router-health";
    public static final String BUDGET_STORE = "router-budgets";
    /** Last-resort answers by cache key (global: any instance may serve any job). */
    public static final String CACHE_STORE = "router-cache";
    /** Scope of the router's decision sensors (JMX group {@code stream-detour-router-metrics}). */
    public static final String METRICS_SCOPE = RouterMetrics.SCOPE;

    static final String PROVIDER_SINK = "to-provider";
    static final String RESULTS_SINK = "to-results";
    static final String DEAD_LETTER_SINK = "to-dead-letter";
    static final String HEALTH_SINK = "to-health";
    static final String CACHE_SINK = "to-cache";
    static final String USAGE_SINK = "to-usage";

    private RouterGraph() {}

    /** What the processors share: config, serdes and the instance-wide probe ledger and state version. */
    record Wiring(RouterConfig config, RecordSerdes serdes, ProbeLedger probes, GlobalStateVersion stateVersion) {}

    public static Topology routing(RouterConfig config, RecordSerdes serdes) {
        return routing(config, serdes, catalog -> { });
    }

    /**
     * @param onCatalog called (on the global thread) with every catalog the config topic delivers, e.g. to
     *     create the topics of new providers
     */
    public static Topology routing(RouterConfig config, RecordSerdes serdes, Consumer<Catalog> onCatalog) {
        Topics topics = config.topics();
        Wiring wiring = new Wiring(config, serdes, new ProbeLedger(config.breaker().probeTimeout().toMillis()),
                new GlobalStateVersion());
        Deserializer<ConfigRecord> configDecoder = serdes.serde(ConfigRecord.class).deserializer();
        BiConsumer<String, byte[]> configListener = (key, bytes) -> {
            if (RouterView.CATALOG_KEY.equals(key) && bytes != null) {
                try {
                    ConfigRecord r = configDecoder.deserialize(topics.config(), bytes);
                    if (r != null && r.getCatalog() != null) {
                        onCatalog.accept(r.getCatalog());
                    }
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(RouterGraph.class).warn("undecodable catalog: {}", e.toString());
                }
            }
        };
        Topology t = new Topology();

        // 1. What every instance needs whole.
        globalBytes(t, config, CONFIG_STORE, topics.config(), wiring.stateVersion(), configListener);
        globalBytes(t, config, HEALTH_STORE, topics.health(), wiring.stateVersion(), (k, v) -> { });
        globalBytes(t, config, BUDGET_STORE, topics.budgets(), wiring.stateVersion(), (k, v) -> { });
        globalBytes(t, config, CACHE_STORE, topics.cache(), wiring.stateVersion(), (k, v) -> { });

        // 2. Requests and retries -> provider topics, parking, terminal failures.
        // Keys stay bytes: the route keys its output by the decoded job id; the key is read only to fail a record.
        t.addSource("requests", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), topics.requests());
        t.addSource("retries", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), topics.retries());
        t.addProcessor("route", () -> new JobRouter(wiring), "requests", "retries");
        StoreBuilder<KeyValueStore<String, ParkedJob>> parked = Stores.keyValueStoreBuilder(
                keyValue(config, JobRouter.PARKED_STORE), Serdes.String(), serdes.serde(ParkedJob.class));
        t.addStateStore(parked, "route");
        t.addStateStore(SeenJobLog.builder(keyValue(config, JobRouter.SEEN_LOG_STORE)), "route");

        TopicNameExtractor<String, OutgoingRequest> providerTopic = (key, out, ctx) -> out.topic();
        t.addSink(PROVIDER_SINK, providerTopic, Serdes.String().serializer(),
                OutgoingRequest.serializer(serdes.serde(RoutedRequest.class).serializer()), "route");
        t.addSink(RESULTS_SINK, topics.results(), Serdes.String().serializer(),
                serializer(serdes, CompletionResult.class), "route");
        t.addSink(DEAD_LETTER_SINK, topics.deadLetter(), Serdes.String().serializer(),
                serializer(serdes, DeadLetter.class), "route");
        // A cached answer served is billed at zero provider cost; the ledger counts what it avoided.
        t.addSink(USAGE_SINK, topics.usage(), Serdes.String().serializer(), serializer(serdes, UsageRecord.class), "route");
        return t;
    }

    public static Topology outcomes(RouterConfig config, RecordSerdes serdes) {
        Topics topics = config.topics();
        Topology t = new Topology();
        // The cache writer reads each tenant's cache mode as it is now.
        globalBytes(t, config, CONFIG_STORE, topics.config(), new GlobalStateVersion(), (k, v) -> { });

        // 1. Feedback -> health snapshots.
        t.addSource("feedback", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topics.feedback());
        t.addProcessor("aggregate-health", () -> new FeedbackAggregator(config.health(), config.breaker(),
                serdes.serde(AttemptOutcome.class).deserializer(), topics.feedback()), "feedback");
        t.addStateStore(Stores.keyValueStoreBuilder(keyValue(config, FeedbackAggregator.STORE),
                Serdes.String(), Serdes.ByteArray()), "aggregate-health");
        t.addSink(HEALTH_SINK, topics.health(), Serdes.String().serializer(),
                serializer(serdes, HealthSnapshot.class), "aggregate-health");
        t.addSink(DEAD_LETTER_SINK, topics.deadLetter(), Serdes.String().serializer(),
                serializer(serdes, DeadLetter.class), "aggregate-health");

        // 2. Successful results of tenants that allow caching -> the last-resort cache.
        t.addSource("results", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topics.results());
        t.addProcessor("write-cache", () -> new CacheWriter(serdes.serde(CompletionResult.class).deserializer(),
                serdes.serde(ConfigRecord.class).deserializer(), topics.results()), "results");
        t.addSink(CACHE_SINK, topics.cache(), Serdes.String().serializer(), serializer(serdes, CachedAnswer.class),
                "write-cache");
        return t;
    }

    private static void globalBytes(Topology t, RouterConfig config, String store, String topic,
                                    GlobalStateVersion version, BiConsumer<String, byte[]> listener) {
        t.addGlobalStore(Stores.keyValueStoreBuilder(keyValue(config, store), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(),
                store + "-source", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topic,
                store + "-updater", () -> new GlobalStoreUpdater(store, version, listener));
    }

    private static KeyValueBytesStoreSupplier keyValue(RouterConfig config, String name) {
        return config.inMemoryState() ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
    }

    @SuppressWarnings("unchecked")
    private static <T extends org.apache.avro.specific.SpecificRecord> Serializer<T> serializer(RecordSerdes serdes,
                                                                                               Class<T> type) {
        return serdes.serde(type).serializer();
    }
}
