package dev.detour.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detour.cli.runtime.EmbeddedRuntime;
import dev.detour.client.CompletionRequests;
import dev.detour.client.DetourClient;
import dev.detour.client.DetourClientConfig;
import dev.detour.core.config.ConfigPublisher;
import dev.detour.ledger.LedgerClient;
import dev.detour.providers.simulator.ProviderScript;
import dev.detour.schema.AttemptSummary;
import dev.detour.schema.CacheMode;
import dev.detour.schema.CompletionParams;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.FailureReason;
import dev.detour.schema.GateVerdict;
import dev.detour.schema.ProviderDrain;
import dev.detour.schema.ProviderSpec;
import dev.detour.schema.QualityPolicy;
import dev.detour.schema.ResponseFormat;
import dev.detour.schema.ResultStatus;
import dev.detour.schema.RoutingHints;
import dev.detour.schema.Strategy;
import dev.detour.schema.TenantPolicy;
import dev.detour.schema.Tier;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Quality escalation and the last-resort cache on a real broker, with the router, workers, ledger and
 * the provider simulator of the embedded runtime: cheap providers answer broken JSON, so a gated job
 * escalates to the primary tier; then every provider goes away and a cached answer is served.
 */
@WithKafka
class LastResortEndToEndTest {
    private static final ProviderScript.Quality BROKEN_JSON = new ProviderScript.Quality(1.0, 0, 0);

