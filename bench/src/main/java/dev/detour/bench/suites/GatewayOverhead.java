package dev.detour.bench.suites;

import dev.detour.bench.BenchEnvironment;
import dev.detour.bench.Suite;
import dev.detour.bench.internal.BenchCatalog;
import dev.detour.bench.internal.BenchPipeline;
import dev.detour.bench.internal.LatencyStats;
import dev.detour.bench.internal.OpenLoop;
import dev.detour.bench.internal.Records;
import dev.detour.bench.internal.SimulatorProcess;
import dev.detour.bench.internal.Workload;
import dev.detour.bench.report.SuiteReport;
import dev.detour.client.DetourClientConfig;
import dev.detour.gateway.ApiKeys;
import dev.detour.gateway.Gateway;
import dev.detour.gateway.GatewayConfig;
import dev.detour.providers.simulator.ProviderScript;
import dev.detour.router.RouterConfig.ProcessingGuarantee;
import dev.detour.schema.Catalog;
import dev.detour.schema.ResultStatus;
import dev.detour.schema.Tier;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What the OpenAI-compatible gateway adds to a call: the same job, on the same running pipeline
 * (router, worker, simulated provider answering at once), sent through the client library
 * ({@code DetourClient.submit}) and as {@code POST /v1/chat/completions} through the gateway, open
 * loop, latency from each job's due time to its answer. Both paths share every Kafka hop and the
 * provider call, so the difference is the gateway's own cost: HTTP, JSON mapping, key lookup, job
 * book, its own producer and result consumer. Then a hold: N calls kept open at once against a slow
 * provider, through each path, heap after GC and platform threads.
 */
public final class GatewayOverhead implements Suite {
    private static final String PROVIDER = "gw";
    private static final String KEY = "sk-bench-gateway";

    @Override
    public String name() {
        return "gateway";
    }

    @Override
    public String description() {
        return "latency through the OpenAI-compatible gateway (HTTP) vs the same job through DetourClient, "
                + "200 and 1,000 req/s; calls held open through each";
    }

    /** Seconds of each path at each rate before it is measured (full mode). */
    static final int WARM_UP_SECONDS = 5;

