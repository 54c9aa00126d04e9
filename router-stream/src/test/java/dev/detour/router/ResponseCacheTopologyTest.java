package dev.detour.router;

import static dev.detour.router.testing.Fixtures.outcome;
import static dev.detour.router.testing.Fixtures.request;
import static dev.detour.router.testing.Fixtures.threeProviders;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.router.policy.ResponseCachePolicy;
import dev.detour.router.testing.RouterHarness;
import dev.detour.schema.CacheMode;
import dev.detour.schema.CachedAnswer;
import dev.detour.schema.CompletionParams;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.ResultStatus;
import dev.detour.schema.RoutedRequest;
import dev.detour.schema.RoutingHints;
import dev.detour.schema.TenantPolicy;
import dev.detour.schema.TokenUsage;
import dev.detour.schema.UsageRecord;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The last-resort cache in the router: written from results, served when nothing is healthy (or preferred). */
class ResponseCacheTopologyTest {
    private RouterHarness router;

    @BeforeEach
    void start() {
        router = new RouterHarness();
        router.catalog(threeProviders());
    }

    @AfterEach
    void stop() {
        router.close();
    }

    private void tenant(String id, CacheMode mode, Long ttlMs, boolean allowTemperature) {
        router.tenant(TenantPolicy.newBuilder().setTenant(id).setCache(mode).setCacheTtlMs(ttlMs)
                .setCacheAllowTemperature(allowTemperature).build());
    }

    private void outageEverywhere() {
        for (String d : List.of("alpha/small-a", "beta/small-b", "gamma/small-c")) {
            for (int i = 0; i < 5; i++) {
                router.feedback(outcome(d, false, ErrorClass.SERVER_ERROR, 50, router.now(), null));
            }
        }
    }

    private static CompletionRequest ask(String jobId, String tenant, long now) {
        return CompletionRequest.newBuilder(request(jobId, "chat", now)).setTenant(tenant).build();
    }

    /** Routes a job and answers it as a worker would; returns the routed request. */
    private RoutedRequest answered(CompletionRequest r, String content) {
        router.request(r);
        List<RoutedRequest> routed = router.routed();
        assertThat(routed).hasSize(1);
        RoutedRequest rr = routed.get(0);
        router.workerResult(CompletionResult.newBuilder()
                .setJobId(r.getJobId()).setTenant(r.getTenant()).setStatus(ResultStatus.SUCCEEDED)
                .setContent(content).setFinishReason("stop")
                .setUsage(TokenUsage.newBuilder().setInputTokens(1000).setOutputTokens(500).build())
                .setCostMicros(700).setProvider(rr.getDeployment().getProvider())
                .setDeploymentId(rr.getDeployment().getDeploymentId()).setModel(rr.getDeployment().getModel())
                .setRequestedModel(r.getModel()).setSubmittedAtMs(r.getSubmittedAtMs()).setCompletedAtMs(router.now())
                .setMetadata(rr.getRequest().getMetadata()).build());
        return rr;
    }

