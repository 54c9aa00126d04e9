package dev.detour.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detour.core.Topics;
import dev.detour.schema.AttemptOutcome;
import dev.detour.schema.ChatMessage;
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

/** The worker against a real broker: the paths a job can take, crashes, rebalances, backpressure. */
@WithKafka
class WorkerKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    private RegistryWireCodec codec;
    private String registryUrl;
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
        results = tail(topics.results(), CompletionResult.class);
        retries = tail(topics.retries(), RoutedRequest.class);
        feedback = tail(topics.feedback(), AttemptOutcome.class);
        usage = tail(topics.usage(), UsageRecord.class);
        deadLetters = tail(topics.deadLetter(), DeadLetter.class);
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

    private Worker start(WorkerConfig.Builder config, FakeProvider provider) {
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
        Worker worker = start(config("w-success"), new FakeProvider(Fixtures.PROVIDER, 20));
        List<String> ids = produce("ok", 20);

        await().atMost(WAIT).until(() -> resultsPerJob().keySet().containsAll(ids));
        assertThat(results.values()).allSatisfy(r -> {
            assertThat(r.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
            assertThat(r.getContent()).startsWith("echo ok:");
            assertThat(r.getCostMicros()).isEqualTo(20); // 10 in at $1/M + 5 out at $2/M
        });
        await().atMost(WAIT).until(() -> feedback.values().size() >= 20 && usage.values().size() >= 20);
        assertThat(feedback.records).allSatisfy(k -> assertThat(k.key()).isEqualTo(Fixtures.DEPLOYMENT));
        assertThat(usage.records).allSatisfy(k -> assertThat(k.key()).isEqualTo(k.value().getAttemptId()));
        assertThat(worker.metrics().jobsEnded()).isEqualTo(20);

        worker.close();
        assertThat(committedTotal(prefix + "workers")).isEqualTo(20);
        assertThat(resultsPerJob().values()).containsOnly(1L);
    }

    @Test
    void aTransientFaultIsRetriedOnTheSameDeploymentAndSucceeds() {
        start(config("w-flaky"), new FakeProvider(Fixtures.PROVIDER, 10));
        List<String> ids = produce("flaky", 3);

        await().atMost(WAIT).until(() -> resultsPerJob().keySet().containsAll(ids));
        assertThat(results.values()).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(ResultStatus.SUCCEEDED));
        await().atMost(WAIT).until(() -> feedback.values().size() >= 6);
        Map<String, List<String>> tries = feedback.values().stream().collect(Collectors.groupingBy(
                AttemptOutcome::getJobId, Collectors.mapping(o -> o.getAttemptId() + ":" + o.getErrorClass(),
                        Collectors.toList())));
        for (String id : ids) {
            assertThat(tries.get(id)).containsExactly(id + "#1:SERVER_ERROR", id + "#1.2:null");
        }
        assertThat(retries.values()).isEmpty();
    }

    @Test
    void aRateLimitedCallGoesBackToTheRouter() {
        start(config("w-429"), new FakeProvider(Fixtures.PROVIDER, 10));
        List<String> ids = produce("limited", 2);

        await().atMost(WAIT).until(() -> retries.values().size() >= 2);
        assertThat(retries.records).allSatisfy(k -> {
            assertThat(ids).contains(k.key());
            assertThat(k.value().getTried()).singleElement().satisfies(a -> {
                assertThat(a.getErrorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
                assertThat(a.getHttpStatus()).isEqualTo(429);
                assertThat(a.getRetryAfterMs()).isEqualTo(1_000);
            });
        });
        assertThat(results.values()).isEmpty();
    }

    @Test
    void aRejectedKeyFailsOverAndAnInvalidRequestEndsTheJob() {
        start(config("w-401"), new FakeProvider(Fixtures.PROVIDER, 10));
        List<String> auth = produce("auth", 1);
        List<String> bad = produce("bad", 1);

        await().atMost(WAIT).until(() -> retries.values().size() >= 1 && results.values().size() >= 1
                && deadLetters.values().size() >= 1);
        assertThat(retries.values()).singleElement().satisfies(r -> {
            assertThat(r.getRequest().getJobId()).isEqualTo(auth.get(0));
            assertThat(r.getTried().get(0).getErrorClass()).isEqualTo(ErrorClass.AUTH);
            assertThat(r.getTried().get(0).getHttpStatus()).isEqualTo(401);
        });
        assertThat(results.values()).singleElement().satisfies(r -> {
            assertThat(r.getJobId()).isEqualTo(bad.get(0));
            assertThat(r.getStatus()).isEqualTo(ResultStatus.FAILED);
            assertThat(r.getFailureReason()).isEqualTo(FailureReason.NON_RETRYABLE);
        });
        assertThat(deadLetters.values()).singleElement().satisfies(d -> {
            assertThat(d.getJobId()).isEqualTo(bad.get(0));
            assertThat(d.getErrorClass()).isEqualTo(ErrorClass.INVALID_REQUEST);
            assertThat(d.getRequest()).isNotNull();
        });
    }

    @Test
    void anUndecodableRecordIsDeadLetteredWithItsBytesAndDoesNotBlockThePartition() {
        start(config("w-junk"), new FakeProvider(Fixtures.PROVIDER, 5));
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
    void afterACrashWithCallsInFlightEveryJobStillGetsExactlyOneResult() {
        FakeProvider first = new FakeProvider(Fixtures.PROVIDER, 0);
        Worker crashing = start(config("w-crash-a"), first);
        List<String> ids = produce("hang", 30);
        await().atMost(WAIT).until(() -> crashing.inFlight() == 30);

        crashing.abort();
        first.release(); // the abandoned calls now answer; their results must not be published

        FakeProvider second = new FakeProvider(Fixtures.PROVIDER, 0);
        second.release();
        Worker successor = start(config("w-crash-b"), second);
        await().atMost(WAIT).until(() -> resultsPerJob().keySet().containsAll(ids));
        await().atMost(WAIT).until(() -> crashing.inFlight() == 0);
        successor.close();

        assertThat(resultsPerJob()).hasSize(30).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
        assertThat(second.calls.get()).isEqualTo(30);
    }

    @Test
    void aRebalanceLetsInFlightCallsFinishWithinTheGraceThenHandsThePartitionsOver() throws Exception {
        // Calls outlast the rebalance, so the revoking worker waits for them before committing.
        FakeProvider slow = new FakeProvider(Fixtures.PROVIDER, 6_000);
        Worker a = rebalance(slow, "ok", Duration.ofSeconds(30));
        assertThat(a.metrics().abandonedCalls()).isZero();
    }

    @Test
    void aRebalanceAbandonsCallsStillRunningAfterTheGraceAndTheNewOwnerRedoesThem() throws Exception {
        FakeProvider hanging = new FakeProvider(Fixtures.PROVIDER, 0);
        Worker a = rebalance(hanging, "hang", Duration.ofMillis(10));
        assertThat(a.metrics().abandonedCalls()).isPositive();
    }

    /**
     * Worker A has 30 calls in flight when B joins; once B owns partitions, A's provider answers
     * and 30 more jobs arrive. Every job must end exactly once.
     */
    private Worker rebalance(FakeProvider providerOfA, String kind, Duration revokeGrace) throws Exception {
        Worker a = start(config("w-rb-a").revokeGrace(revokeGrace), providerOfA);
        List<String> ids = new ArrayList<>(produce(kind, 30));
        await().atMost(WAIT).until(() -> a.inFlight() == 30);

        FakeProvider providerOfB = new FakeProvider(Fixtures.PROVIDER, 100);
        providerOfB.release();
        Worker b = start(config("w-rb-b").revokeGrace(revokeGrace), providerOfB);
        await().atMost(WAIT).until(() -> b.assignedPartitions() > 0 && a.assignedPartitions() < 3);
        providerOfA.release();
        ids.addAll(produce("late", 30));

        await().atMost(WAIT).until(() -> resultsPerJob().keySet().containsAll(ids));
        a.close();
        b.close();
        assertThat(resultsPerJob()).hasSize(60).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
        assertThat(b.metrics().jobsEnded()).as("the second worker took partitions over").isPositive();
        assertThat(committedTotal(prefix + "workers")).isEqualTo(60);
        return a;
    }

    @Test
    void backpressureHoldsTheInFlightBound() {
        FakeProvider provider = new FakeProvider(Fixtures.PROVIDER, 50);
        Worker worker = start(config("w-bp").maxInFlightTotal(20).maxInFlightPerProvider(20), provider);
        List<String> ids = produce("ok", 300);

        await().atMost(WAIT).until(() -> resultsPerJob().keySet().containsAll(ids));
        assertThat(worker.peakInFlight()).isEqualTo(20);
        assertThat(worker.metrics().peakInFlight()).isEqualTo(20);
        assertThat(provider.peakConcurrent.get()).isLessThanOrEqualTo(20);
        assertThat(resultsPerJob().values()).containsOnly(1L);
    }
}