    @Override
    public SuiteReport run(BenchEnvironment env, boolean quick) throws Exception {
        List<Integer> rates = quick ? List.of(100) : List.of(200, 1_000);
        int quarter = quick ? 1 : 5; // seconds of each of the four ABBA runs
        int hold = quick ? 200 : 2_000;
        // The provider's latency while calls are held open: longer than filling the hold takes.
        long holdLatencyMs = quick ? 2_000 : 15_000;
        SuiteReport.Builder report = new SuiteReport.Builder(name(),
                "gateway hop (open loop, provider answers at once, ABBA " + quarter + " s each; latency from due time, ms)",
                "req/s", "path", "completed", "failed", "p50", "p99", "p99.9", "max", "gateway - direct p50", "p99");
        try (SimulatorProcess sim = SimulatorProcess.start(5, 512)) {
            sim.put(PROVIDER, ProviderScript.healthy());
            Catalog catalog = BenchCatalog.of(List.of(new BenchCatalog.Entry(PROVIDER, "model-a", Tier.PRIMARY,
                    150_000, 600_000)), sim::baseUrl);
            try (BenchPipeline pipeline = BenchPipeline.start(env, "gateway", catalog, null,
                    ProcessingGuarantee.AT_LEAST_ONCE, 10_000)) {
                grantKey(env, pipeline);
                DetourClientConfig clientConfig = new DetourClientConfig(env.bootstrapServers(), env.registryUrl(),
                        pipeline.topics().prefix(), env.clientOverrides());
                try (Gateway gateway = Gateway.start(GatewayConfig.defaults(clientConfig).withBind("127.0.0.1", 0))) {
                    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(10))
                            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
                    URI uri = URI.create(gateway.url() + "/v1/chat/completions");
                    Path direct = tag -> pipeline.client().submit(Workload.kilobyteRequest(tag))
                            .thenApply(r -> r.getStatus() == ResultStatus.SUCCEEDED ? null : "result " + r.getStatus());
                    Path viaGateway = tag -> http.sendAsync(chatCompletion(uri, tag), HttpResponse.BodyHandlers.ofString())
                            .thenApply(r -> r.statusCode() == 200 ? null : "HTTP " + r.statusCode() + " "
                                    + r.body().substring(0, Math.min(120, r.body().length())));
                    pipeline.awaitReady(Duration.ofSeconds(120));
                    awaitGateway(viaGateway, Duration.ofSeconds(120));
                    // Warm both paths (JIT, connections), not reported.
                    run(direct, Math.min(100, rates.get(0)), 2, "warm-d");
                    run(viaGateway, Math.min(100, rates.get(0)), 2, "warm-g");
                    for (int rate : rates) {
                        if (!quick) {
                            // At the rate about to be measured, unreported: 2 s at 100 req/s leave most of both
                            // paths to the interpreter and C1 in a fresh JVM (run alone, the direct path's p50 at
                            // 200 req/s was 12-13 ms against 3 ms when the suite ran after others in one JVM).
                            run(direct, rate, WARM_UP_SECONDS, "warm-d-" + rate);
                            run(viaGateway, rate, WARM_UP_SECONDS, "warm-g-" + rate);
                        }
                        // ABBA: drift in the machine's load (other processes, GC) falls on both paths alike.
                        Tally d = new Tally();
                        Tally g = new Tally();
                        d.add(run(direct, rate, quarter, "d1-" + rate));
                        g.add(run(viaGateway, rate, quarter, "g1-" + rate));
                        g.add(run(viaGateway, rate, quarter, "g2-" + rate));
                        d.add(run(direct, rate, quarter, "d2-" + rate));
                        report.row(rate, "DetourClient (Kafka)", d.completed, d.failed, d.latency.p50(), d.latency.p99(),
                                d.latency.p999(), d.latency.maxMs(), "-", "-");
                        report.row(rate, "gateway (HTTP/1.1)", g.completed, g.failed, g.latency.p50(), g.latency.p99(),
                                g.latency.p999(), g.latency.maxMs(), g.latency.p50() - d.latency.p50(),
                                g.latency.p99() - d.latency.p99());
                        String key = rate + "_per_s.";
                        report.figure(key + "direct.p50_ms", d.latency.p50());
                        report.figure(key + "direct.p99_ms", d.latency.p99());
                        report.figure(key + "direct.p999_ms", d.latency.p999());
                        report.figure(key + "gateway.p50_ms", g.latency.p50());
                        report.figure(key + "gateway.p99_ms", g.latency.p99());
                        report.figure(key + "gateway.p999_ms", g.latency.p999());
                        report.figure(key + "gateway_extra.p50_ms", g.latency.p50() - d.latency.p50());
                        report.figure(key + "gateway_extra.p99_ms", g.latency.p99() - d.latency.p99());
                        report.figure(key + "gateway_over_direct.p50", g.latency.p50() / d.latency.p50());
                        report.figure(key + "direct.failed", d.failed);
                        report.figure(key + "gateway.failed", g.failed);
                        if (d.failed + g.failed > 0 || d.completed < d.sent || g.completed < g.sent) {
                            report.note(rate + " req/s: direct " + d.completed + " of " + d.sent + " succeeded, gateway "
                                    + g.completed + " of " + g.sent + "; failed and missing calls are not in the percentiles; "
                                    + "failures: direct " + d.failures + ", gateway " + g.failures);
                        }
                    }
                    sim.put(PROVIDER, ProviderScript.healthy().withLatency(ProviderScript.Latency.fixed(holdLatencyMs)));
                    // Held = every call is at the provider (the worker's gauge), on both paths.
                    Hold dh = hold(direct, hold, "hd-", pipeline.worker()::inFlight, holdLatencyMs, () -> 0);
                    Hold gh = hold(viaGateway, hold, "hg-", pipeline.worker()::inFlight, holdLatencyMs, gateway::openRequests);
                    sim.put(PROVIDER, ProviderScript.healthy());
                    report.note(String.format(Locale.ROOT, "Hold of %,d calls open at once (provider answering in %d s): "
                                    + "through DetourClient %,d open after %.1f s, heap after GC +%.0f MB "
                                    + "(%.1f KB per call), platform threads %d -> %d, %,d answered; through the gateway "
                                    + "%,d open (gateway's own count %,d) after %.1f s, +%.0f MB (%.1f KB per call), threads %d -> %d, %,d answered 200. "
                                    + "Both include the worker's calls and the caller's side in this JVM; the difference "
                                    + "is the gateway's and the HTTP client's share.",
                            hold, holdLatencyMs / 1000, dh.open, dh.secondsToOpen, dh.heapDeltaMb(), dh.kbPerCall(),
                            dh.threadsBefore, dh.threadsDuring, dh.answered, gh.open, gh.gatewayOpen, gh.secondsToOpen, gh.heapDeltaMb(),
                            gh.kbPerCall(), gh.threadsBefore, gh.threadsDuring, gh.answered));
                    report.figure("hold.calls", hold);
                    report.figure("hold.direct.heap_mb_per_1000", dh.kbPerCall() * 1000 / 1024);
                    report.figure("hold.gateway.heap_mb_per_1000", gh.kbPerCall() * 1000 / 1024);
                    report.figure("hold.gateway.open", gh.gatewayOpen);
                    report.figure("hold.gateway.answered", gh.answered);
                    report.figure("hold.direct.answered", dh.answered);
                }
            }
        }
        report.note("Both paths run on the same pipeline (client library -> router -> worker -> simulator in its own "
                + "process -> results), at most as many calls in flight as the open loop makes. Direct: "
                + "DetourClient.submit of a ~1 KB request. Gateway: POST /v1/chat/completions with the same message "
                + "(JDK HttpClient, HTTP/1.1 keep-alive, a virtual key granted on the config topic), answered 200 in "
                + "OpenAI's format. A plain HTTP client rather than an OpenAI SDK, so the SDK's own cost is not in "
                + "the figure (OpenAiJavaSdkTest shows the official SDK works against the gateway).");
        return report.build();
    }

    /** One way to make a call: completes with null when it succeeded, else why not. */
    @FunctionalInterface
    private interface Path extends Function<String, CompletableFuture<String>> {}

    private static final class Run {
        final LatencyStats latency = new LatencyStats();
        final AtomicLong completed = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final java.util.Map<String, AtomicInteger> failures = new java.util.concurrent.ConcurrentHashMap<>();
        int sent;

        void fail(String why) {
            failed.incrementAndGet();
            failures.computeIfAbsent(why, w -> new AtomicInteger()).incrementAndGet();
        }
    }

    /** Latencies and counts of one path over its runs. */
    private static final class Tally {
        final LatencyStats latency = new LatencyStats();
        long sent;
        long completed;
        long failed;
        final java.util.Map<String, Integer> failures = new java.util.TreeMap<>();

        void add(Run r) {
            latency.add(r.latency);
            sent += r.sent;
            completed += r.completed.get();
            failed += r.failed.get();
            r.failures.forEach((why, n) -> failures.merge(why, n.get(), Integer::sum));
        }
    }

    private static Run run(Path path, int rate, int seconds, String label) throws Exception {
        Run run = new Run();
        run.sent = rate * seconds;
        String tag = "gw-" + label + "-" + System.nanoTime() + "-";
        OpenLoop.run(rate, run.sent, (i, due) -> path.apply(tag + i).whenComplete((failure, error) -> {
            long now = System.nanoTime();
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                String message = String.valueOf(cause.getMessage());
                run.fail(cause.getClass().getSimpleName() + ": " + message.substring(0, Math.min(80, message.length())));
            } else if (failure != null) {
                run.fail(failure);
            } else {
                run.latency.recordNanos(now - due);
                run.completed.incrementAndGet();
            }
        }));
        OpenLoop.awaitAnswers(() -> run.completed.get() + run.failed.get(), run.sent, Duration.ofSeconds(60));
        return run;
    }

    private record Hold(int calls, int open, int gatewayOpen, double secondsToOpen, long heapBefore, long heapDuring, int threadsBefore,
                        int threadsDuring, int answered) {
        double heapDeltaMb() {
            return (heapDuring - heapBefore) / 1048576.0;
        }

        double kbPerCall() {
            return (heapDuring - heapBefore) / 1024.0 / Math.max(1, open);
        }
    }

    /** Opens {@code n} calls at once, waits until {@code open} counts them, measures, waits for their answers. */
    private static Hold hold(Path path, int n, String label, java.util.function.IntSupplier open, long latencyMs,
                             java.util.function.IntSupplier gatewayOpen) throws Exception {
        long heapBefore = usedHeapAfterGc();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        AtomicInteger answered = new AtomicInteger();
        String tag = label + System.nanoTime() + "-";
        long t0 = System.nanoTime();
        CompletableFuture<?>[] calls = new CompletableFuture<?>[n];
        for (int i = 0; i < n; i++) {
            calls[i] = path.apply(tag + i).whenComplete((failure, error) -> {
                if (error == null && failure == null) {
                    answered.incrementAndGet();
                }
            });
        }
        long fillDeadline = t0 + TimeUnit.MILLISECONDS.toNanos(latencyMs * 2 / 3);
        while (open.getAsInt() < n && System.nanoTime() < fillDeadline) {
            Thread.sleep(20);
        }
        int opened = open.getAsInt();
        int openInGateway = gatewayOpen.getAsInt();
        double secondsToOpen = (System.nanoTime() - t0) / 1e9;
        long heapDuring = usedHeapAfterGc();
        int threadsDuring = ManagementFactory.getThreadMXBean().getThreadCount();
        try {
            CompletableFuture.allOf(calls).get(latencyMs + 60_000, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // counted through answered
        }
        return new Hold(n, opened, openInGateway, secondsToOpen, heapBefore, heapDuring, threadsBefore, threadsDuring, answered.get());
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static HttpRequest chatCompletion(URI uri, String tag) {
        // The same ~900-character message as Workload.kilobyteRequest; the tag keeps each call a new job.
        String content = tag + " " + Workload.kilobyteRequest(tag).getMessages().get(0).getContent();
        String body = "{\"model\":\"" + Workload.GROUP + "\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":"
                + jsonString(content) + "}]}";
        return HttpRequest.newBuilder(uri)
                .header("authorization", "Bearer " + KEY)
                .header("content-type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A virtual key for the bench tenant on the pipeline's config topic, as {@code detour keys} publishes it. */
    private static void grantKey(BenchEnvironment env, BenchPipeline pipeline) throws Exception {
        String hash = ApiKeys.hash(KEY);
        try (KafkaProducer<String, SpecificRecord> producer = Records.producer(env.clientProperties(), env.serdes(), 0)) {
            producer.send(new ProducerRecord<>(pipeline.topics().config(), ApiKeys.configKey(hash),
                    ApiKeys.grant(hash, Workload.TENANT, List.of()))).get();
        }
    }

    /** Calls the gateway until one call succeeds: it has read the catalog and the key from the config topic. */
    private static void awaitGateway(Path viaGateway, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int i = 0;
        while (System.nanoTime() < deadline) {
            try {
                if (viaGateway.apply("gw-ready-" + (i++)).get(5, TimeUnit.SECONDS) == null) {
                    return;
                }
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the gateway did not answer a call within " + timeout);
    }
}