    @Test
    void fallbackServesAKnownGoodAnswerOnlyWhenNothingIsHealthy() {
        tenant("acme", CacheMode.FALLBACK, null, false);
        RoutedRequest first = answered(ask("j1", "acme", router.now()), "the answer");
        assertThat(first.getRequest().getMetadata()).containsKey(ResponseCachePolicy.KEY_LABEL);
        assertThat(router.cacheWrites()).singleElement().satisfies(e -> {
            assertThat(e.getOriginalJobId()).isEqualTo("j1");
            assertThat(e.getTenant()).isEqualTo("acme");
            assertThat(e.getExpiresAtMs()).isEqualTo(router.now() + ResponseCachePolicy.DEFAULT_TTL_MS);
        });

        // Healthy: the same question goes to a provider, not to the cache.
        router.request(ask("j2", "acme", router.now()));
        assertThat(router.routed()).hasSize(1);
        assertThat(router.results()).isEmpty();

        router.advance(Duration.ofSeconds(30));
        outageEverywhere();
        router.request(ask("j3", "acme", router.now()));
        assertThat(router.routed()).isEmpty();
        assertThat(router.results()).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
            assertThat(r.getServedFromCache()).isTrue();
            assertThat(r.getContent()).isEqualTo("the answer");
            assertThat(r.getCacheOrigin().getOriginalJobId()).isEqualTo("j1");
            assertThat(r.getCacheOrigin().getProvider()).isEqualTo(first.getDeployment().getProvider());
            assertThat(r.getCacheOrigin().getAgeMs()).isEqualTo(30_000); // marked stale by its age
            assertThat(r.getCostMicros()).isZero();
            assertThat(r.getMetadata()).doesNotContainKey(ResponseCachePolicy.KEY_LABEL);
        });
        assertThat(router.usage()).singleElement().satisfies(u -> {
            assertThat(u.getServedFromCache()).isTrue();
            assertThat(u.getCostMicros()).isZero();
            assertThat(u.getAttemptId()).isEqualTo("j3#cache");
            assertThat(u.getUsage().getOutputTokens()).isEqualTo(500);
        });
        // A served answer is not written back (its age would reset).
        assertThat(router.cacheWrites()).isEmpty();
        assertThat(router.decisionCounts()).containsEntry("served-from-cache", 1.0);
    }

    @Test
    void aJobThatUsedUpItsAttemptsIsAnsweredFromTheCacheAndPaysOnlyForItsAttempts() {
        tenant("acme", CacheMode.FALLBACK, null, false);
        RoutedRequest first = answered(ask("j1", "acme", router.now()), "the answer");
        router.cacheWrites();
        List<dev.detour.schema.AttemptSummary> tried = new java.util.ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            tried.add(dev.detour.schema.AttemptSummary.newBuilder(
                    dev.detour.router.testing.Fixtures.failedAttempt(i, "j2", "beta/small-b", ErrorClass.RATE_LIMITED,
                            null, router.now())).setCostMicros(10).build());
        }
        router.retry(RoutedRequest.newBuilder(first).setRequest(ask("j2", "acme", router.now())).setTried(tried).build());
        assertThat(router.results()).singleElement().satisfies(r -> {
            assertThat(r.getServedFromCache()).isTrue();
            assertThat(r.getAttempts()).hasSize(6);
            assertThat(r.getCostMicros()).isEqualTo(60);
        });
    }

    @Test
    void theOldestEntriesOfATenantAreEvictedBeyondItsBound() {
        router.tenant(TenantPolicy.newBuilder().setTenant("acme").setCache(CacheMode.FALLBACK).setCacheMaxEntries(1L).build());
        answered(ask("j1", "acme", router.now()), "first");
        CompletionRequest other = CompletionRequest.newBuilder(ask("j2", "acme", router.now()))
                .setMessages(List.of(dev.detour.schema.ChatMessage.newBuilder().setRole("user").setContent("Other").build()))
                .build();
        answered(other, "second");
        List<CachedAnswer> writes = router.cacheWrites();
        assertThat(writes).hasSize(3);
        assertThat(writes.get(2)).isNull(); // tombstone of j1's entry
        outageEverywhere();
        router.request(ask("j3", "acme", router.now()));
        assertThat(router.results()).isEmpty(); // evicted: parked, not served
        router.request(CompletionRequest.newBuilder(other).setJobId("j4").build());
        assertThat(router.results()).singleElement().satisfies(r -> assertThat(r.getContent()).isEqualTo("second"));
    }

    @Test
    void neverServedAcrossTenants() {
        tenant("acme", CacheMode.FALLBACK, null, false);
        tenant("other", CacheMode.FALLBACK, null, false);
        answered(ask("j1", "acme", router.now()), "acme's answer");
        assertThat(router.cacheWrites()).hasSize(1);
        outageEverywhere();
        router.request(ask("o1", "other", router.now()));
        assertThat(router.results()).isEmpty(); // parked, not served acme's answer
        assertThat(router.decisionCounts()).containsEntry("parked", 1.0);
    }

    @Test
    void entriesExpireWithTheTenantsTtl() {
        tenant("acme", CacheMode.FALLBACK, 60_000L, false);
        answered(ask("j1", "acme", router.now()), "the answer");
        assertThat(router.cacheWrites()).singleElement()
                .satisfies(e -> assertThat(e.getExpiresAtMs() - e.getCreatedAtMs()).isEqualTo(60_000));
        router.advance(Duration.ofSeconds(61));
        outageEverywhere();
        router.request(ask("j2", "acme", router.now()));
        assertThat(router.results()).isEmpty();
    }

    @Test
    void aTenantWithoutCachingNeitherWritesNorReads() {
        tenant("acme", CacheMode.OFF, null, false);
        RoutedRequest rr = answered(ask("j1", "acme", router.now()), "the answer");
        assertThat(rr.getRequest().getMetadata()).doesNotContainKey(ResponseCachePolicy.KEY_LABEL);
        assertThat(router.cacheWrites()).isEmpty();
        outageEverywhere();
        // Even a request asking for the cache gets none: the tenant has not opted in.
        router.request(CompletionRequest.newBuilder(ask("j2", "acme", router.now()))
                .setHints(RoutingHints.newBuilder().setCache(CacheMode.PREFER).build()).build());
        assertThat(router.results()).isEmpty();
    }

    @Test
    void temperatureAboveZeroIsNotCachedUnlessTheTenantSaysSo() {
        tenant("acme", CacheMode.FALLBACK, null, false);
        CompletionRequest warm = CompletionRequest.newBuilder(ask("j1", "acme", router.now()))
                .setParams(CompletionParams.newBuilder().setMaxTokens(100).setTemperature(0.7).build()).build();
        RoutedRequest rr = answered(warm, "a sampled answer");
        assertThat(rr.getRequest().getMetadata()).doesNotContainKey(ResponseCachePolicy.KEY_LABEL);
        assertThat(router.cacheWrites()).isEmpty();

        tenant("acme", CacheMode.FALLBACK, null, true);
        answered(CompletionRequest.newBuilder(warm).setJobId("j2").build(), "a sampled answer");
        assertThat(router.cacheWrites()).hasSize(1);
        outageEverywhere();
        router.request(CompletionRequest.newBuilder(warm).setJobId("j3").build());
        assertThat(router.results()).singleElement().satisfies(r -> assertThat(r.getServedFromCache()).isTrue());
    }

    @Test
    void preferServesBeforeAnyProviderIsCalled() {
        tenant("acme", CacheMode.FALLBACK, null, false);
        answered(ask("j1", "acme", router.now()), "the answer");
        router.cacheWrites();
        router.request(CompletionRequest.newBuilder(ask("j2", "acme", router.now()))
                .setHints(RoutingHints.newBuilder().setCache(CacheMode.PREFER).build()).build());
        assertThat(router.routed()).isEmpty();
        assertThat(router.results()).singleElement().satisfies(r -> assertThat(r.getServedFromCache()).isTrue());
        // A different question is a miss and goes to a provider.
        router.request(CompletionRequest.newBuilder(ask("j3", "acme", router.now()))
                .setMessages(List.of(dev.detour.schema.ChatMessage.newBuilder().setRole("user").setContent("Other").build()))
                .setHints(RoutingHints.newBuilder().setCache(CacheMode.PREFER).build()).build());
        assertThat(router.routed()).hasSize(1);
    }

    @Test
    void aParkedJobIsServedWhenAnAnswerArrivesLater() {
        tenant("acme", CacheMode.FALLBACK, null, false);
        outageEverywhere();
        router.request(ask("p1", "acme", router.now()));
        assertThat(router.results()).isEmpty();
        // Another instance's job for the same question succeeded meanwhile (e.g. a probe got through).
        router.workerResult(CompletionResult.newBuilder()
                .setJobId("elsewhere").setTenant("acme").setStatus(ResultStatus.SUCCEEDED).setContent("late answer")
                .setUsage(TokenUsage.newBuilder().setInputTokens(10).setOutputTokens(5).build())
                .setProvider("beta").setDeploymentId("beta/small-b").setModel("small-b").setRequestedModel("chat")
                .setSubmittedAtMs(router.now()).setCompletedAtMs(router.now())
                .setMetadata(java.util.Map.of(ResponseCachePolicy.KEY_LABEL,
                        dev.detour.core.cache.CacheKey.of(ask("p1", "acme", router.now())))).build());
        router.advance(Duration.ofMillis(300));
        assertThat(router.results()).singleElement().satisfies(r -> {
            assertThat(r.getJobId()).isEqualTo("p1");
            assertThat(r.getServedFromCache()).isTrue();
            assertThat(r.getContent()).isEqualTo("late answer");
        });
        List<UsageRecord> usage = router.usage();
        assertThat(usage).hasSize(1);
    }
}
