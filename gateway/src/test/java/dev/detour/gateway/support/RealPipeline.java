package dev.detour.gateway.support;

import dev.detour.core.catalog.CatalogIndex;
import dev.detour.providers.ApiKeySource;
import dev.detour.providers.ProviderAdapters;
import dev.detour.providers.simulator.ProviderScript;
import dev.detour.providers.simulator.ProviderSimulator;
import dev.detour.providers.simulator.SimulatorConfig;
import dev.detour.router.Router;
import dev.detour.router.RouterConfig;
import dev.detour.schema.ApiFamily;
import dev.detour.schema.BudgetLevel;
import dev.detour.schema.BudgetState;
import dev.detour.schema.Catalog;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.ModelGroup;
import dev.detour.schema.ProviderSpec;
import dev.detour.schema.Tier;
import dev.detour.schema.UnitPrices;
import dev.detour.schemas.serde.AvroSerde;
import dev.detour.schemas.serde.SchemaRegistryClients;
import dev.detour.testkit.KafkaCluster;
import dev.detour.worker.AdapterRegistry;
import dev.detour.worker.DeploymentCatalog;
import dev.detour.worker.Worker;
import dev.detour.worker.WorkerConfig;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The real pipeline behind the gateway: provider simulator, router and worker on the test broker.
 * Providers: alpha (cheapest, so chosen first) and beta, both OpenAI-compatible, serving group "chat".
 */
public final class RealPipeline implements AutoCloseable {
    public final ProviderSimulator simulator;
    public final Catalog catalog;
    private final Router router;
    private final Worker worker;
    private final TestBed bed;

    public RealPipeline(KafkaCluster kafka, TestBed bed) throws Exception {
        this.bed = bed;
        this.simulator = ProviderSimulator.start(SimulatorConfig.defaults().withSeed(11));
        simulator.script("alpha", ProviderScript.healthy().withLatency(ProviderScript.Latency.fixed(5)));
        simulator.script("beta", ProviderScript.healthy().withLatency(ProviderScript.Latency.fixed(5)));
        this.catalog = Catalog.newBuilder()
                .setVersion("gw-e2e-1")
                .setProviders(List.of(provider("alpha"), provider("beta")))
                .setDeployments(List.of(deployment("alpha", "small-a", 100_000, 400_000),
                        deployment("beta", "small-b", 300_000, 1_200_000)))
                .setGroups(List.of(ModelGroup.newBuilder().setName("chat").setModels(List.of("small-a", "small-b")).build()))
                .build();
        bed.publishConfig("catalog", ConfigRecord.newBuilder().setCatalog(catalog).build());

        Map<String, String> clientProps = new HashMap<>();
        kafka.clientProperties().forEach((k, v) -> clientProps.put(k.toString(), v.toString()));
        this.router = Router.start(RouterConfig.defaults(kafka.bootstrapServers(), bed.registryUrl)
                .withTopics(bed.topics)
                .withApplicationId(bed.topics.prefix() + "router")
                .withInstanceId("gw-router")
                .withStateDir(Files.createTempDirectory("gw-router"))
                .withInMemoryState(true)
                .withStreamsOverrides(clientProps));
        var adapters = ProviderAdapters.forCatalog(catalog, p -> ApiKeySource.literal("sk-sim"),
                ProviderAdapters.defaultHttpClient());
        this.worker = Worker.start(WorkerConfig.builder(kafka.bootstrapServers(), bed.registryUrl)
                        .topicPrefix(bed.topics.prefix()).providers(List.of("alpha", "beta"))
                        .groupId(bed.topics.prefix() + "workers").instanceId("gw-worker")
                        .kafkaProperties(clientProps).build(),
                AdapterRegistry.of(adapters), DeploymentCatalog.of(CatalogIndex.of(catalog)));
    }

    public boolean running() {
        return router.state() == KafkaStreams.State.RUNNING;
    }

    /** Marks a tenant's budget exhausted, as the ledger would. */
    public void exhaustBudget(String tenant) throws Exception {
        try (var producer = new KafkaProducer<>(bed.kafka.clientProperties(), new StringSerializer(),
                new AvroSerde<>(BudgetState.class, SchemaRegistryClients.forUrl(bed.registryUrl)).serializer())) {
            producer.send(new ProducerRecord<>(bed.topics.budgets(), tenant, BudgetState.newBuilder().setTenant(tenant)
                    .setLevel(BudgetLevel.EXHAUSTED).setPeriod("day:test").setSpentMicros(5_000_000)
                    .setLimitMicros(1_000_000L).setUpdatedAtMs(System.currentTimeMillis()).build())).get();
        }
    }

    private ProviderSpec provider(String name) {
        return ProviderSpec.newBuilder().setName(name).setApiFamily(ApiFamily.OPENAI_COMPATIBLE)
                .setBaseUrl(simulator.baseUrlFor(name, ApiFamily.OPENAI_COMPATIBLE)).setRegion("us").build();
    }

    private static DeploymentSpec deployment(String provider, String model, long in, long out) {
        return DeploymentSpec.newBuilder().setId(provider + "/" + model).setProvider(provider).setModel(model)
                .setProviderModel(model).setGroups(List.of("chat")).setTier(Tier.PRIMARY).setContextWindow(128_000)
                .setPrices(UnitPrices.newBuilder().setInputPerMillionMicros(in).setOutputPerMillionMicros(out).build())
                .build();
    }

    @Override
    public void close() {
        worker.close();
        router.close();
        simulator.close();
    }
}
