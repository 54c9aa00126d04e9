package dev.detour.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detour.core.RetryDecision;
import dev.detour.core.Topics;
import dev.detour.core.catalog.Pricing;
import dev.detour.providers.ApiKeySource;
import dev.detour.providers.ProviderAdapter;
import dev.detour.providers.ProviderAdapters;
import dev.detour.providers.simulator.ProviderScript;
import dev.detour.providers.simulator.ProviderSimulator;
import dev.detour.providers.simulator.SimulatorConfig;
import dev.detour.schema.ApiFamily;
import java.net.http.HttpClient;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import dev.detour.schema.AttemptOutcome;
import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionParams;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.DeadLetter;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.FailureReason;
import dev.detour.schema.ResultStatus;
import dev.detour.schema.RoutedRequest;
import dev.detour.schema.UsageRecord;
import dev.detour.schemas.serde.AvroDeserializer;
import dev.detour.schemas.serde.SchemaRegistryClients;
import dev.detour.testkit.KafkaCluster;
import dev.detour.worker.internal.RegistryWireCodec;
import dev.detour.testkit.WithKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker against a real broker and the provider simulator (real HTTP through the providers'
 * adapters): the paths a job can take, crashes, rebalances, backpressure.
 */
@WithKafka
class WorkerKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    private RegistryWireCodec codec;
    private String registryUrl;
    private static final AtomicInteger UNIQUE = new AtomicInteger();
    private static ProviderSimulator sim;
    private static HttpClient http;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private KafkaCluster cluster;
    private Topics topics;
    private String prefix;
    private KafkaProducer<String, byte[]> producer;
    private TopicTail<CompletionResult> results;
    private TopicTail<RoutedRequest> retries;
    private TopicTail<AttemptOutcome> feedback;
    private TopicTail<UsageRecord> usage;
    private TopicTail<DeadLetter> deadLetters;

    @BeforeAll
    static void startSimulator() {
        sim = ProviderSimulator.start(SimulatorConfig.defaults());
        http = ProviderAdapters.defaultHttpClient();
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
        http.shutdownNow(); // calls of crashed workers may still be waiting
    }

    /** A fresh simulated provider following the script, and an adapter calling it with this key. */
    private static ProviderAdapter simulated(ProviderScript script, String key) {
        String name = "sim" + UNIQUE.incrementAndGet();
        sim.script(name, script);
        return ProviderAdapters.create(Fixtures.provider(name, sim.baseUrlFor(name, ApiFamily.OPENAI_COMPATIBLE), null),
                ApiKeySource.literal(key), http);
    }

    private static ProviderAdapter simulated(ProviderScript script) {
        return simulated(script, "test-key");
    }

    private static ProviderScript latency(long ms) {
        return ProviderScript.healthy().withLatency(ProviderScript.Latency.fixed(ms));
    }

    @BeforeEach
    void setUp(KafkaCluster cluster) {
        this.cluster = cluster;
        prefix = cluster.uniquePrefix();
        topics = new Topics(prefix, 3, (short) 1);
        registryUrl = "mock://" + prefix;
        codec = RegistryWireCodec.forUrl(registryUrl);
        cluster.createTopics(3, topics.provider(Fixtures.PROVIDER), topics.results(), topics.retries(),
                topics.feedback(), topics.usage(), topics.deadLetter());
        Properties producerProps = cluster.clientProperties();
        // Just-created topics answer NOT_LEADER for a moment; an idempotent producer retrying then can
        // wedge on OutOfOrderSequence on the embedded broker. One request in flight keeps order anyway.
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        producerProps.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
        closeables.add(producer);
        awaitWritable(topics.results(), topics.retries(), topics.feedback(), topics.usage(), topics.deadLetter());
        results = tail(topics.results(), CompletionResult.class);
        retries = tail(topics.retries(), RoutedRequest.class);
        feedback = tail(topics.feedback(), AttemptOutcome.class);
        usage = tail(topics.usage(), UsageRecord.class);
        deadLetters = tail(topics.deadLetter(), DeadLetter.class);
    }

    /**
     * Just-created topics answer NOT_LEADER for a moment, and an idempotent producer (the worker's)
     * that retries then can wedge on OutOfOrderSequence on the embedded broker. A probe with no value
     * (the tails skip it) to every partition first makes sure each one takes writes.
     */
    private void awaitWritable(String... names) {
        for (String name : names) {
            for (int p = 0; p < 3; p++) {
                try {
                    producer.send(new ProducerRecord<>(name, p, "probe", null)).get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("topic " + name + " not writable", e);
                }
            }
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private <T extends org.apache.avro.specific.SpecificRecord> TopicTail<T> tail(String topic, Class<T> type) {
        AvroDeserializer<T> reader = new AvroDeserializer<>(type, SchemaRegistryClients.forUrl(registryUrl));
        TopicTail<T> t = new TopicTail<>(cluster.clientProperties(), topic, bytes -> reader.deserialize(topic, bytes));
        closeables.add(t);
        return t;
    }

    private WorkerConfig.Builder config(String instance) {
        Map<String, String> props = new HashMap<>();
        cluster.clientProperties().forEach((k, v) -> props.put(k.toString(), v.toString()));
        return WorkerConfig.builder(cluster.bootstrapServers(), registryUrl)
                .topicPrefix(prefix)
                .providers(List.of(Fixtures.PROVIDER))
                .groupId(prefix + "workers")
                .instanceId(instance)
                .commitInterval(Duration.ofMillis(200))
                .retry(new RetrySettings(3, Duration.ofMillis(10), 2.0, 0.5, Duration.ofMillis(50)))
                .kafkaProperties(props);
    }

    private Worker start(WorkerConfig.Builder config, ProviderAdapter provider) {
        Worker w = Worker.start(config.build(), AdapterRegistry.of(Map.of(Fixtures.PROVIDER, provider)),
                Fixtures.catalog(null, null));
        closeables.add(w);
        return w;
    }

    private static RoutedRequest job(String kind, String jobId) {
        RoutedRequest r = Fixtures.routed(jobId, 1, null);
        CompletionRequest req = CompletionRequest.newBuilder(r.getRequest())
                .setMessages(List.of(ChatMessage.newBuilder().setRole("user").setContent(kind + ":" + jobId).build()))
                .build();
        return RoutedRequest.newBuilder(r).setRequest(req).build();
    }

    private List<String> produce(String kind, int n) {
        List<String> ids = IntStream.range(0, n).mapToObj(i -> kind + "-" + prefix + i).toList();
        for (String id : ids) {
            send(job(kind, id));
        }
        producer.flush();
        return ids;
    }

    private void send(RoutedRequest r) {
        String topic = topics.provider(Fixtures.PROVIDER);
        producer.send(new ProducerRecord<>(topic, r.getRequest().getJobId(), codec.encode(topic, r)));
    }

    private Map<String, Long> resultsPerJob() {
        return results.values().stream().collect(Collectors.groupingBy(CompletionResult::getJobId, Collectors.counting()));
    }

    private long committedTotal(String groupId) throws Exception {
        try (Admin admin = cluster.admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
        }
    }

    @Test
    void successPathPublishesResultFeedbackAndUsageAndCommits() throws Exception {
        Worker worker = start(config("w-success"), simulated(latency(20)));
        List<String> ids = produce("ok", 20);

        await().atMost(WAIT).until(() -> resultsPerJob().keySet().containsAll(ids));
        assertThat(results.values()).allSatisfy(r -> {
            assertThat(r.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
            assertThat(r.getContent()).isNotBlank();
            assertThat(r.getUsage().getInputTokens()).isPositive();
            assertThat(r.getCostMicros()).isEqualTo(Pricing.cost(r.getUsage(), Fixtures.PRICES));
            assertThat(r.getDeploymentId()).isEqualTo(Fixtures.DEPLOYMENT);
        });
        await().atMost(WAIT).until(() -> feedback.values().size() >= 20 && usage.values().size() >= 20);
        assertThat(feedback.records).allSatisfy(k -> {
            assertThat(k.key()).isEqualTo(Fixtures.DEPLOYMENT);
            assertThat(k.value().getSucceeded()).isTrue();
        });
        assertThat(usage.records).allSatisfy(k -> assertThat(k.key()).isEqualTo(k.value().getAttemptId()));
        assertThat(worker.metrics().jobsEnded()).isEqualTo(20);

        worker.close();
        assertThat(committedTotal(prefix + "workers")).isEqualTo(20);
        assertThat(resultsPerJob().values()).containsOnly(1L);
    }

    @Test
    void transientServerErrorsAreRetriedOnTheSameDeploymentUntilTheySucceed() {
        // Half of all calls fail with 500: most jobs need a second or third try.
        ProviderAdapter flaky = simulated(latency(5).withErrorRate(ErrorClass.SERVER_ERROR, 0.5));
        start(config("w-flaky"), flaky);
        List<String> ids = produce("flaky", 12);

        await().atMost(WAIT).until(() -> {
            var ended = new java.util.HashSet<>(resultsPerJob().keySet());
            retries.values().forEach(r -> ended.add(r.getRequest().getJobId()));
            return ended.containsAll(ids);
        });
        // Every HTTP call the provider saw is reported once.
        await().atMost(WAIT).until(() -> feedback.values().size() == sim.stats(flaky.provider()).requests());
        List<String> retriedAndSucceeded = feedback.values().stream()
                .filter(o -> o.getSucceeded() && o.getAttemptId().matches(".*#1\\.[23]"))
                .map(AttemptOutcome::getJobId).toList();
        assertThat(retriedAndSucceeded).as("jobs whose retry on the same deployment succeeded").isNotEmpty();
        assertThat(results.values()).filteredOn(r -> retriedAndSucceeded.contains(r.getJobId()))
                .allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(ResultStatus.SUCCEEDED));
        assertThat(feedback.values()).filteredOn(o -> !o.getSucceeded())
                .allSatisfy(o -> assertThat(o.getErrorClass()).isEqualTo(ErrorClass.SERVER_ERROR));
        // Jobs that failed three times went back to the router; no job ended twice.
        assertThat(retries.values()).allSatisfy(r -> assertThat(r.getTried().get(0).getMessage()).contains("after 3 tries"));
        assertThat(resultsPerJob().values()).containsOnly(1L);
    }

    @Test
    void rateLimitedCallsGoBackToTheRouterAndTheDeploymentIsHeldClientSide() {
        // One request, then the bucket stays empty for a long time.
        ProviderAdapter limited = simulated(latency(5).withRateLimit(0.01, 1));
        String simName = limited.provider();
        start(config("w-429"), limited);
        List<String> first = produce("limited", 3);

        await().atMost(WAIT).until(() -> results.values().size() + retries.values().size() >= 3);
        assertThat(results.values()).singleElement().extracting(CompletionResult::getStatus).isEqualTo(ResultStatus.SUCCEEDED);
        assertThat(retries.records).hasSize(2).allSatisfy(k -> {
            assertThat(first).contains(k.key());
            assertThat(k.value().getTried()).singleElement().satisfies(a -> {
                assertThat(a.getErrorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
                assertThat(a.getRetryAfterMs()).isPositive();
            });
        });
        long callsSoFar = sim.stats(simName).requests();
        assertThat(sim.stats(simName).status(429)).isPositive();

        // The provider said when it will have room again; until then the worker does not ask.
        List<String> more = produce("later", 3);
        await().atMost(WAIT).until(() -> retries.values().size() >= 5);
        assertThat(sim.stats(simName).requests()).isEqualTo(callsSoFar);
        assertThat(retries.values()).filteredOn(r -> more.contains(r.getRequest().getJobId())).hasSize(3)
                .allSatisfy(r -> assertThat(r.getTried().get(0).getErrorClass()).isEqualTo(ErrorClass.RATE_LIMITED));
    }

    @Test
    void aRejectedKeySendsTheJobToAnotherDeploymentMarkedNotReusable() {
        start(config("w-401"), simulated(latency(5).withExpectedKey("the-right-key"), "a-wrong-key"));
        List<String> auth = produce("auth", 1);

        await().atMost(WAIT).until(() -> retries.values().size() >= 1 && !feedback.values().isEmpty());
        assertThat(retries.values()).singleElement().satisfies(r -> {
            assertThat(r.getRequest().getJobId()).isEqualTo(auth.get(0));
            assertThat(r.getTried().get(0).getErrorClass()).isEqualTo(ErrorClass.AUTH);
            assertThat(r.getTried().get(0).getHttpStatus()).isEqualTo(401);
            assertThat(RetryDecision.deploymentReusableForJob(r.getTried().get(0).getErrorClass())).isFalse();
        });
        assertThat(results.values()).isEmpty();
        assertThat(feedback.values()).singleElement().extracting(AttemptOutcome::getHttpStatus).isEqualTo(401);
    }

    @Test
    void aNonRetryableErrorEndsTheJobWithAFailedResultAndADeadLetter() {
        start(config("w-400"), simulated(latency(5).withMaxContextTokens(1)));
        List<String> tooLong = produce("too-long-for-the-context-window", 1);

        await().atMost(WAIT).until(() -> !results.values().isEmpty() && !deadLetters.values().isEmpty());
        assertThat(results.values()).singleElement().satisfies(r -> {
            assertThat(r.getJobId()).isEqualTo(tooLong.get(0));
            assertThat(r.getStatus()).isEqualTo(ResultStatus.FAILED);
            assertThat(r.getFailureReason()).isEqualTo(FailureReason.NON_RETRYABLE);
        });
        assertThat(deadLetters.values()).singleElement().satisfies(d -> {
            assertThat(d.getJobId()).isEqualTo(tooLong.get(0));
            assertThat(d.getErrorClass()).isEqualTo(ErrorClass.CONTEXT_LENGTH);
            assertThat(d.getRequest()).isNotNull();
            assertThat(d.getComponent()).isEqualTo("worker");
        });
        assertThat(retries.values()).isEmpty();
    }

    @Test
    void anUndecodableRecordIsDeadLetteredWithItsBytesAndDoesNotBlockThePartition() {
        start(config("w-junk"), simulated(latency(5)));
        String topic = topics.provider(Fixtures.PROVIDER);
        byte[] junk = {1, 2, 3, 4, 5};
        producer.send(new ProducerRecord<>(topic, 0, "junk-" + prefix, junk));
        RoutedRequest after = job("ok", "after-" + prefix);
        producer.send(new ProducerRecord<>(topic, 0, after.getRequest().getJobId(), codec.encode(topic, after)));
        producer.flush();

        await().atMost(WAIT).until(() -> resultsPerJob().keySet().containsAll(List.of("junk-" + prefix, "after-" + prefix))
                && !deadLetters.values().isEmpty());
        assertThat(deadLetters.values()).singleElement().satisfies(d -> {
            assertThat(d.getReason()).isEqualTo(FailureReason.UNDECODABLE);
            assertThat(d.getOriginalValue().array()).containsExactly(junk);
            assertThat(d.getSourcePartition()).isZero();
        });
        assertThat(results.values()).filteredOn(r -> r.getJobId().startsWith("junk-"))
                .singleElement().extracting(CompletionResult::getFailureReason).isEqualTo(FailureReason.UNDECODABLE);
    }

    @Test
    void anAnswerTooLargeForTheResultsTopicEndsTheJobFailedInsteadOfBlockingThePartition() {
        String huge = "x".repeat(1_200_000); // over the producer's 1 MB max.request.size
        start(config("w-huge"), simulated(latency(5).withReply(huge)));
        RoutedRequest r = job("huge", "huge-" + prefix);
        r.getRequest().setParams(CompletionParams.newBuilder().build()); // no max tokens: the whole answer
        send(r);
        producer.flush();
        List<String> ids = List.of(r.getRequest().getJobId());

        await().atMost(WAIT).until(() -> resultsPerJob().keySet().containsAll(ids) && !deadLetters.values().isEmpty());
        assertThat(results.values()).filteredOn(x -> x.getJobId().equals(ids.get(0))).singleElement().satisfies(x -> {
            assertThat(x.getStatus()).isEqualTo(ResultStatus.FAILED);
            assertThat(x.getFailureReason()).isEqualTo(FailureReason.INTERNAL);
            assertThat(x.getFailureMessage()).contains("RecordTooLargeException");
        });
        assertThat(deadLetters.values()).singleElement().extracting(DeadLetter::getReason).isEqualTo(FailureReason.INTERNAL);
    }

    @Test
    void afterACrashWithCallsInFlightEveryJobStillGetsExactlyOneResult() {
        // The first worker's provider answers only after a minute: the crash catches every call in flight.
        ProviderAdapter slow = simulated(latency(60_000));
        Worker crashing = start(config("w-crash-a"), slow);
        List<String> ids = produce("crash", 30);
        await().atMost(WAIT).until(() -> crashing.inFlight() == 30);

        crashing.abort();

        Worker successor = start(config("w-crash-b"), simulated(latency(20)));
        await().atMost(WAIT).until(() -> resultsPerJob().keySet().containsAll(ids));
        successor.close();

        assertThat(resultsPerJob()).hasSize(30).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
        assertThat(results.values()).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(ResultStatus.SUCCEEDED));
        assertThat(successor.metrics().jobsEnded()).isEqualTo(30);
        assertThat(sim.stats(slow.provider()).succeeded()).as("the crashed worker's calls never answered").isZero();
    }

    @Test
    void afterACrashRecordsThatHadFinishedAboveTheCommittedOffsetAreNotCalledAgain() throws Exception {
        // In-process provider: the first record must hang while the nine behind it finish.
        FakeProvider first = new FakeProvider(Fixtures.PROVIDER, 5);
        Worker crashing = start(config("w-skip-a"), first);
        String topic = topics.provider(Fixtures.PROVIDER);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String kind = i == 0 ? "hang" : "ok";
            RoutedRequest r = job(kind, kind + "-skip-" + prefix + i);
            ids.add(r.getRequest().getJobId());
            producer.send(new ProducerRecord<>(topic, 0, r.getRequest().getJobId(), codec.encode(topic, r)));
        }
        producer.flush();
        await().atMost(WAIT).until(() -> crashing.metrics().jobsEnded() == 9);
        // Committed at the hung record, nothing unfinished above it: all nine outputs are acknowledged.
        await().atMost(WAIT).until(() -> committedMetadata(prefix + "workers", new TopicPartition(topic, 0)).equals("v1:9:"));

        crashing.abort();
        FakeProvider second = new FakeProvider(Fixtures.PROVIDER, 5);
        second.release();
        Worker successor = start(config("w-skip-b"), second);
        await().atMost(WAIT).until(() -> resultsPerJob().keySet().containsAll(ids));
        successor.close();

        assertThat(second.calls.get()).as("only the unfinished record is called again").isEqualTo(1);
        assertThat(successor.metrics().skippedFinishedRecords()).isEqualTo(9);
        assertThat(resultsPerJob()).hasSize(10).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
        assertThat(committedTotal(prefix + "workers")).isEqualTo(10);
    }

    private String committedMetadata(String groupId, TopicPartition partition) throws Exception {
        try (Admin admin = cluster.admin()) {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).get(partition);
            return o == null ? "" : o.metadata();
        }
    }

    @Test
    void aRebalanceLetsInFlightCallsFinishWithinTheGraceThenHandsThePartitionsOver() throws Exception {
        // Calls outlast the rebalance, so the revoking worker waits for them before committing.
        Worker a = start(config("w-rb-a").revokeGrace(Duration.ofSeconds(30)), simulated(latency(6_000)));
        List<String> ids = new ArrayList<>(produce("ok", 30));
        await().atMost(WAIT).until(() -> a.inFlight() == 30);

        Worker b = start(config("w-rb-b"), simulated(latency(20)));
        await().atMost(WAIT).until(() -> b.assignedPartitions() > 0 && a.assignedPartitions() < 3);
        ids.addAll(produce("late", 30));

        await().atMost(WAIT).until(() -> resultsPerJob().keySet().containsAll(ids));
        a.close();
        b.close();
        assertThat(resultsPerJob()).hasSize(60).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
        assertThat(a.metrics().abandonedCalls()).isZero();
        assertThat(b.metrics().jobsEnded()).as("the second worker took partitions over").isPositive();
        assertThat(committedTotal(prefix + "workers")).isEqualTo(60);
    }

    @Test
    void callsStillRunningAfterTheGraceAreAbandonedUncommittedAndTheNewOwnerRedoesThem() throws Exception {
        ProviderAdapter slow = simulated(latency(60_000));
        Worker a = start(config("w-ab-a").revokeGrace(Duration.ofMillis(10)).shutdownGrace(Duration.ofMillis(10)), slow);
        List<String> ids = new ArrayList<>(produce("ok", 30));
        await().atMost(WAIT).until(() -> a.inFlight() == 30);

        Worker b = start(config("w-ab-b"), simulated(latency(20)));
        await().atMost(WAIT).until(() -> b.assignedPartitions() > 0 && a.assignedPartitions() < 3);
        ids.addAll(produce("late", 30));
        // A's remaining calls are abandoned at shutdown too; B takes their partitions and redoes them.
        a.close();

        await().atMost(WAIT).until(() -> resultsPerJob().keySet().containsAll(ids));
        b.close();
        assertThat(a.metrics().abandonedCalls()).as("every call A started").isGreaterThanOrEqualTo(30);
        assertThat(a.metrics().jobsEnded()).isZero();
        assertThat(resultsPerJob()).hasSize(60).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
        assertThat(committedTotal(prefix + "workers")).isEqualTo(60);
    }

    @Test
    void backpressureHoldsTheInFlightBound() {
        ProviderAdapter provider = simulated(latency(50));
        Worker worker = start(config("w-bp").maxInFlightTotal(20).maxInFlightPerProvider(20).metricsPort(0).jmx(true),
                provider);
        List<String> ids = produce("ok", 300);

        await().atMost(WAIT).until(() -> resultsPerJob().keySet().containsAll(ids));
        assertThat(worker.peakInFlight()).isEqualTo(20);
        assertThat(worker.metrics().peakInFlight()).isEqualTo(20);
        // Not the simulator's own peak: it counts a call until after the response is written, so the
        // worker's next call can arrive first and read 21 although the worker never had 21 out.
        assertThat(resultsPerJob().values()).containsOnly(1L);
        assertThat(scrape(worker.metricsPort())).contains("detour_worker_calls_in_flight_peak 20\n")
                .contains("detour_worker_jobs_ended_total 300\n");
        assertThat(java.lang.management.ManagementFactory.getPlatformMBeanServer()
                .queryNames(objectName("dev.detour.worker.w-bp:*"), null)).isNotEmpty();
    }

    private static javax.management.ObjectName objectName(String name) {
        try {
            return new javax.management.ObjectName(name);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String scrape(int port) {
        try {
            return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
