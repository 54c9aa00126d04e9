package dev.detour.router;

import dev.detour.core.TopicProvisioner;
import dev.detour.core.Topics;
import dev.detour.core.config.ConfigKeys;
import dev.detour.router.internal.RouterGraph;
import dev.detour.schema.Catalog;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.HealthSnapshot;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running router instance. Start as many as needed with the same application id: Kafka spreads the
 * request partitions over them, and each one sees the whole health table.
 *
 * <p>An instance runs two Kafka Streams applications: routing ({@code applicationId}) and outcomes
 * ({@code applicationId-outcomes}: feedback to health, results to the cache), so that the routing thread
 * is woken by requests only and outcomes are fetched in batches.
 */
public final class Router implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Router.class);

    private final RouterConfig config;
    private final RecordSerdes serdes;
    private final KafkaStreams streams;
    private final KafkaStreams outcomes;
    private final Admin admin;
    private final ExecutorService provisioning;
    private final Set<String> provisionedProviders = ConcurrentHashMap.newKeySet();

    private Router(RouterConfig config, RecordSerdes serdes) {
        this.config = config;
        this.serdes = serdes;
        Properties props = streamsProperties(config);
        this.admin = Admin.create(props);
        this.provisioning = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "router-topic-provisioning");
            t.setDaemon(true);
            return t;
        });
        Topics topics = config.topics();
        new TopicProvisioner(admin).ensure(topics.fixed());
        this.streams = new KafkaStreams(RouterGraph.routing(config, serdes, this::ensureProviderTopics), props);
        this.outcomes = new KafkaStreams(RouterGraph.outcomes(config, serdes), outcomesProperties(config));
        // Global stores may be restored without passing through their processors: provision the
        // catalog's provider topics again once running, from the restored config store.
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                provisioning.submit(this::provisionFromStore);
            }
        });
        replaceDeadThreads(streams, "routing");
        replaceDeadThreads(outcomes, "outcomes");
    }

    private static void replaceDeadThreads(KafkaStreams app, String name) {
        app.setUncaughtExceptionHandler(e -> {
            log.error("router {} stream thread died; replacing it", name, e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    /** Starts a router against the registry at {@code config.schemaRegistryUrl()}. */
    public static Router start(RouterConfig config) {
        return start(config, RecordSerdes.forUrl(config.schemaRegistryUrl()));
    }

    public static Router start(RouterConfig config, RecordSerdes serdes) {
        Router router = new Router(config, serdes);
        router.outcomes.start();
        router.streams.start();
        log.info("router {} started (application {}, {})", config.instanceId(), config.applicationId(), config.guarantee());
        return router;
    }

    /** Records per poll of the main consumer (Kafka Streams' default: 1,000); a Streams override wins. */
    static final int MAX_POLL_RECORDS = 5_000;

    /**
     * Producer batch bytes per partition (Kafka's default: 16 KiB). With linger 0 a batch only grows
     * while earlier requests are in flight, so an idle router still sends at once; in a backlog the
     * default capped each produce request at one 16 KiB batch per partition (~70 routed requests), and
     * the broker's cost per record follows the records per request: at 128 KiB the router's machine-wide
     * CPU per request fell by about a third (docs/router.md, Performance).
     */
    public static final int PRODUCER_BATCH_BYTES = 128 * 1024;

    static Properties streamsProperties(RouterConfig c) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, c.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, c.guarantee() == RouterConfig.ProcessingGuarantee.EXACTLY_ONCE_V2
                ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, c.streamThreads());
        if (c.stateDir() != null) {
            p.put(StreamsConfig.STATE_DIR_CONFIG, c.stateDir().toString());
        }
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, c.effectiveCommitInterval().toMillis());
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), c.lingerMs());
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
        // Requests and retries share a task; their relative order by timestamp does not matter, so
        // never hold a request back waiting for the other topic's data.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // Records are decoded inside the processors; these handlers are the second line of defence.
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Restoring a task's stores ends when the restore consumer saw the changelog's end; with the
        // default 500 ms fetch wait an empty or caught-up changelog costs 500 ms per round, and while
        // any task restores, the stream thread spins in Kafka Streams' check for restored tasks (up to
        // 1 ms per loop). 20 ms: tasks ready in tens of ms after an assignment, not seconds.
        p.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 20);
        // Measured when the router read four topics (before outcomes had an application of their own):
        // Kafka Streams' 1,000 records per poll made polling ~23% of its stream thread in a backlog, and
        // fewer, larger polls cost about a quarter less per record (docs/router.md, Performance). Requests
        // and retries alone are still two topics; a poll returns what there is, so an idle router waits
        // no longer.
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), MAX_POLL_RECORDS);
        p.putAll(c.streamsOverrides());
        // A plain client setting (the CLI's kafka.batch.size) would lose to the prefixed default.
        String batchKey = StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG);
        if (c.streamsOverrides().containsKey(ProducerConfig.BATCH_SIZE_CONFIG) && !c.streamsOverrides().containsKey(batchKey)) {
            p.remove(batchKey);
        }
        return p;
    }

    /** Suffix of the outcomes application's id (and so of its group, internal topics and state). */
    public static final String OUTCOMES_SUFFIX = "-outcomes";

    /**
     * How long the outcomes consumer lets the broker wait for {@link #OUTCOMES_FETCH_MIN_BYTES}. It is
     * the most a breaker transition waits on top of the feedback's own trip; health is a 30 s window.
     */
    static final int OUTCOMES_FETCH_MAX_WAIT_MS = 50;
    /** About 35 jobs' result and feedback: under load a fetch carries dozens of outcomes, not one. */
    static final int OUTCOMES_FETCH_MIN_BYTES = 64 * 1024;

    /**
     * The outcomes application: the routing properties (and overrides) with its own id, one thread, batched
     * fetches and at-least-once whatever the router's guarantee. What it writes is last-value by key (a
     * deployment's snapshot, a cache entry), so a replay after a crash rewrites the same values; a
     * transaction per commit would buy nothing the routing decisions could tell apart.
     */
    static Properties outcomesProperties(RouterConfig c) {
        Properties p = streamsProperties(c);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, c.applicationId() + OUTCOMES_SUFFIX);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, RouterConfig.AT_LEAST_ONCE_COMMIT_INTERVAL.toMillis());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.putIfAbsent(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), OUTCOMES_FETCH_MAX_WAIT_MS);
        p.putIfAbsent(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), OUTCOMES_FETCH_MIN_BYTES);
        return p;
    }

    private void ensureProviderTopics(Catalog catalog) {
        Set<String> missing = new LinkedHashSet<>();
        for (DeploymentSpec d : catalog.getDeployments()) {
            if (!provisionedProviders.contains(d.getProvider())) {
                missing.add(d.getProvider());
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        // Off the global thread: topic creation talks to the controller and may take a while.
        provisioning.submit(() -> {
            try {
                new TopicProvisioner(admin).ensure(missing.stream().map(config.topics()::providerTopic).toList());
                provisionedProviders.addAll(missing);
            } catch (RuntimeException e) {
                log.warn("could not create provider topics {}: {}", missing, e.getMessage());
            }
        });
    }

    private void provisionFromStore() {
        try {
            ReadOnlyKeyValueStore<String, byte[]> store = streams.store(StoreQueryParameters.fromNameAndType(
                    RouterGraph.CONFIG_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore()));
            byte[] bytes = store.get(ConfigKeys.CATALOG);
            if (bytes != null) {
                ConfigRecord r = serdes.serde(ConfigRecord.class).deserializer().deserialize(config.topics().config(), bytes);
                if (r != null && r.getCatalog() != null) {
                    ensureProviderTopics(r.getCatalog());
                }
            }
        } catch (RuntimeException e) {
            log.warn("could not read the catalog to provision provider topics: {}", e.toString());
        }
    }

    /** State of the routing application. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** State of the outcomes application (feedback to health, results to the cache). */
    public KafkaStreams.State outcomesState() {
        return outcomes.state();
    }

    /** Both applications are running. */
    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING && outcomes.state() == KafkaStreams.State.RUNNING;
    }

    /** This instance's copy of the health table (its global store), decoded. */
    public Map<String, HealthSnapshot> healthTable() {
        ReadOnlyKeyValueStore<String, byte[]> store = streams.store(StoreQueryParameters.fromNameAndType(
                RouterGraph.HEALTH_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore()));
        Deserializer<HealthSnapshot> decoder = serdes.serde(HealthSnapshot.class).deserializer();
        Map<String, HealthSnapshot> out = new HashMap<>();
        try (var all = store.all()) {
            all.forEachRemaining(kv -> {
                try {
                    out.put(kv.key, decoder.deserialize(config.topics().health(), kv.value));
                } catch (RuntimeException e) {
                    log.debug("skipping undecodable health entry {}", kv.key);
                }
            });
        }
        return new TreeMap<>(out);
    }

    /**
     * Decisions of this instance since it started, summed over its tasks: routed, failover, probe,
     * spread, parked, released, failed, deduped, undecodable.
     */
    public Map<String, Double> decisionCounts() {
        Map<String, Double> out = new TreeMap<>();
        streams.metrics().forEach((name, metric) -> {
            if (name.group().equals("stream-" + RouterGraph.METRICS_SCOPE + "-metrics") && name.name().endsWith("-total")) {
                String decision = name.name().substring(0, name.name().length() - "-total".length());
                out.merge(decision, ((Number) metric.metricValue()).doubleValue(), Double::sum);
            }
        });
        return out;
    }

    @Override
    public void close() {
        // Leave the group: otherwise the instance taking over waits a whole session timeout for
        // this one's partitions, and their parked jobs wait with it.
        KafkaStreams.CloseOptions leave = new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30));
        streams.close(leave);
        outcomes.close(leave);
        provisioning.shutdownNow();
        admin.close(Duration.ofSeconds(5));
        log.info("router {} stopped", config.instanceId());
    }
}
