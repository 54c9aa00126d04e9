package dev.detour.router.testing;

import dev.detour.core.Topics;
import dev.detour.router.RecordSerdes;
import dev.detour.router.RouterConfig;
import dev.detour.router.RouterTopology;
import dev.detour.schema.AttemptOutcome;
import dev.detour.schema.BudgetState;
import dev.detour.schema.Catalog;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.DeadLetter;
import dev.detour.schema.HealthSnapshot;
import dev.detour.schema.ProviderDrain;
import dev.detour.schema.RoutedRequest;
import dev.detour.schema.TenantPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * A router under TopologyTestDriver with a mocked wall clock: one driver per application (routing,
 * outcomes), and the broker's loops between them closed by hand: health snapshots and cache entries
 * the outcomes application writes are relayed into the topics the routing application's global stores
 * read, and config goes to both.
 */
public final class RouterHarness implements AutoCloseable {
    public static final long T0 = 1_800_000_000_000L;

    public final RouterConfig config;
    public final Topics topics;
    private final dev.detour.schemas.serde.SchemaRegistryClients.MockRegistry registry =
            dev.detour.schemas.serde.SchemaRegistryClients.freshMock("router-ttd");
    private final RecordSerdes serdes;
    private final TopologyTestDriver driver;
    private final TopologyTestDriver outcomes;
    private final TestInputTopic<String, ConfigRecord> configIn;
    private final TestInputTopic<String, ConfigRecord> outcomesConfigIn;
    private final TestInputTopic<String, dev.detour.schema.CachedAnswer> cacheIn;
    private final TestOutputTopic<String, DeadLetter> outcomesDeadLetterOut;
    private final List<dev.detour.schema.CachedAnswer> cacheWritten = new ArrayList<>();
    private final TestInputTopic<String, CompletionRequest> requestsIn;
    private final TestInputTopic<String, byte[]> requestsRaw;
    private final TestInputTopic<String, RoutedRequest> retriesIn;
    private final TestInputTopic<String, AttemptOutcome> feedbackIn;
    private final TestInputTopic<String, HealthSnapshot> healthIn;
    private final TestInputTopic<String, BudgetState> budgetsIn;
    private final TestOutputTopic<String, HealthSnapshot> healthOut;
    private final TestOutputTopic<String, CompletionResult> resultsOut;
    private final TestOutputTopic<String, DeadLetter> deadLetterOut;
    private final TestInputTopic<String, CompletionResult> resultsIn;
    private final TestOutputTopic<String, dev.detour.schema.CachedAnswer> cacheOut;
    private final TestOutputTopic<String, dev.detour.schema.UsageRecord> usageOut;
    private final List<String> providers = new ArrayList<>();