    @Test
    void gatesEscalateToThePrimaryTierAndTheCacheAnswersAnOutage(KafkaCluster kafka) throws Exception {
        ProviderScript fast = ProviderScript.healthy().withLatency(ProviderScript.Latency.fixed(20));
        Map<String, ProviderScript> scripts = Map.of(
                "openai", fast.withQuality(ProviderScript.Quality.perfect()),
                "gemini", fast.withQuality(BROKEN_JSON),
                "deepseek", fast.withQuality(BROKEN_JSON),
                "mistral", fast.withQuality(BROKEN_JSON),
                "anthropic", fast);
        TenantPolicy gated = TenantPolicy.newBuilder().setTenant("gated").setStrategy(Strategy.COST).build();
        TenantPolicy cached = TenantPolicy.newBuilder().setTenant("cached").setCache(CacheMode.FALLBACK)
                .setCacheTtlMs(3_600_000L).build();
        try (EmbeddedRuntime runtime = EmbeddedRuntime.start(EmbeddedRuntime.Options.demo()
                .withBootstrapServers(kafka.bootstrapServers()).withWorkers(1).withScripts(scripts)
                .withTenants(List.of(gated, cached)));
             DetourClient client = DetourClient.create(DetourClientConfig.of(runtime.bootstrapServers(),
                     runtime.registryUrl()).withTopicPrefix(runtime.topics().prefix()))) {
            LedgerClient ledger = new LedgerClient(runtime.ledger().httpUrl());

            // 1. Escalation: starts on the cheap tier, whose JSON is broken, and ends on the primary tier.
            CompletionResult escalated = client.submit(jsonJob("gated", List.of("openai", "gemini", "deepseek", "mistral")))
                    .get(60, TimeUnit.SECONDS);
            assertThat(escalated.getStatus()).as(String.valueOf(escalated.getFailureMessage())).isEqualTo(ResultStatus.SUCCEEDED);
            assertThat(escalated.getProvider()).isEqualTo("openai");
            assertThat(escalated.getAttempts()).hasSizeGreaterThanOrEqualTo(2);
            assertThat(escalated.getAttempts().get(0).getErrorClass()).isEqualTo(ErrorClass.QUALITY);
            assertThat(escalated.getAttempts().get(0).getVerdicts()).anyMatch(v -> v.getGate().equals("json") && !v.getPassed());
            assertThat(escalated.getVerdicts()).extracting(GateVerdict::getGate).contains("json");
            assertThat(escalated.getVerdicts()).allMatch(GateVerdict::getPassed);
            long billed = escalated.getAttempts().stream().mapToLong(AttemptSummary::getCostMicros).sum();
            assertThat(escalated.getCostMicros()).isEqualTo(billed).isGreaterThan(escalated.getAttempts().get(1).getCostMicros());
            // Every attempt, failed gate or not, is in the ledger.
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> assertThat(ledger.job(escalated.getJobId()))
                    .hasValueSatisfying(j -> {
                        assertThat(j.attempts()).hasSize(escalated.getAttempts().size());
                        assertThat(j.costMicros()).isPositive();
                    }));

            // 2. Terminal: nothing stronger than the failing tiers is allowed, so the job ends FAILED/QUALITY.
            CompletionResult hopeless = client.submit(jsonJob("gated", List.of("gemini", "deepseek", "mistral")))
                    .get(60, TimeUnit.SECONDS);
            assertThat(hopeless.getStatus()).isEqualTo(ResultStatus.FAILED);
            assertThat(hopeless.getFailureReason()).isEqualTo(FailureReason.QUALITY);
            assertThat(hopeless.getAttempts()).allMatch(a -> a.getErrorClass() == ErrorClass.QUALITY);
            assertThat(hopeless.getVerdicts()).anyMatch(v -> !v.getPassed());

            // 3. Outage with cache: a known-good answer first, then every provider drained and down.
            CompletionRequest first = CompletionRequests.userMessage("cached", "balanced", "What is a compacted topic?",
                    Duration.ofSeconds(60));
            CompletionResult original = client.submit(first).get(60, TimeUnit.SECONDS);
            assertThat(original.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
            assertThat(original.getServedFromCache()).isFalse();
            try (ConfigPublisher config = new ConfigPublisher(runtime.bootstrapServers(), runtime.registryUrl(),
                    runtime.topics(), Map.of())) {
                for (ProviderSpec p : runtime.catalog().getProviders()) {
                    runtime.simulator().script(p.getName(), fast.withDown(true));
                    config.publishDrain(ProviderDrain.newBuilder().setProvider(p.getName()).setDrained(true)
                            .setReason("test outage").build());
                }
            }
            CompletionRequest again = CompletionRequests.userMessage("cached", "balanced", "What is a compacted topic?",
                    Duration.ofSeconds(30));
            CompletionResult fromCache = client.submit(again).get(60, TimeUnit.SECONDS);
            assertThat(fromCache.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
            assertThat(fromCache.getServedFromCache()).isTrue();
            assertThat(fromCache.getContent()).isEqualTo(original.getContent());
            assertThat(fromCache.getCacheOrigin().getOriginalJobId()).isEqualTo(first.getJobId());
            assertThat(fromCache.getCacheOrigin().getProvider()).isEqualTo(original.getProvider());
            assertThat(fromCache.getCacheOrigin().getAgeMs()).isPositive();
            assertThat(fromCache.getCostMicros()).isZero();

            // Another tenant asking the same question gets no one else's answer: it waits and fails.
            CompletionResult other = client.submit(CompletionRequests.userMessage("gated", "balanced",
                    "What is a compacted topic?", Duration.ofSeconds(2))).get(60, TimeUnit.SECONDS);
            assertThat(other.getStatus()).isEqualTo(ResultStatus.FAILED);
            assertThat(other.getServedFromCache()).isFalse();

            // The ledger counts the cached answer at zero cost, its avoided cost as savings.
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                var total = ledger.savings("cached", today, today).total();
                assertThat(total.cachedAnswers()).isEqualTo(1);
                assertThat(total.savingsMicros()).isPositive();
            });
        }
    }

    private static CompletionRequest jsonJob(String tenant, List<String> providers) {
        CompletionRequest base = CompletionRequests.userMessage(tenant, "frontier",
                "Return a JSON object describing the planet Mars.", Duration.ofSeconds(60));
        return CompletionRequest.newBuilder(base)
                .setParams(CompletionParams.newBuilder().setResponseFormat(new ResponseFormat("json_object", null)).build())
                .setHints(RoutingHints.newBuilder().setTier(Tier.TERTIARY).setAllowedProviders(providers).build())
                .setQuality(QualityPolicy.newBuilder().setMinLength(10).build())
                .build();
    }
}
