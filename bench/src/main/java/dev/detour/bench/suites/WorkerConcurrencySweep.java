package dev.detour.bench.suites;

import dev.detour.bench.BenchEnvironment;
import dev.detour.bench.Suite;
import dev.detour.bench.internal.AppendSpan;
import dev.detour.bench.internal.BenchCatalog;
import dev.detour.bench.internal.JvmSampler;
import dev.detour.bench.internal.Records;
import dev.detour.bench.internal.Simulator;
import dev.detour.bench.internal.Workload;
import dev.detour.bench.report.SuiteReport;
import dev.detour.core.Topics;
import dev.detour.providers.ProviderAdapters;
import dev.detour.providers.simulator.ProviderScript;
import dev.detour.schema.Catalog;
import dev.detour.schema.DeploymentRef;
import dev.detour.schema.RoutedRequest;
import dev.detour.schema.Tier;
import dev.detour.worker.AdapterRegistry;
import dev.detour.worker.DeploymentCatalog;
import dev.detour.worker.Worker;
import dev.detour.worker.WorkerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * How close the worker gets to Little's law: with N calls in flight against a provider answering in L,
 * the most it can finish is N / L per second. Routed requests are written to the provider topic
 * beforehand, so the worker alone sets the pace; the rate is read from its results' timestamps.
 */
public final class WorkerConcurrencySweep implements Suite {

    @Override
    public String name() {
        return "worker-sweep";
    }

    @Override
    public String description() {
        return "worker rate vs in-flight / latency (100, 1,000, 10,000 in flight; 60 ms and 2 s), heap and threads";
    }

    @Override
    public SuiteReport run(BenchEnvironment env, boolean quick) throws Exception {
        List<Integer> inFlight = quick ? List.of(10, 100) : List.of(100, 1_000, 10_000);
        List<Integer> latencies = quick ? List.of(60) : List.of(60, 2_000);
        SuiteReport.Builder report = new SuiteReport.Builder(name(),
                "worker concurrency sweep (routed requests preloaded; one worker)",
                "in flight", "provider ms", "jobs", "ideal jobs/s", "achieved jobs/s", "achieved / ideal",
                "peak in flight", "heap MB (before -> peak)", "platform threads (before -> peak)");
        try (Simulator sim = Simulator.start(7)) {
            for (int latency : latencies) {
                for (int n : inFlight) {
                    String provider = "sweep" + n + "x" + latency;
                    // Worker and simulator share this JVM: every call in flight holds two sockets.
                    long needed = 2L * n + 2_000;
                    if (BenchEnvironment.freeFileDescriptors() < needed) {
                        report.row(n, latency, "skipped", n * 1000.0 / latency, "n/a", "n/a", "n/a", "n/a", "n/a");
                        report.note(n + " in flight at " + latency + " ms skipped: it needs about " + needed
                                + " file descriptors (client and simulator sockets in one JVM) and "
                                + BenchEnvironment.freeFileDescriptors() + " are free (raise ulimit -n)");
                        continue;
                    }
                    sim.script(provider, ProviderScript.healthy().withLatency(ProviderScript.Latency.fixed(latency)));
                    Catalog catalog = BenchCatalog.of(List.of(new BenchCatalog.Entry(provider, "model-a", Tier.PRIMARY,
                            150_000, 600_000)), sim::baseUrl);
                    // Enough rounds to reach a steady state; 60 ms rows are capped so a slow machine still ends.
                    int rounds = latency >= 1_000 ? 4 : 10;
                    int jobs = Math.max(200, Math.min(n * rounds, quick ? 1_000 : 60_000));
                    double ideal = n * 1000.0 / latency;
                    Topics topics = env.pipelineTopics("sweep-" + n + "-" + latency);
                    env.createTopic(topics.provider(provider), BenchEnvironment.PARTITIONS, java.util.Map.of());
                    preload(env, topics, catalog, provider, jobs);
                    AppendSpan span;
                    int peak;
                    try (JvmSampler jvm = JvmSampler.start()) {
                        DeploymentCatalog deployments = DeploymentCatalog.of(catalog);
                        WorkerConfig config = WorkerConfig.builder(env.bootstrapServers(), env.registryUrl())
                                .topicPrefix(topics.prefix())
                                .providers(List.of(provider))
                                .groupId(topics.prefix() + "workers")
                                .instanceId("bench-sweep")
                                .maxInFlightTotal(n)
                                .maxInFlightPerProvider(n)
                                .kafkaProperties(env.clientOverrides())
                                .build();
                        try (Worker worker = Worker.start(config,
                                AdapterRegistry.forCatalog(deployments, ProviderAdapters.defaultHttpClient()), deployments)) {
                            span = AppendSpan.awaitAndScan(env.clientProperties(), List.of(topics.results()), jobs,
                                    Duration.ofSeconds(quick ? 60 : 300));
                            peak = worker.peakInFlight();
                        }
                        double achieved = span.recordsPerSecond();
                        String key = n + "_in_flight." + latency + "ms";
                        report.row(n, latency, span.count() + " / " + jobs, ideal, achieved, achieved / ideal, peak,
                                String.format(Locale.ROOT, "%.0f -> %.0f", jvm.baselineHeapMb(), jvm.peakHeapMb()),
                                jvm.baselineThreads() + " -> " + jvm.peakThreads());
                        report.figure(key + ".ideal_per_s", ideal);
                        report.figure(key + ".achieved_per_s", achieved);
                        report.figure(key + ".efficiency", achieved / ideal);
                        report.figure(key + ".peak_in_flight", peak);
                        report.figure(key + ".peak_heap_mb", jvm.peakHeapMb());
                        report.figure(key + ".peak_platform_threads", jvm.peakThreads());
                        env.dropTopics(topics.prefix());
                        if (span.count() < jobs) {
                            report.note(key + ": " + span.count() + " of " + jobs + " results before the wait ended");
                        }
                    }
                }
            }
        }
        report.note("Ideal = in-flight bound / provider latency (Little's law). The rate is (results - 1) / (last - first "
                + "result timestamp), so the worker's start-up and the first fill of the window are included once.");
        report.note("Heap and platform threads are the whole bench JVM (broker, simulator, worker); calls run on virtual "
                + "threads, which are not platform threads.");
        return report.build();
    }

    private static void preload(BenchEnvironment env, Topics topics, Catalog catalog, String provider, int jobs)
            throws Exception {
        var d = catalog.getDeployments().get(0);
        DeploymentRef ref = DeploymentRef.newBuilder().setProvider(provider).setDeploymentId(d.getId())
                .setModel(d.getModel()).setProviderModel(d.getProviderModel()).setTier(d.getTier()).build();
        try (KafkaProducer<String, SpecificRecord> producer = Records.producer(env.clientProperties(), env.serdes(), 5)) {
            long now = System.currentTimeMillis();
            for (int i = 0; i < jobs; i++) {
                String jobId = "sw-" + i;
                RoutedRequest routed = RoutedRequest.newBuilder()
                        .setRequest(Workload.request(jobId, Workload.GROUP, "Say hello in five words.", 32))
                        .setAttempt(1)
                        .setAttemptId(jobId + "#1")
                        .setDeployment(ref)
                        .setTried(new ArrayList<>())
                        .setRoutedAtMs(now)
                        .setRouterInstance("bench")
                        .build();
                producer.send(new ProducerRecord<>(topics.provider(provider), jobId, routed));
            }
            producer.flush();
        }
    }
}
