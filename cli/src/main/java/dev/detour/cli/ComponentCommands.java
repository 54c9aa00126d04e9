package dev.detour.cli;

import dev.detour.cli.component.AdminEndpoint;
import dev.detour.cli.component.ComponentMetrics;
import dev.detour.cli.component.Components;
import dev.detour.cli.component.ConfigTopicReader;
import dev.detour.cli.config.DetourConfig;
import dev.detour.cli.security.ComponentAccess;
import dev.detour.core.TopicProvisioner;
import dev.detour.core.catalog.CatalogLoader;
import dev.detour.core.catalog.CatalogOptions;
import dev.detour.core.config.ConfigPublisher;
import dev.detour.ledger.Ledger;
import dev.detour.ledger.LedgerConfig;
import dev.detour.providers.ProviderAdapters;
import dev.detour.providers.simulator.ProviderSimulator;
import dev.detour.registry.RegistryConfig;
import dev.detour.registry.SchemaRegistryServer;
import dev.detour.router.Router;
import dev.detour.router.RouterConfig;
import dev.detour.schema.Catalog;
import dev.detour.worker.AdapterRegistry;
import dev.detour.worker.DeploymentCatalog;
import dev.detour.worker.Worker;
import dev.detour.worker.WorkerConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code detour router|worker|ledger|registry|simulator|catalog}: each component alone against a real cluster. */
final class ComponentCommands {
    private ComponentCommands() {}

    /** Creates the fixed topics if missing (idempotent), so any component can be the first one started. */
    static void provision(DetourConfig c) {
        provision(c, null);
    }

    /** Also the provider topics of a catalog: a worker subscribed before they exist would only see them minutes later. */
    static void provision(DetourConfig c, Catalog catalog) {
        Properties admin = new Properties();
        admin.putAll(c.kafkaClientProperties());
        admin.put("bootstrap.servers", c.bootstrapServers());
        List<dev.detour.core.Topics.TopicSpec> specs = new java.util.ArrayList<>(c.topics().fixed());
        if (catalog != null) {
            catalog.getProviders().forEach(p -> specs.add(c.topics().providerTopic(p.getName())));
        }
        try (Admin a = Admin.create(admin)) {
            new TopicProvisioner(a).ensure(specs);
        }
    }