    public RouterHarness(UnaryOperator<RouterConfig> tweak) {
        this.serdes = RecordSerdes.forUrl(registry.url());
        this.topics = Topics.defaults();
        this.config = tweak.apply(RouterConfig.defaults("unused:9092", "mock://router-test")
                .withInstanceId("test-router").withInMemoryState(true));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "router-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/router-ttd-" + System.nanoTime());
        driver = new TopologyTestDriver(RouterTopology.routing(config, serdes), props, Instant.ofEpochMilli(T0));
        Properties outcomeProps = new Properties();
        outcomeProps.putAll(props);
        outcomeProps.put(StreamsConfig.APPLICATION_ID_CONFIG, "router-test-outcomes");
        outcomeProps.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/router-ttd-o-" + System.nanoTime());
        outcomes = new TopologyTestDriver(RouterTopology.outcomes(config, serdes), outcomeProps, Instant.ofEpochMilli(T0));
        StringSerializer ks = new StringSerializer();
        configIn = driver.createInputTopic(topics.config(), ks, serdes.serde(ConfigRecord.class).serializer());
        requestsIn = driver.createInputTopic(topics.requests(), ks, serdes.serde(CompletionRequest.class).serializer());
        requestsRaw = driver.createInputTopic(topics.requests(), ks, new ByteArraySerializer());
        retriesIn = driver.createInputTopic(topics.retries(), ks, serdes.serde(RoutedRequest.class).serializer());
        outcomesConfigIn = outcomes.createInputTopic(topics.config(), ks, serdes.serde(ConfigRecord.class).serializer());
        cacheIn = driver.createInputTopic(topics.cache(), ks, serdes.serde(dev.detour.schema.CachedAnswer.class).serializer());
        feedbackIn = outcomes.createInputTopic(topics.feedback(), ks, serdes.serde(AttemptOutcome.class).serializer());
        healthIn = driver.createInputTopic(topics.health(), ks, serdes.serde(HealthSnapshot.class).serializer());
        budgetsIn = driver.createInputTopic(topics.budgets(), ks, serdes.serde(BudgetState.class).serializer());
        StringDeserializer kd = new StringDeserializer();
        healthOut = outcomes.createOutputTopic(topics.health(), kd, serdes.serde(HealthSnapshot.class).deserializer());
        resultsOut = driver.createOutputTopic(topics.results(), kd, serdes.serde(CompletionResult.class).deserializer());
        deadLetterOut = driver.createOutputTopic(topics.deadLetter(), kd, serdes.serde(DeadLetter.class).deserializer());
        outcomesDeadLetterOut = outcomes.createOutputTopic(topics.deadLetter(), kd, serdes.serde(DeadLetter.class).deserializer());
        resultsIn = outcomes.createInputTopic(topics.results(), ks, serdes.serde(CompletionResult.class).serializer());
        cacheOut = outcomes.createOutputTopic(topics.cache(), kd, serdes.serde(dev.detour.schema.CachedAnswer.class).deserializer());
        usageOut = driver.createOutputTopic(topics.usage(), kd, serdes.serde(dev.detour.schema.UsageRecord.class).deserializer());
    }

    /** A result as a worker would publish it; the cache entries it makes reach the routing side. */
    public void workerResult(CompletionResult r) {
        resultsIn.pipeInput(r.getJobId(), r, now());
        for (var kv : cacheOut.readKeyValuesToList()) {
            cacheIn.pipeInput(kv.key, kv.value, now());
            cacheWritten.add(kv.value);
        }
    }

    /** Entries written to the cache topic since the last call. */
    public List<dev.detour.schema.CachedAnswer> cacheWrites() {
        List<dev.detour.schema.CachedAnswer> out = new ArrayList<>(cacheWritten);
        cacheWritten.clear();
        return out;
    }

    /** Usage records the router wrote (cached answers) since the last call. */
    public List<dev.detour.schema.UsageRecord> usage() {
        return usageOut.readValuesToList();
    }

    /** The feedback aggregator's stored form of a deployment's health aggregate, or null. */
    public byte[] storedHealthAggregate(String deploymentId) {
        org.apache.kafka.streams.state.KeyValueStore<String, byte[]> store = outcomes.getKeyValueStore("health-aggregates");
        return store.get(deploymentId);
    }

    public RouterHarness() {
        this(c -> c);
    }

    public long now() {
        return T0 + elapsed;
    }

    private long elapsed;

    public void advance(Duration d) {
        elapsed += d.toMillis();
        driver.advanceWallClockTime(d);
        outcomes.advanceWallClockTime(d);
        relayHealth();
    }

    private void config(String key, ConfigRecord r) {
        configIn.pipeInput(key, r, now());
        outcomesConfigIn.pipeInput(key, r, now());
    }

    public void catalog(Catalog catalog) {
        config("catalog", ConfigRecord.newBuilder().setCatalog(catalog).setUpdatedAtMs(now()).build());
        catalog.getDeployments().forEach(d -> {
            if (!providers.contains(d.getProvider())) {
                providers.add(d.getProvider());
            }
        });
    }

    public void tenant(TenantPolicy policy) {
        config("tenant/" + policy.getTenant(), ConfigRecord.newBuilder().setTenant(policy).setUpdatedAtMs(now()).build());
    }

    public void drain(String provider, boolean drained) {
        config("drain/" + provider, ConfigRecord.newBuilder()
                .setDrain(ProviderDrain.newBuilder().setProvider(provider).setDrained(drained).build())
                .setUpdatedAtMs(now()).build());
    }

    public void budget(BudgetState state) {
        budgetsIn.pipeInput(state.getTenant(), state, now());
    }

    public void request(CompletionRequest r) {
        requestsIn.pipeInput(r.getJobId(), r, now());
    }

    public void rawRequest(String key, byte[] bytes) {
        requestsRaw.pipeInput(key, bytes, now());
    }

    public void retry(RoutedRequest r) {
        retriesIn.pipeInput(r.getRequest().getJobId(), r, now());
    }

    /** Feeds one outcome and relays any health snapshot it caused. */
    public void feedback(AttemptOutcome o) {
        feedbackIn.pipeInput(o.getDeploymentId(), o, now());
        relayHealth();
    }

    /** What the broker does between the aggregator's sink and every instance's global store. */
    public List<HealthSnapshot> relayHealth() {
        List<HealthSnapshot> out = new ArrayList<>();
        for (var kv : healthOut.readKeyValuesToList()) {
            healthIn.pipeInput(kv.key, kv.value, now());
            out.add(kv.value);
        }
        return out;
    }

    /** Routed requests on every known provider topic since the last call. */
    public List<RoutedRequest> routed() {
        List<RoutedRequest> all = new ArrayList<>();
        for (String p : providers) {
            all.addAll(driver.createOutputTopic(topics.provider(p), new StringDeserializer(),
                    serdes.serde(RoutedRequest.class).deserializer()).readValuesToList());
        }
        all.sort(java.util.Comparator.comparingLong(RoutedRequest::getRoutedAtMs));
        return all;
    }

    public List<CompletionResult> results() {
        return resultsOut.readValuesToList();
    }

    /** Dead letters of both applications (the outcomes side writes those of undecodable feedback). */
    public List<DeadLetter> deadLetters() {
        List<DeadLetter> all = new ArrayList<>(deadLetterOut.readValuesToList());
        all.addAll(outcomesDeadLetterOut.readValuesToList());
        return all;
    }

    /** The registry the router's serdes use, e.g. to register a newer producer's schema. */
    public dev.detour.schemas.serde.SchemaRegistryClient registry() {
        return registry.client();
    }

    public <T extends org.apache.avro.specific.SpecificRecord> org.apache.kafka.common.serialization.Serde<T> serde(Class<T> c) {
        return serdes.serde(c);
    }

    /** Decision counters (routed, parked, released, failed, spread, ...) summed over tasks. */
    public java.util.Map<String, Double> decisionCounts() {
        java.util.Map<String, Double> out = new java.util.TreeMap<>();
        driver.metrics().forEach((name, metric) -> {
            if (name.group().equals("stream-detour-router-metrics") && name.name().endsWith("-total")) {
                out.merge(name.name().replace("-total", ""), ((Number) metric.metricValue()).doubleValue(), Double::sum);
            }
        });
        return out;
    }

    @Override
    public void close() {
        driver.close();
        outcomes.close();
        registry.close();
    }
}
