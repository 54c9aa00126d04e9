package dev.detour.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detour.cli.demo.DemoScenario;
import dev.detour.cli.demo.HtmlReport;
import dev.detour.cli.demo.JobSample;
import dev.detour.cli.runtime.EmbeddedRuntime;
import dev.detour.client.CompletionRequests;
import dev.detour.core.TopicReader;
import dev.detour.client.DeadLetterReplay;
import dev.detour.client.DetourClient;
import dev.detour.client.DetourClientConfig;
import dev.detour.client.ReplayFilter;
import dev.detour.ledger.LedgerClient;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.DeadLetter;
import dev.detour.schema.FailureReason;
import dev.detour.schema.ProviderSpec;
import dev.detour.schema.ResultStatus;
import dev.detour.schema.Strategy;
import dev.detour.schema.TenantPolicy;
import dev.detour.schemas.serde.AvroSerde;
import dev.detour.schemas.serde.SchemaRegistryClients;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** The demo scenario, shortened, on a real broker: the brief's invariants hold through an outage and a 429 storm. */
@WithKafka
class DemoEndToEndTest {

    @Test
    void everyJobEndsOnceFailoverHappensLedgerAgreesAndReplayEndsDeadLettersOnce(KafkaCluster kafka) throws Exception {
        TenantPolicy tenant = TenantPolicy.newBuilder().setTenant("demo").setStrategy(Strategy.BALANCED).setAllowCheaperTier(true).build();
        try (EmbeddedRuntime runtime = EmbeddedRuntime.start(EmbeddedRuntime.Options.demo()
                .withBootstrapServers(kafka.bootstrapServers()).withTenants(List.of(tenant)))) {

            DemoScenario.Settings settings = DemoScenario.Settings.demo().withRate(20, 15_000);
            DemoScenario.Outcome outcome = new DemoScenario(runtime, settings,
                    new PrintStream(new ByteArrayOutputStream()), false).run();

            // I1: every job reached a terminal result, and exactly one is on the results topic.
            assertThat(outcome.stats().finishedCount()).isEqualTo(settings.totalJobs());
            Map<String, Long> resultsPerJob = resultsPerJob(runtime);
            assertThat(outcome.stats().samples()).allSatisfy(s -> assertThat(resultsPerJob.get(s.jobId())).as(s.jobId()).isEqualTo(1L));
            assertThat(outcome.stats().succeededCount()).isEqualTo(settings.totalJobs());

            // Failover during the outage: jobs moved away from the provider that went down.
            assertThat(outcome.outageProvider()).isNotNull();
            assertThat(outcome.stats().failoverCount()).isPositive();
            long outageStart = outcome.startMs() + (long) (settings.durationMs() * settings.outageFrom());
            long outageEnd = outcome.startMs() + (long) (settings.durationMs() * settings.outageTo());
            List<JobSample.Attempt> lateOutageAttempts = outcome.stats().samples().stream()
                    .flatMap(s -> s.attempts().stream())
                    .filter(a -> a.startedAtMs() > outageStart + 1_500 && a.startedAtMs() < outageEnd)
                    .toList();
            assertThat(lateOutageAttempts).isNotEmpty();
            assertThat(lateOutageAttempts.stream().filter(a -> a.provider().equals(outcome.outageProvider())).count())
                    .as("attempts on the downed provider once the breaker opened")
                    .isLessThan(lateOutageAttempts.size() / 5 + 1);

            // I3: the ledger's total equals the sum of the results' costs.
            assertThat(outcome.ledgerSpendMicros()).isEqualTo(outcome.stats().totalCostMicros());
            assertThat(outcome.ledgerBaselineMicros()).isGreaterThanOrEqualTo(outcome.ledgerSpendMicros());
            assertThat(HtmlReport.render(outcome.summary(), outcome.stats(), outcome.phases(), outcome.startMs(), 2_000))
                    .contains("<svg").contains(outcome.outageProvider() + " down");

            replayOfDeadLettersEndsEachOnce(runtime);
        }
    }

