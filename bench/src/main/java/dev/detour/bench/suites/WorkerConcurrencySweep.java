package dev.detour.bench.suites;

import dev.detour.bench.BenchEnvironment;
import dev.detour.bench.Suite;
import dev.detour.bench.internal.AppendSpan;
import dev.detour.bench.internal.BenchCatalog;
import dev.detour.bench.internal.JvmSampler;
import dev.detour.bench.internal.Records;
import dev.detour.bench.internal.SimulatorProcess;
import dev.detour.bench.internal.Workload;
import dev.detour.bench.report.SuiteReport;
import dev.detour.core.ProcessDefaults;
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
import dev.detour.worker.metrics.WorkerMetrics;
import java.net.http.HttpClient;
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
    /** The child's heap: 10,000 requests held for 2 s on virtual threads fit well within it. */
    private static final int SIMULATOR_HEAP_MB = 1024;

    @Override
    public String name() {
        return "worker-sweep";
    }

    @Override
    public String description() {
        return "worker rate vs in-flight / latency (100, 1,000, 10,000 in flight; 60 ms and 2 s), heap and threads";
    }

    /** One worker run of the sweep; a warm-up one is not reported. */
    private record Configuration(int latencyMs, int inFlight, boolean warmUp) {}

    @Override
    public SuiteReport run(BenchEnvironment env, boolean quick) throws Exception {
        List<Integer> inFlight = quick ? List.of(10, 100) : List.of(100, 1_000, 10_000);
        List<Integer> latencies = quick ? List.of(60) : List.of(60, 2_000);
        SuiteReport.Builder report = new SuiteReport.Builder(name(),
                "worker concurrency sweep (routed requests preloaded; one worker; simulator in its own process)",
                "in flight", "provider ms", "jobs", "jobs failed", "ideal jobs/s", "achieved jobs/s", "achieved / ideal",
                "raw HTTP calls/s (same N)", "worker / raw",
                "peak in flight", "mean in flight", "call ms at worker p50 / p99", "call errors", "heap MB (before -> peak)", "heap after GC MB (peak)", "platform threads (before -> peak)",
                "open fds (peak)", "bench JVM cores", "simulator cores", "CPU ms per call (bench + simulator)",
                "simulator RSS MB / threads (peak)");
        int ports = BenchEnvironment.ephemeralPorts();
        try (SimulatorProcess sim = SimulatorProcess.start(7, SIMULATOR_HEAP_MB)) {
            // In full mode the first configuration runs once unreported first: the worker, its HTTP client and
            // the raw loop are then compiled by the JIT when measured, as in a worker that has been running.
            List<Configuration> configurations = new ArrayList<>();
            if (!quick) {
                configurations.add(new Configuration(latencies.get(0), inFlight.get(0), true));
            }
            latencies.forEach(latency -> inFlight.forEach(n -> configurations.add(new Configuration(latency, n, false))));
            for (Configuration configuration : configurations) {
                int latency = configuration.latencyMs();
                int n = configuration.inFlight();
                boolean warmUp = configuration.warmUp();
                String provider = "sweep" + n + "x" + latency + (warmUp ? "warm" : "");
                // The simulator is another process: each call in flight holds one socket here, plus
                // idle pooled connections (at most ProcessDefaults.HTTP_CLIENT_POOL_SIZE), plus the broker's files.
                long needed = n + ProcessDefaults.HTTP_CLIENT_POOL_SIZE + 2_000L;
                String skip = BenchEnvironment.freeFileDescriptors() < needed
                        ? "it needs about " + needed + " file descriptors in the bench JVM and "
                                + BenchEnvironment.freeFileDescriptors() + " are free (raise ulimit -n)"
                        : n > ports ? "it needs " + n + " loopback connections and " + ports
                                + " ephemeral ports exist (net.ipv4.ip_local_port_range)"
                        : null;
                if (skip != null) {
                    report.row(n, latency, "skipped", "n/a", n * 1000.0 / latency, "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a",
                            "n/a", "n/a", "n/a", "n/a", "n/a", "n/a");
                    report.note(n + " in flight at " + latency + " ms skipped: " + skip);
                    continue;
                }
                sim.put(provider, ProviderScript.healthy().withLatency(ProviderScript.Latency.fixed(latency)));
                Catalog catalog = BenchCatalog.of(List.of(new BenchCatalog.Entry(provider, "model-a", Tier.PRIMARY,
                        150_000, 600_000)), sim::baseUrl);
                // Enough rounds to reach a steady state; 60 ms rows are capped so a slow machine still ends.
                int rounds = latency >= 1_000 ? 4 : 10;
                int jobs = Math.max(200, Math.min(n * rounds, quick ? 1_000 : 60_000));
                double ideal = n * 1000.0 / latency;
                Topics topics = env.pipelineTopics("sweep-" + n + "-" + latency);
                env.createTopic(topics.provider(provider), BenchEnvironment.PARTITIONS, java.util.Map.of());
                preload(env, topics, catalog, provider, jobs);
                // The reference: the same calls with no Kafka and no worker, N at a time, on the same client.
                double raw = rawHttpRate(sim.baseUrl(provider), n, jobs);
                AppendSpan span;
                int peak;
                double meanInFlight;
                WorkerCalls calls;
                long failedJobs;
                JvmSampler jvm = JvmSampler.startWatching(sim.pid());
                try (jvm) {
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
                    // The worker's production HTTP client, closed with the configuration: its pool keeps
                    // idle connections alive (30 s), and 10,000 of them would starve the next one of
                    // file descriptors.
                    HttpClient http = ProviderAdapters.defaultHttpClient();
                    try (http;
                         Worker worker = Worker.start(config, AdapterRegistry.forCatalog(deployments, http), deployments);
                         InFlightSampler inFlightSamples = InFlightSampler.start(worker)) {
                        span = AppendSpan.awaitAndScan(env.clientProperties(), List.of(topics.results()), jobs,
                                Duration.ofSeconds(quick ? 60 : 300));
                        peak = worker.peakInFlight();
                        meanInFlight = inFlightSamples.mean();
                        calls = WorkerCalls.of(worker);
                        failedJobs = worker.metrics().jobsEnded(WorkerMetrics.JobEnd.FAILED);
                    }
                }
                env.dropTopics(topics.prefix());
                if (warmUp) {
                    continue;
                }
                double achieved = span.recordsPerSecond();
                String key = n + "_in_flight." + latency + "ms";
                // CPU per call over the whole configuration (start-up included): the rate this machine's
                // cores could sustain is cores / (CPU per call).
                double cpuMsPerCall = jvm.cpuSeconds() * 1000 / Math.max(1, span.count());
                double simCpuMsPerCall = jvm.otherCpuSeconds() * 1000 / Math.max(1, span.count());
                report.row(n, latency, span.count() + " / " + jobs, failedJobs, ideal, achieved, achieved / ideal, raw, achieved / raw,
                        peak,
                        meanInFlight, String.format(Locale.ROOT, "%.0f / %.0f", calls.p50Ms(), calls.p99Ms()),
                        calls.errors(),
                        String.format(Locale.ROOT, "%.0f -> %.0f", jvm.baselineHeapMb(), jvm.peakHeapMb()),
                        jvm.peakHeapAfterGcMb(),
                        jvm.baselineThreads() + " -> " + jvm.peakThreads(), jvm.peakOpenFds(), jvm.cores(),
                        jvm.otherCores(), String.format(Locale.ROOT, "%.2f + %.2f", cpuMsPerCall, simCpuMsPerCall),
                        String.format(Locale.ROOT, "%.0f / %d", jvm.otherPeakRssMb(), jvm.otherPeakThreads()));
                report.figure(key + ".jobs_failed", failedJobs);
                report.figure(key + ".ideal_per_s", ideal);
                report.figure(key + ".achieved_per_s", achieved);
                report.figure(key + ".efficiency", achieved / ideal);
                report.figure(key + ".raw_http_per_s", raw);
                report.figure(key + ".worker_over_raw", achieved / raw);
                report.figure(key + ".peak_in_flight", peak);
                report.figure(key + ".mean_in_flight", meanInFlight);
                report.figure(key + ".call_p50_ms", calls.p50Ms());
                report.figure(key + ".call_p99_ms", calls.p99Ms());
                report.figure(key + ".call_errors", calls.errors());
                report.figure(key + ".peak_heap_mb", jvm.peakHeapMb());
                report.figure(key + ".peak_heap_after_gc_mb", jvm.peakHeapAfterGcMb());
                report.figure(key + ".peak_platform_threads", jvm.peakThreads());
                report.figure(key + ".bench_jvm_cpu_ms_per_call", cpuMsPerCall);
                report.figure(key + ".simulator_cpu_ms_per_call", simCpuMsPerCall);
                report.figure(key + ".peak_open_fds", jvm.peakOpenFds());
                report.figure(key + ".bench_jvm_cores", jvm.cores());
                report.figure(key + ".simulator_cores", jvm.otherCores());
                report.figure(key + ".simulator_peak_rss_mb", jvm.otherPeakRssMb());
                if (span.count() < jobs) {
                    report.note(key + ": " + span.count() + " of " + jobs + " results before the wait ended");
                }
            }
        }
        report.note("Raw HTTP = the worker's HTTP client (ProviderAdapters.defaultHttpClient) calling the same simulated "
                + "provider from N virtual threads in a loop (as many calls as the worker makes, so both rates carry the same "
                + "start-up and ramp), no Kafka and "
                + "no worker, just before the worker's run: the rate this machine allowed at that moment; worker / raw is "
                + "the worker's own efficiency. Mean in flight / achieved rate is the time a call really took "
                + "(Little's law), next to the worker's own timer of its calls.");
        report.note("Ideal = in-flight bound / provider latency (Little's law). The rate is (results - 1) / (last - first "
                + "result timestamp), so the worker's start-up and the first fill of the window are included once.");
        report.note("The simulator runs in its own process (`" + SimulatorProcess.Main.class.getName()
                + "`, the simulator's main); heap, platform threads and open fds are the bench JVM's (registry, worker, "
                + "and the broker when it runs in-process); calls run on virtual threads, which are not platform threads. Cores = CPU seconds per "
                + "wall second over the configuration (worker start to close), of this machine's "
                + Runtime.getRuntime().availableProcessors() + ".");
        return report.build();
    }

    /**
     * The worker's in-flight gauge every 50 ms; the mean is taken from the first to the last non-zero
     * sample, so start-up before the first call and the idle end do not count. With Little's law,
     * mean in flight / achieved rate is the time a call really took, provider and queueing included.
     */
    private static final class InFlightSampler implements AutoCloseable {
        private final java.util.List<Integer> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Thread thread;
        private volatile boolean running = true;

        private InFlightSampler(Worker worker) {
            thread = Thread.ofPlatform().daemon().name("bench-in-flight-sampler").start(() -> {
                while (running) {
                    samples.add(worker.inFlight());
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        static InFlightSampler start(Worker worker) {
            return new InFlightSampler(worker);
        }

        double mean() {
            synchronized (samples) {
                int first = 0;
                int last = samples.size() - 1;
                while (first <= last && samples.get(first) == 0) {
                    first++;
                }
                while (last >= first && samples.get(last) == 0) {
                    last--;
                }
                return first > last ? 0 : samples.subList(first, last + 1).stream().mapToInt(Integer::intValue)
                        .average().orElse(0);
            }
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
        }
    }

    /** Call latency (the worker's own timer: request sent to response read) and failed calls. */
    private record WorkerCalls(double p50Ms, double p99Ms, long errors) {
        static WorkerCalls of(Worker worker) {
            var registry = worker.metrics().registry();
            double p50 = Double.NaN;
            double p99 = Double.NaN;
            for (var e : registry.getTimers().entrySet()) {
                if (e.getKey().startsWith(WorkerMetrics.CALL_LATENCY)) {
                    var snapshot = e.getValue().getSnapshot();
                    p50 = snapshot.getMedian() / 1e6;
                    p99 = snapshot.get99thPercentile() / 1e6;
                }
            }
            long errors = registry.getMeters().entrySet().stream()
                    .filter(e -> e.getKey().startsWith(WorkerMetrics.CALL_ERRORS))
                    .mapToLong(e -> e.getValue().getCount()).sum();
            return new WorkerCalls(p50, p99, errors);
        }
    }

    /**
     * Calls per second of the worker's own HTTP client against the same simulated provider with
     * nothing else in the way: {@code n} virtual threads each calling in a loop until {@code calls}
     * are done, rate from the first to the last completion (as the worker's). What this machine's
     * cores, loopback and simulator allow at this concurrency, measured just before the worker.
     */
    private static double rawHttpRate(String baseUrl, int n, int calls) throws Exception {
        java.net.URI uri = java.net.URI.create(baseUrl + "/chat/completions");
        String body = "{\"model\":\"model-a\",\"max_tokens\":32,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Say hello in five words.\"}]}";
        java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicLong first = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        HttpClient http = ProviderAdapters.defaultHttpClient();
        try (http; var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < n; t++) {
                threads.submit(() -> {
                    while (started.getAndIncrement() < calls) {
                        try {
                            var r = http.send(java.net.http.HttpRequest.newBuilder(uri)
                                    .header("authorization", "Bearer sk-sim")
                                    .header("content-type", "application/json")
                                    .timeout(Duration.ofSeconds(120))
                                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                            long now = System.nanoTime();
                            if (r.statusCode() == 200) {
                                ok.incrementAndGet();
                                first.accumulateAndGet(now, Math::min);
                                last.accumulateAndGet(now, Math::max);
                            }
                        } catch (java.io.IOException e) {
                            // counted as not ok
                        }
                    }
                    return null;
                });
            }
        }
        return ok.get() < 2 ? Double.NaN : (ok.get() - 1) * 1e9 / (last.get() - first.get());
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
