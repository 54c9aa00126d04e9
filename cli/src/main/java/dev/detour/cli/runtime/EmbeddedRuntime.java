package dev.detour.cli.runtime;

import dev.detour.core.ScratchDirectory;
import dev.detour.core.TopicProvisioner;
import dev.detour.core.Topics;
import dev.detour.core.catalog.CatalogLoader;
import dev.detour.core.catalog.CatalogOptions;
import dev.detour.core.config.ConfigPublisher;
import dev.detour.kafka.EmbeddedKafka;
import dev.detour.ledger.Ledger;
import dev.detour.ledger.LedgerConfig;
import dev.detour.providers.ApiKeySource;
import dev.detour.providers.ProviderAdapters;
import dev.detour.providers.simulator.ProviderScript;
import dev.detour.providers.simulator.ProviderSimulator;
import dev.detour.providers.simulator.SimulatorConfig;
import dev.detour.registry.RegistryConfig;
import dev.detour.registry.SchemaRegistryServer;
import dev.detour.router.Router;
import dev.detour.router.RouterConfig;
import dev.detour.schema.Catalog;
import dev.detour.schema.ProviderSpec;
import dev.detour.schema.TenantPolicy;
import dev.detour.worker.AdapterRegistry;
import dev.detour.worker.DeploymentCatalog;
import dev.detour.worker.Worker;
import dev.detour.worker.WorkerConfig;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one JVM on the embedded broker: registry, simulated providers, router,
 * workers and ledger, wired exactly as separate processes would be (through Kafka topics and the
 * registry's REST API). Used by {@code detour demo} and by the end-to-end tests.
 */
public final class EmbeddedRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedRuntime.class);

    /**
     * How to start the runtime.
     *
     * @param clientProperties Kafka client settings per role (operator, registry, router, worker, ledger),
     *                         e.g. SASL credentials: each component connects as its own principal
     * @param providerKeys     where the workers' adapters take each provider's keys from; null for the
     *                         simulator's fixed key per provider ({@link #simulatedKey}), which the
     *                         simulator then also requires. With keys of your own, the scripts say
     *                         which keys the simulator accepts ({@link ProviderScript#withExpectedKeys}).
     */
    public record Options(String bootstrapServers, String catalogResource, int workers, int partitions,
                          Map<String, ProviderScript> scripts, List<TenantPolicy> tenants, long seed,
                          Map<String, Map<String, String>> clientProperties, String topicPrefix,
                          Function<ProviderSpec, ApiKeySource> providerKeys) {
        public static Options demo() {
            return new Options(null, CatalogLoader.DEMO_RESOURCE, 2, 6, Map.of(), List.of(), 42, Map.of(), null, null);
        }

        /** The workers read provider keys from here (e.g. {@code ApiKeySource::of} on a catalog whose keyFile is a secrets directory). */
        public Options withProviderKeys(Function<ProviderSpec, ApiKeySource> keys) {
            return new Options(bootstrapServers, catalogResource, workers, partitions, scripts, tenants, seed, clientProperties, topicPrefix, keys);
        }

        public Options withScripts(Map<String, ProviderScript> s) {
            return new Options(bootstrapServers, catalogResource, workers, partitions, s, tenants, seed, clientProperties, topicPrefix, providerKeys);
        }

        public Options withTenants(List<TenantPolicy> t) {
            return new Options(bootstrapServers, catalogResource, workers, partitions, scripts, t, seed, clientProperties, topicPrefix, providerKeys);
        }

        public Options withWorkers(int n) {
            return new Options(bootstrapServers, catalogResource, n, partitions, scripts, tenants, seed, clientProperties, topicPrefix, providerKeys);
        }

        /** An existing cluster instead of the embedded broker (topics get a fresh prefix). */
        public Options withBootstrapServers(String servers) {
            return new Options(servers, catalogResource, workers, partitions, scripts, tenants, seed, clientProperties, topicPrefix, providerKeys);
        }

        /** Kafka client settings (security) of one role: operator, registry, router, worker or ledger. */
        public Options withClientProperties(String role, Map<String, String> props) {
            Map<String, Map<String, String>> all = new HashMap<>(clientProperties);
            all.put(role, Map.copyOf(props));
            return new Options(bootstrapServers, catalogResource, workers, partitions, scripts, tenants, seed, Map.copyOf(all), topicPrefix, providerKeys);
        }

        /** A fixed topic prefix on an existing cluster (default: a fresh one per start). */
        public Options withTopicPrefix(String prefix) {
            return new Options(bootstrapServers, catalogResource, workers, partitions, scripts, tenants, seed, clientProperties, prefix, providerKeys);
        }

        Map<String, String> client(String role) {
            return clientProperties.getOrDefault(role, Map.of());
        }
    }

    private final List<AutoCloseable> started = new ArrayList<>();
    /** Router and ledger state, deleted on close. */
    private final ScratchDirectory stateDir = ScratchDirectory.create("detour-runtime-");
    private EmbeddedKafka kafka;
    private String bootstrapServers;
    private SchemaRegistryServer registry;
    private ProviderSimulator simulator;
    private Catalog catalog;
    private Topics topics;
    private Router router;
    private final List<Worker> workers = new ArrayList<>();
    private Ledger ledger;

    private EmbeddedRuntime() {
    }

    public static EmbeddedRuntime start(Options options) {
        EmbeddedRuntime rt = new EmbeddedRuntime();
        try {
            rt.boot(options);
            return rt;
        } catch (RuntimeException e) {
            rt.close();
            throw e;
        }
    }

    private void boot(Options o) {
        if (o.bootstrapServers() == null) {
            kafka = EmbeddedKafka.builder().build().start();
            started.add(kafka);
            bootstrapServers = kafka.bootstrapServers();
            topics = new Topics(Topics.DEFAULT_PREFIX, o.partitions(), (short) 1);
        } else {
            bootstrapServers = o.bootstrapServers();
            topics = new Topics(o.topicPrefix() != null ? o.topicPrefix() : "demo" + System.currentTimeMillis() + ".",
                    o.partitions(), (short) 1);
        }

        registry = SchemaRegistryServer.start(RegistryConfig.of(bootstrapServers).withTopic(topics.schemas())
                .withKafkaClientProps(o.client("registry")));
        started.add(registry);

        simulator = ProviderSimulator.start(SimulatorConfig.defaults().withSeed(o.seed()));
        started.add(simulator);
        Catalog declared = CatalogLoader.loadResource(o.catalogResource(), CatalogOptions.DEFAULT);
        catalog = CatalogLoader.loadResource(o.catalogResource(),
                new CatalogOptions(simulator.baseUrlOverrides(declared), true));
        for (ProviderSpec p : catalog.getProviders()) {
            ProviderScript script = o.scripts().getOrDefault(p.getName(), defaultScript());
            simulator.script(p.getName(), o.providerKeys() == null ? script.withExpectedKey(simulatedKey(p)) : script);
        }

        Map<String, Object> adminProps = new HashMap<>(o.client("operator"));
        adminProps.put("bootstrap.servers", bootstrapServers);
        try (Admin admin = Admin.create(adminProps)) {
            List<Topics.TopicSpec> all = new ArrayList<>(topics.fixed());
            catalog.getProviders().forEach(p -> all.add(topics.providerTopic(p.getName())));
            new TopicProvisioner(admin).ensure(all);
        }
        try (ConfigPublisher config = new ConfigPublisher(bootstrapServers, registry.url(), topics, o.client("operator"))) {
            config.publishUnchecked(catalog);
            o.tenants().forEach(config::publishTenant);
        }

        router = Router.start(RouterConfig.defaults(bootstrapServers, registry.url())
                .withTopics(topics)
                .withApplicationId(topics.prefix() + "router")
                .withStateDir(stateDir.path().resolve("router"))
                .withInMemoryState(true)
                .withStreamsOverrides(o.client("router")));
        started.add(router);

        HttpClient http = ProviderAdapters.defaultHttpClient();
        AdapterRegistry adapters = AdapterRegistry.of(ProviderAdapters.forCatalog(catalog,
                o.providerKeys() != null ? o.providerKeys() : spec -> ApiKeySource.literal(simulatedKey(spec)), http));
        for (int i = 0; i < o.workers(); i++) {
            Worker w = Worker.start(WorkerConfig.builder(bootstrapServers, registry.url())
                    .topicPrefix(topics.prefix())
                    .providers(catalog.getProviders().stream().map(ProviderSpec::getName).toList())
                    .groupId(topics.prefix() + "worker")
                    .instanceId("worker-" + (i + 1))
                    .metricsPort(-1)
                    .jmx(false)
                    .kafkaProperties(o.client("worker"))
                    .build(), adapters, DeploymentCatalog.of(catalog));
            workers.add(w);
            started.add(w);
        }

        ledger = Ledger.start(LedgerConfig.forRegistry(bootstrapServers, registry.url(), stateDir.path().resolve("ledger"))
                .withTopics(topics)
                .withApplicationId(topics.prefix() + "ledger")
                .withHttp("127.0.0.1", 0, "127.0.0.1")
                .withClientProperties(o.client("ledger")));
        started.add(ledger);
        log.info("embedded runtime up: kafka {}, registry {}, simulator :{}, {} worker(s), ledger {}",
                bootstrapServers, registry.url(), simulator.port(), workers.size(), ledger.httpUrl());
    }

    /** A key the simulator expects; it stands in for a real provider key and is never logged. */
    public static String simulatedKey(ProviderSpec p) {
        return "sim-" + p.getName() + "-key";
    }

    /** Healthy provider: a few hundred milliseconds, with a realistic tail. */
    public static ProviderScript defaultScript() {
        return ProviderScript.healthy().withLatency(ProviderScript.Latency.lognormal(250, 0.4, 3_000));
    }

    public String bootstrapServers() { return bootstrapServers; }
    public String registryUrl() { return registry.url(); }
    public Topics topics() { return topics; }
    public Catalog catalog() { return catalog; }
    public ProviderSimulator simulator() { return simulator; }
    public Router router() { return router; }
    public List<Worker> workers() { return List.copyOf(workers); }
    public Ledger ledger() { return ledger; }

    /** Client properties for anything else that connects to this runtime's cluster. */
    public Map<String, String> clientProperties() {
        Map<String, String> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }

    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("kafka", bootstrapServers);
        d.put("registry", registry.url());
        d.put("simulator", "http://127.0.0.1:" + simulator.port());
        d.put("ledger", ledger.httpUrl().toString());
        return d;
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                log.warn("stopping {} failed: {}", started.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        started.clear();
        stateDir.close();
    }
}
