package dev.detour.bench.internal;

import dev.detour.bench.BenchEnvironment;
import dev.detour.client.DetourClient;
import dev.detour.client.DetourClientConfig;
import dev.detour.core.ScratchDirectory;
import dev.detour.core.Topics;
import dev.detour.providers.ProviderAdapters;
import dev.detour.router.Router;
import dev.detour.router.RouterConfig;
import dev.detour.router.RouterConfig.ProcessingGuarantee;
import dev.detour.schema.Catalog;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.ProviderSpec;
import dev.detour.schema.TenantPolicy;
import dev.detour.worker.AdapterRegistry;
import dev.detour.worker.DeploymentCatalog;
import dev.detour.worker.Worker;
import dev.detour.worker.WorkerConfig;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The whole pipeline on the bench broker: config published, router, worker calling the simulated
 * providers, and a client that publishes jobs and hands every result to the current sink. Provider,
 * requests and results topics carry broker append time, so a suite can see when the router sent each
 * attempt where, and when each job passed each hop ({@link HopTimeline}).
 */
public final class BenchPipeline implements AutoCloseable {
    private final Topics topics;
    private final Router router;
    private final Worker worker;
    private final DetourClient client;
    private final ScratchDirectory routerState;
    private volatile Consumer<CompletionResult> sink = r -> { };

    private BenchPipeline(Topics topics, Router router, Worker worker, DetourClient client, ScratchDirectory routerState) {
        this.topics = topics;
        this.router = router;
        this.worker = worker;
        this.client = client;
        this.routerState = routerState;
    }

    /**
     * @param tenant the bench tenant's policy, or null for the router's defaults
     * @param maxInFlight the worker's bound of calls in flight (total and per provider)
     */
    public static BenchPipeline start(BenchEnvironment env, String label, Catalog catalog, TenantPolicy tenant,
                                      ProcessingGuarantee guarantee, int maxInFlight) throws Exception {
        Topics topics = env.pipelineTopics(label);
        env.useAppendTime(java.util.List.of(topics.requests(), topics.results()));
        for (ProviderSpec p : catalog.getProviders()) {
            env.createAppendTimeTopic(topics.provider(p.getName()), BenchEnvironment.PARTITIONS);
        }
        try (KafkaProducer<String, SpecificRecord> producer = Records.producer(env.clientProperties(), env.serdes(), 0)) {
            producer.send(new ProducerRecord<>(topics.config(), "catalog",
                    ConfigRecord.newBuilder().setCatalog(catalog).build())).get();
            if (tenant != null) {
                producer.send(new ProducerRecord<>(topics.config(), "tenant/" + tenant.getTenant(),
                        ConfigRecord.newBuilder().setTenant(tenant).build())).get();
            }
        }
        ScratchDirectory routerState = ScratchDirectory.create("bench-router");
        RouterConfig routerConfig = RouterConfig.defaults(env.bootstrapServers(), env.registryUrl())
                .withTopics(topics)
                .withApplicationId(topics.prefix() + "router")
                .withInstanceId("bench-router")
                .withGuarantee(guarantee)
                .withStateDir(routerState.path())
                .withInMemoryState(true)
                .withStreamsOverrides(env.clientOverrides());
        Router router = Router.start(routerConfig, env.serdes());
        DeploymentCatalog deployments = DeploymentCatalog.of(catalog);
        WorkerConfig workerConfig = WorkerConfig.builder(env.bootstrapServers(), env.registryUrl())
                .topicPrefix(topics.prefix())
                .providers(catalog.getProviders().stream().map(ProviderSpec::getName).toList())
                .groupId(topics.prefix() + "workers")
                .instanceId("bench-worker")
                .maxInFlightTotal(maxInFlight)
                .maxInFlightPerProvider(maxInFlight)
                .kafkaProperties(env.clientOverrides())
                .build();
        Worker worker = Worker.start(workerConfig,
                AdapterRegistry.forCatalog(deployments, ProviderAdapters.defaultHttpClient()), deployments);
        DetourClient client = DetourClient.create(new DetourClientConfig(env.bootstrapServers(), env.registryUrl(),
                topics.prefix(), env.clientOverrides()));
        BenchPipeline pipeline = new BenchPipeline(topics, router, worker, client, routerState);
        client.addListener(r -> pipeline.sink.accept(r));
        return pipeline;
    }

    public Topics topics() {
        return topics;
    }

    public DetourClient client() {
        return client;
    }

    public Worker worker() {
        return worker;
    }

    /** Where results go from now on (results of jobs a sink does not know are its to ignore). */
    public void sink(Consumer<CompletionResult> next) {
        sink = next;
    }

    /**
     * Sends jobs one at a time until one completes end to end: the router's and the worker's groups
     * are assigned and the client's result consumer is in place.
     */
    public void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int i = 0;
        while (System.nanoTime() < deadline) {
            var future = client.submit(Workload.kilobyteRequest("warmup-" + topics.prefix() + (i++)));
            try {
                future.get(3, java.util.concurrent.TimeUnit.SECONDS);
                return;
            } catch (java.util.concurrent.TimeoutException notYet) {
                // the pipeline is still starting; the next job checks again
            }
        }
        throw new IllegalStateException("the pipeline did not complete a job within " + timeout);
    }

    @Override
    public void close() {
        client.close();
        worker.close();
        router.close();
        routerState.close();
    }
}