    /** Fails with one line naming the topic and the missing operations when this principal lacks an ACL it needs. */
    static void checkAccess(DetourConfig c, ComponentAccess access) {
        Properties p = new Properties();
        p.putAll(c.kafkaClientProperties());
        p.put("bootstrap.servers", c.bootstrapServers());
        try (Admin a = Admin.create(p)) {
            access.verify(a);
        } catch (ComponentAccess.AccessDeniedException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** The router's own settings: everything under router. except the admin endpoint's keys, which are the CLI's. */
    static java.util.Map<String, String> routerSettings(DetourConfig c) {
        java.util.Map<String, String> settings = new java.util.LinkedHashMap<>(c.subtree("router"));
        settings.keySet().removeIf(k -> k.startsWith("admin."));
        return settings;
    }

    @Command(name = "router", description = "Run the router (Kafka Streams) against a cluster.")
    static final class RouterCmd implements Callable<Integer> {
        @Mixin ConnectionOptions connection;

        @Override
        public Integer call() throws Exception {
            DetourConfig c = connection.config();
            ConnectionOptions.checkReachable(c);
            RouterConfig rc;
            try {
                rc = dev.detour.router.RouterSettings.apply(RouterConfig.defaults(c.bootstrapServers(), c.registryUrl())
                        .withTopics(c.topics())
                        .withStreamsOverrides(c.kafkaClientProperties()), routerSettings(c));
            } catch (IllegalArgumentException e) {
                throw new UserError("bad router config: " + e.getMessage());
            }
            checkAccess(c, ComponentAccess.router(rc.topics(), rc.applicationId()));
            Router router = Router.start(rc);
            AdminEndpoint admin = AdminEndpoint.start(c.get("router.admin.host", "0.0.0.0"), c.getInt("router.admin.port", 9405),
                    router::isRunning, () -> ComponentMetrics.router(router));
            System.err.println("router: health and metrics on port " + admin.port());
            return Components.runUntilStopped("router", () -> {
                admin.close();
                router.close();
            });
        }
    }

    @Command(name = "worker", description = "Run a worker: call providers for the provider topics.")
    static final class WorkerCmd implements Callable<Integer> {
        @Mixin ConnectionOptions connection;

        @Override
        public Integer call() throws Exception {
            DetourConfig c = connection.config();
            java.util.Map<String, String> kafkaProps = new java.util.HashMap<>(c.kafkaClientProperties());
            // Provider topics added by a later catalog are found by the pattern subscription at the next metadata refresh.
            kafkaProps.putIfAbsent("metadata.max.age.ms", "10000");
            WorkerConfig.Builder wc = WorkerConfig.builder(c.bootstrapServers(), c.registryUrl())
                    .topicPrefix(c.topics().prefix())
                    .groupId(c.get("worker.group.id", "detour-worker"))
                    .maxInFlightTotal(c.getInt("worker.max.in.flight", 10_000))
                    .maxInFlightPerProvider(c.getInt("worker.max.in.flight.per.provider", 5_000))
                    .metricsPort(c.getInt("worker.metrics.port", 9404))
                    .jmx(c.getBoolean("worker.jmx", true))
                    .kafkaProperties(kafkaProps);
            c.get("worker.providers").ifPresent(p -> wc.providers(Arrays.stream(p.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()));
            c.get("worker.instance.id").ifPresent(wc::instanceId);
            WorkerConfig workerConfig = wc.build(); // every value parsed before anything connects
            ConnectionOptions.checkReachable(c);
            provision(c);
            checkAccess(c, ComponentAccess.worker(c.topics(), workerConfig.groupId()));
            ConfigTopicReader configTopic = new ConfigTopicReader(c);
            if (configTopic.catalog() == null) {
                configTopic.close();
                throw new UserError("no catalog on " + c.topics().config() + "; publish one first: detour catalog [FILE]");
            }
            provision(c, configTopic.catalog());
            DeploymentCatalog catalog = DeploymentCatalog.following(configTopic::catalog);
            Worker worker = Worker.start(workerConfig, AdapterRegistry.forCatalog(catalog, ProviderAdapters.defaultHttpClient()), catalog);
            return Components.runUntilStopped("worker", () -> {
                worker.close();
                configTopic.close();
            });
        }
    }

    @Command(name = "ledger", description = "Run the cost ledger (exactly-once) and its HTTP query API.")
    static final class LedgerCmd implements Callable<Integer> {
        @Mixin ConnectionOptions connection;

        @Override
        public Integer call() throws Exception {
            DetourConfig c = connection.config();
            ConnectionOptions.checkReachable(c);
            LedgerConfig lc = LedgerConfig.forRegistry(c.bootstrapServers(), c.registryUrl(),
                            Path.of(c.get("ledger.state.dir", System.getProperty("java.io.tmpdir") + "/detour-ledger")))
                    .withTopics(c.topics())
                    .withApplicationId(c.get("ledger.application.id", LedgerConfig.DEFAULT_APPLICATION_ID))
                    .withHttp(c.get("ledger.http.host", "0.0.0.0"), c.getInt("ledger.http.port", LedgerConfig.DEFAULT_HTTP_PORT),
                            c.get("ledger.advertised.host", "127.0.0.1"))
                    .withClientProperties(c.kafkaClientProperties());
            provision(c);
            checkAccess(c, ComponentAccess.ledger(c.topics(), lc.applicationId()));
            Ledger ledger = Ledger.start(lc);
            System.err.println("ledger: HTTP API at " + ledger.httpUrl());
            dev.detour.ledger.LedgerClient self = new dev.detour.ledger.LedgerClient(ledger.httpUrl());
            AdminEndpoint admin = AdminEndpoint.start(c.get("ledger.admin.host", "0.0.0.0"), c.getInt("ledger.admin.port", 9406),
                    ledger::isRunning, () -> ComponentMetrics.ledger(self, ledger.isRunning()));
            return Components.runUntilStopped("ledger", () -> {
                admin.close();
                ledger.close();
            });
        }
    }

    @Command(name = "registry", description = "Run the schema registry (Confluent REST API subset) backed by a compacted topic.")
    static final class RegistryCmd implements Callable<Integer> {
        @Mixin ConnectionOptions connection;

        @Override
        public Integer call() throws Exception {
            DetourConfig c = connection.config();
            ConnectionOptions.checkReachable(c);
            RegistryConfig rc = RegistryConfig.of(c.bootstrapServers())
                    .withTopic(c.get("registry.topic", c.topics().schemas()))
                    .withListener(c.get("registry.host", "0.0.0.0"), c.getInt("registry.port", RegistryConfig.DEFAULT_PORT))
                    .withKafkaClientProps(c.kafkaClientProperties());
            SchemaRegistryServer server = SchemaRegistryServer.start(rc);
            System.err.println("registry: " + server.url());
            AdminEndpoint admin = AdminEndpoint.start(c.get("registry.admin.host", "0.0.0.0"), c.getInt("registry.admin.port", 9407),
                    () -> true, () -> "# TYPE detour_registry_up gauge\ndetour_registry_up 1\n");
            return Components.runUntilStopped("registry", () -> {
                admin.close();
                server.close();
            });
        }
    }

    @Command(name = "simulator", description = "Run the provider simulator (OpenAI, Anthropic, Gemini wire protocols).")
    static final class SimulatorCmd implements Callable<Integer> {
        @picocli.CommandLine.Option(names = "--host", defaultValue = "127.0.0.1", description = "Listen address (default: ${DEFAULT-VALUE}).")
        String host;
        @picocli.CommandLine.Option(names = "--port", defaultValue = "8089", description = "Port (default: ${DEFAULT-VALUE}).")
        int port;
        @picocli.CommandLine.Option(names = "--seed", defaultValue = "42", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
        long seed;
        @picocli.CommandLine.Option(names = "--script", description = "provider=file.json: a script for a provider (see docs/providers.md).")
        List<String> scripts = List.of();

        @Override
        public Integer call() throws Exception {
            List<String> args = new java.util.ArrayList<>(List.of("--host", host, "--port", Integer.toString(port), "--seed", Long.toString(seed)));
            scripts.forEach(s -> {
                args.add("--script");
                args.add(s);
            });
            ProviderSimulator.main(args.toArray(String[]::new));
            return 0;
        }
    }

    @Command(name = "kafka", description = "Run a single-node Kafka broker (KRaft, Apache Kafka's own server) for local use.")
    static final class KafkaCmd implements Callable<Integer> {
        @picocli.CommandLine.Option(names = "--port", description = "Client port (default: ${DEFAULT-VALUE}).", defaultValue = "9092")
        int port;

        @picocli.CommandLine.Option(names = "--data-dir", description = "Data directory kept across restarts (default: a temporary one).")
        Path dataDir;

        @Override
        public Integer call() throws Exception {
            dev.detour.kafka.EmbeddedKafka.Builder b = dev.detour.kafka.EmbeddedKafka.builder().brokerPort(port);
            if (dataDir != null) {
                b.dataDir(dataDir);
            }
            dev.detour.kafka.EmbeddedKafka kafka = b.build().start();
            System.err.println("kafka: " + kafka.bootstrapServers());
            return Components.runUntilStopped("kafka", kafka);
        }
    }

    @Command(name = "catalog", description = "Validate a catalog and publish it to the config topic (every component picks it up live).")
    static final class CatalogCmd implements Callable<Integer> {
        @Mixin ConnectionOptions connection;

        @Parameters(index = "0", arity = "0..1", description = "Catalog YAML (default: the bundled default catalog).")
        Path file;

        @picocli.CommandLine.Option(names = "--dry-run", description = "Validate only.")
        boolean dryRun;

        @picocli.CommandLine.Option(names = "--simulator", description = "Point every provider at the provider simulator at this root URL (e.g. http://127.0.0.1:8089).")
        String simulator;

        @Override
        public Integer call() {
            Catalog catalog;
            try {
                catalog = file == null ? CatalogLoader.loadDefault() : CatalogLoader.load(file, CatalogOptions.DEFAULT);
                if (simulator != null) {
                    java.util.Map<String, String> overrides = new java.util.LinkedHashMap<>();
                    catalog.getProviders().forEach(p -> overrides.put(p.getName(),
                            ProviderSimulator.baseUrl(simulator, p.getName(), p.getApiFamily())));
                    CatalogOptions options = new CatalogOptions(overrides, true);
                    catalog = file == null ? CatalogLoader.loadResource(CatalogLoader.DEFAULT_RESOURCE, options) : CatalogLoader.load(file, options);
                }
            } catch (dev.detour.core.catalog.CatalogException | java.io.UncheckedIOException e) {
                throw new UserError(e.getMessage());
            }
            System.err.printf("catalog %s: %d providers, %d deployments, %d groups%n", catalog.getVersion(),
                    catalog.getProviders().size(), catalog.getDeployments().size(), catalog.getGroups().size());
            if (dryRun) {
                return 0;
            }
            DetourConfig c = connection.config();
            ConnectionOptions.checkReachable(c);
            provision(c, catalog);
            checkAccess(c, ComponentAccess.configPublisher("catalog", c.topics()));
            try (ConfigPublisher publisher = new ConfigPublisher(c.bootstrapServers(), c.registryUrl(), c.topics(), c.kafkaClientProperties())) {
                if (simulator != null) {
                    publisher.publishUnchecked(catalog); // loopback simulator URLs are private on purpose
                } else {
                    publisher.publishCatalog(catalog);
                }
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            System.err.println("published to " + c.topics().config());
            return 0;
        }
    }
}
