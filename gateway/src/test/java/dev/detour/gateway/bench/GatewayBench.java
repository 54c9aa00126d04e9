package dev.detour.gateway.bench;

import dev.detour.client.DetourClient;
import dev.detour.client.DetourClientConfig;
import dev.detour.core.TopicProvisioner;
import dev.detour.core.Topics;
import dev.detour.gateway.ApiKeys;
import dev.detour.gateway.Gateway;
import dev.detour.gateway.GatewayConfig;
import dev.detour.gateway.support.Catalogs;
import dev.detour.gateway.support.StandInPipeline;
import dev.detour.kafka.EmbeddedKafka;
import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionParams;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.ResultStatus;
import dev.detour.schemas.serde.AvroSerde;
import dev.detour.schemas.serde.SchemaRegistryClients;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Measures what the gateway adds on top of publishing to Kafka directly, in one JVM on the embedded
 * broker. The pipeline is a stand-in that answers each request at once (provider time 0), so both
 * paths measure the same Kafka round trip (requests topic -> results topic) and their difference is
 * the gateway's own cost: HTTP parsing, JSON mapping, key lookup, job book, response writing.
 *
 * <p>Load: open loop at a fixed rate, one path at a time in ABBA order (Kafka, HTTP, HTTP, Kafka) so
 * drift in the machine's load falls on both alike, latency counted from the scheduled send time
 * (queueing is not hidden), at most 200 requests in flight (200 connections for HTTP). Then the capacity probe:
 * 5,000 requests held open at once (the stand-in withholds their answers), heap measured after GC.
 *
 * <p>Run: {@code java -Xmx1g -cp <test classpath> dev.detour.gateway.bench.GatewayBench [seconds]}
 */