    private void replayOfDeadLettersEndsEachOnce(EmbeddedRuntime runtime) throws Exception {
        DetourClientConfig config = DetourClientConfig.of(runtime.bootstrapServers(), runtime.registryUrl())
                .withTopicPrefix(runtime.topics().prefix());
        for (ProviderSpec p : runtime.catalog().getProviders()) {
            runtime.simulator().script(p.getName(), EmbeddedRuntime.defaultScript().withDown(true));
        }
        List<CompletionRequest> doomed = new ArrayList<>();
        try (DetourClient client = DetourClient.create(config)) {
            List<CompletableFuture<CompletionResult>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                CompletionRequest r = CompletionRequests.userMessage("replayers", "balanced", "job " + i, Duration.ofSeconds(3));
                doomed.add(r);
                futures.add(client.submit(r));
            }
            for (CompletableFuture<CompletionResult> f : futures) {
                CompletionResult r = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(r.getStatus()).isEqualTo(ResultStatus.FAILED);
                // Every provider answers 503: attempts run out, or the deadline passes while the job is parked.
                assertThat(r.getFailureReason()).isIn(FailureReason.DEADLINE, FailureReason.MAX_ATTEMPTS);
            }
        }
        List<String> doomedIds = doomed.stream().map(CompletionRequest::getJobId).toList();
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters(runtime).keySet().containsAll(doomedIds));

        for (ProviderSpec p : runtime.catalog().getProviders()) {
            runtime.simulator().script(p.getName(), EmbeddedRuntime.defaultScript());
        }
        DeadLetterReplay replay = new DeadLetterReplay(config);
        ReplayFilter filter = new ReplayFilter("replayers", null, null, null, null);
        List<DeadLetterReplay.Replayed> first = replay.replay(filter, false, 0, Duration.ofMinutes(2));
        assertThat(first).extracting(DeadLetterReplay.Replayed::originalJobId).containsExactlyInAnyOrderElementsOf(doomedIds);
        List<String> replayedIds = first.stream().map(DeadLetterReplay.Replayed::newJobId).toList();

        await().atMost(Duration.ofSeconds(60)).until(() -> resultsPerJob(runtime).keySet().containsAll(replayedIds));
        List<DeadLetterReplay.Replayed> second = replay.replay(filter, false, 0, Duration.ofMinutes(2));
        assertThat(second).extracting(DeadLetterReplay.Replayed::newJobId).containsExactlyInAnyOrderElementsOf(replayedIds);

        // A marker submitted after the second replay: once its result is in, the replays have been seen by the router.
        try (DetourClient client = DetourClient.create(config)) {
            client.submit(CompletionRequests.userMessage("replayers", "balanced", "marker", Duration.ofMinutes(1))).get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        Map<String, Long> results = resultsPerJob(runtime);
        Map<String, CompletionResult> last = lastResults(runtime);
        for (String id : replayedIds) {
            assertThat(results.get(id)).as("results of replayed job " + id).isEqualTo(1L);
            assertThat(last.get(id).getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
        }
        assertThat(new LedgerClient(runtime.ledger().httpUrl())
                .savings("replayers", LocalDate.now(ZoneOffset.UTC).minusDays(1), LocalDate.now(ZoneOffset.UTC).plusDays(1))
                .total().costMicros()).isPositive();
    }

    private static Map<String, Long> resultsPerJob(EmbeddedRuntime runtime) {
        return readAll(runtime, runtime.topics().results(), CompletionResult.class).stream()
                .collect(Collectors.groupingBy(CompletionResult::getJobId, Collectors.counting()));
    }

    private static Map<String, CompletionResult> lastResults(EmbeddedRuntime runtime) {
        Map<String, CompletionResult> m = new HashMap<>();
        readAll(runtime, runtime.topics().results(), CompletionResult.class).forEach(r -> m.put(r.getJobId(), r));
        return m;
    }

    private static Map<String, DeadLetter> deadLetters(EmbeddedRuntime runtime) {
        return readAll(runtime, runtime.topics().deadLetter(), DeadLetter.class).stream()
                .filter(d -> d.getJobId() != null)
                .collect(Collectors.toMap(DeadLetter::getJobId, Function.identity(), (a, b) -> b));
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> readAll(EmbeddedRuntime runtime, String topic, Class<T> type) {
        AvroSerde<T> serde = new AvroSerde<>(type, SchemaRegistryClients.forUrl(runtime.registryUrl()));
        List<T> out = new ArrayList<>();
        Map<String, Object> props = new HashMap<>(runtime.clientProperties());
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicReader.readToEnd(consumer, TopicReader.assignFromBeginning(consumer, topic, Duration.ofSeconds(30)),
                    r -> out.add(serde.deserializer().deserialize(topic, r.value())));
        }
        return out;
    }
}