public final class GatewayBench {
    private static final String KEY = "sk-bench";
    private static final int CONNECTIONS = 200;
    private static final int HOLD = 5_000;

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int hold = args.length > 1 ? Integer.parseInt(args[1]) : HOLD;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            Topics topics = new Topics("bench.", 6, (short) 1);
            Properties admin = new Properties();
            admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (Admin a = Admin.create(admin)) {
                new TopicProvisioner(a).ensure(topics.fixed());
            }
            String registry = "mock://gateway-bench";
            publishConfig(kafka, topics, registry);
            ConcurrentLinkedQueue<CompletionRequest> held = new ConcurrentLinkedQueue<>();
            Properties clientProps = new Properties();
            clientProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            DetourClientConfig pipeline = DetourClientConfig.of(kafka.bootstrapServers(), registry)
                    .withTopicPrefix(topics.prefix());
            try (StandInPipeline standIn = new StandInPipeline(clientProps, topics, registry, r -> {
                     if (r.getMessages().get(r.getMessages().size() - 1).getContent().startsWith("hold")) {
                         held.add(r);
                         return null;
                     }
                     return Catalogs.script(r);
                 });
                 Gateway gateway = Gateway.start(GatewayConfig.defaults(pipeline).withBind("127.0.0.1", 0)
                         .withMaxOpenRequests(20_000));
                 DetourClient direct = DetourClient.create(pipeline)) {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
                URI uri = URI.create(gateway.url() + "/v1/chat/completions");
                System.out.printf("gateway bench: embedded broker, stand-in pipeline (provider time 0), %d s per run, "
                        + "%d in flight at most, %d cores, max heap %d MiB%n", seconds, CONNECTIONS,
                        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);

                // Warm both paths (JIT, connections, metadata).
                run("warm-up http", 200, 5, () -> httpCall(http, uri, "warm"), new Tally());
                run("warm-up kafka", 200, 5, () -> directCall(direct, "warm"), new Tally());

                List<String> rows = new ArrayList<>();
                for (int rate : new int[] {200, 1000}) {
                    // ABBA: kafka, http, http, kafka, each half the time, so drift in the machine's load
                    // (other processes, GC) falls on both paths alike; one path at a time, at the stated rate.
                    Tally k = new Tally();
                    Tally h = new Tally();
                    int half = Math.max(1, seconds / 2);
                    run("kafka " + rate, rate, half, () -> directCall(direct, "bench"), k);
                    run("http " + rate, rate, half, () -> httpCall(http, uri, "bench"), h);
                    run("http " + rate, rate, half, () -> httpCall(http, uri, "bench"), h);
                    run("kafka " + rate, rate, half, () -> directCall(direct, "bench"), k);
                    Result kr = k.result();
                    Result hr = h.result();
                    rows.add(String.format("| %,d req/s | direct to Kafka | %s |", rate, kr.row()));
                    rows.add(String.format("| %,d req/s | through the gateway | %s |", rate, hr.row()));
                    rows.add(String.format("| %,d req/s | **gateway overhead** | p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms |",
                            rate, (hr.p50 - kr.p50) / 1e3, (hr.p99 - kr.p99) / 1e3, (hr.p999 - kr.p999) / 1e3));
                }
                System.out.println();
                System.out.println("| load | path | latency (ms) and errors |");
                System.out.println("|---|---|---|");
                rows.forEach(System.out::println);

                System.out.println();
                capacity(gateway, http, uri, direct, held, kafka, topics, registry, hold);
            }
        }
        System.exit(0);
    }

    /** p50/p99/p99.9/max in microseconds, with counts. */
    private record Result(long p50, long p99, long p999, long max, long ok, long errors, double achieved) {
        String row() {
            return String.format("p50 %.2f, p99 %.2f, p99.9 %.2f, max %.1f; %,d ok, %,d errors, %.0f req/s achieved",
                    p50 / 1e3, p99 / 1e3, p999 / 1e3, max / 1e3, ok, errors, achieved);
        }
    }

    /** Latencies and errors of one path, accumulated over its runs. */
    private static final class Tally {
        final Histogram hist = new Histogram(60_000_000L, 3);
        final AtomicInteger errors = new AtomicInteger();
        double seconds;

        Result result() {
            return new Result(hist.getValueAtPercentile(50), hist.getValueAtPercentile(99),
                    hist.getValueAtPercentile(99.9), hist.getMaxValue(), hist.getTotalCount(), errors.get(),
                    hist.getTotalCount() / seconds);
        }
    }

    /** Open loop: one call every 1/rate s, each on a virtual thread, at most CONNECTIONS at once. */
    private static void run(String name, int rate, int seconds, LongSupplier call, Tally into)
            throws InterruptedException {
        Tally run = new Tally();
        Semaphore slots = new Semaphore(CONNECTIONS);
        long intervalNs = 1_000_000_000L / rate;
        int total = rate * seconds;
        long start = System.nanoTime();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < total; i++) {
                long scheduled = start + i * intervalNs;
                long wait = scheduled - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                slots.acquire();
                threads.submit(() -> {
                    try {
                        if (call.getAsLong() < 0) {
                            run.errors.incrementAndGet();
                        } else {
                            synchronized (run.hist) {
                                run.hist.recordValue(Math.min(60_000_000L, (System.nanoTime() - scheduled) / 1_000));
                            }
                        }
                    } finally {
                        slots.release();
                    }
                });
            }
        }
        run.seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%-16s %s%n", name, run.result().row());
        into.hist.add(run.hist);
        into.errors.addAndGet(run.errors.get());
        into.seconds += run.seconds;
    }

    private static long httpCall(HttpClient http, URI uri, String text) {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri)
                    .header("Authorization", "Bearer " + KEY).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body(text))).build(), HttpResponse.BodyHandlers.ofByteArray());
            return r.statusCode() == 200 ? r.body().length : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private static long directCall(DetourClient client, String text) {
        try {
            CompletionResult r = client.submit(request(text)).get(60, TimeUnit.SECONDS);
            return r.getStatus() == ResultStatus.SUCCEEDED ? 1 : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private static String body(String text) {
        return "{\"model\":\"chat\",\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},"
                + "{\"role\":\"user\",\"content\":\"" + text + " " + "x".repeat(600) + "\"}],\"max_tokens\":64}";
    }

    private static CompletionRequest request(String text) {
        long now = System.currentTimeMillis();
        return CompletionRequest.newBuilder().setJobId("bench-" + UUID.randomUUID()).setTenant("acme").setModel("chat")
                .setMessages(List.of(ChatMessage.newBuilder().setRole("system").setContent("You are terse.").build(),
                        ChatMessage.newBuilder().setRole("user").setContent(text + " " + "x".repeat(600)).build()))
                .setParams(CompletionParams.newBuilder().setMaxTokens(64).build())
                .setDeadlineMs(now + 60_000).setSubmittedAtMs(now).setMetadata(Map.of()).build();
    }

    /** Holds {@code n} requests open in the gateway at once, measures the heap, then answers them all. */
    private static void capacity(Gateway gateway, HttpClient http, URI uri, DetourClient direct,
                                 ConcurrentLinkedQueue<CompletionRequest> held, EmbeddedKafka kafka, Topics topics,
                                 String registry, int n) throws Exception {
        long before = usedHeapAfterGc();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        AtomicInteger ok = new AtomicInteger();
        List<Thread> callers = new ArrayList<>(n);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            callers.add(Thread.ofVirtual().start(() -> {
                if (httpCall(http, uri, "hold") > 0) {
                    ok.incrementAndGet();
                }
            }));
        }
        while (gateway.openRequests() < n && System.nanoTime() - t0 < TimeUnit.MINUTES.toNanos(3)) {
            Thread.sleep(100);
        }
        int open = gateway.openRequests();
        long opened = System.nanoTime() - t0;
        long during = usedHeapAfterGc();
        int threadsDuring = ManagementFactory.getThreadMXBean().getThreadCount();
        System.out.printf("capacity: %,d requests open in the gateway (%,d held by the stand-in) after %.1f s; heap after GC "
                        + "%d MiB before, %d MiB while open (+%d MiB, %.1f KiB per open request incl. the client side); "
                        + "platform threads %d -> %d; max heap %d MiB%n",
                open, held.size(), opened / 1e9, before >> 20, during >> 20, (during - before) >> 20,
                (during - before) / 1024.0 / Math.max(1, open), threadsBefore, threadsDuring,
                Runtime.getRuntime().maxMemory() >> 20);

        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (var producer = new KafkaProducer<>(p, new StringSerializer(),
                new AvroSerde<>(CompletionResult.class, SchemaRegistryClients.forUrl(registry)).serializer())) {
            CompletionRequest r;
            while ((r = held.poll()) != null) {
                producer.send(new ProducerRecord<>(topics.results(), r.getJobId(), Catalogs.script(r)));
            }
        }
        for (Thread t : callers) {
            t.join(TimeUnit.MINUTES.toMillis(2));
        }
        System.out.printf("capacity: %,d of %,d held requests answered 200 after release%n", ok.get(), n);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void publishConfig(EmbeddedKafka kafka, Topics topics, String registry) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (var producer = new KafkaProducer<>(p, new StringSerializer(),
                new AvroSerde<>(ConfigRecord.class, SchemaRegistryClients.forUrl(registry)).serializer())) {
            producer.send(new ProducerRecord<>(topics.config(), "catalog",
                    ConfigRecord.newBuilder().setCatalog(Catalogs.small()).build())).get();
            String hash = ApiKeys.hash(KEY);
            producer.send(new ProducerRecord<>(topics.config(), ApiKeys.configKey(hash),
                    ApiKeys.grant(hash, "acme", List.of()))).get();
        }
    }
}
