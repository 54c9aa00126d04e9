package dev.detour.router.policy;

import static dev.detour.router.testing.Fixtures.deployment;
import static dev.detour.router.testing.Fixtures.failedAttempt;
import static dev.detour.router.testing.Fixtures.request;
import static dev.detour.router.testing.Fixtures.threeProviders;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.schema.Catalog;
import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.FailureReason;
import dev.detour.schema.RoutingHints;
import dev.detour.schema.Strategy;
import dev.detour.schema.TenantPolicy;
import dev.detour.schema.Tier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class RoutingPolicyTest {
    private static final long NOW = 1_000_000;
    private final RoutingPolicy policy = new RoutingPolicy(ScoringConfig.defaults());

    private String chosen(RoutingDecision d) {
        assertThat(d).isInstanceOf(RoutingDecision.Route.class);
        return ((RoutingDecision.Route) d).deployment().getId();
    }

    @Test
    void cheapestWinsWhenAllAreHealthyAndEquallyFast() {
        FakeState s = new FakeState(threeProviders());
        assertThat(chosen(policy.decide(request("j", "chat", NOW), List.of(), s, NOW))).isEqualTo("alpha/small-a");
    }

    @Test
    void aModelIdServesOnlyItsDeployments() {
        FakeState s = new FakeState(threeProviders());
        assertThat(chosen(policy.decide(request("j", "small-c", NOW), List.of(), s, NOW))).isEqualTo("gamma/small-c");
    }

    @Test
    void latencyStrategyPrefersTheFastestAndCostStrategyTheCheapest() {
        FakeState s = new FakeState(threeProviders());
        s.health.put("alpha/small-a", FakeState.healthy(4_000, 9_000));
        s.health.put("gamma/small-c", FakeState.healthy(300, 600));
        CompletionRequest fast = CompletionRequest.newBuilder(request("j", "chat", NOW))
                .setHints(RoutingHints.newBuilder().setStrategy(Strategy.LATENCY).build()).build();
        CompletionRequest cheap = CompletionRequest.newBuilder(request("j", "chat", NOW))
                .setHints(RoutingHints.newBuilder().setStrategy(Strategy.COST).build()).build();
        assertThat(chosen(policy.decide(fast, List.of(), s, NOW))).isEqualTo("gamma/small-c");
        assertThat(chosen(policy.decide(cheap, List.of(), s, NOW))).isEqualTo("alpha/small-a");
    }

    @Test
    void aHighErrorRateMovesTrafficAway() {
        FakeState s = new FakeState(threeProviders());
        s.health.put("alpha/small-a", FakeState.failing(0.4));
        assertThat(chosen(policy.decide(request("j", "chat", NOW), List.of(), s, NOW))).isEqualTo("beta/small-b");
    }

    @Test
    void constraintsFilterProvidersRegionsPriceAndContext() {
        FakeState s = new FakeState(threeProviders());
        CompletionRequest onlyEu = CompletionRequest.newBuilder(request("j", "chat", NOW))
                .setHints(RoutingHints.newBuilder().setAllowedRegions(List.of("eu")).build()).build();
        assertThat(chosen(policy.decide(onlyEu, List.of(), s, NOW))).isEqualTo("beta/small-b");

        CompletionRequest onlyGamma = CompletionRequest.newBuilder(request("j", "chat", NOW))
                .setHints(RoutingHints.newBuilder().setAllowedProviders(List.of("gamma")).build()).build();
        assertThat(chosen(policy.decide(onlyGamma, List.of(), s, NOW))).isEqualTo("gamma/small-c");

        CompletionRequest tooCheap = CompletionRequest.newBuilder(request("j", "chat", NOW))
                .setHints(RoutingHints.newBuilder().setMaxPricePerMillionMicros(100_000L).build()).build();
        RoutingDecision d = policy.decide(tooCheap, List.of(), s, NOW);
        assertThat(d).isInstanceOfSatisfying(RoutingDecision.Fail.class, f -> {
            assertThat(f.reason()).isEqualTo(FailureReason.NO_ROUTE);
            assertThat(f.message()).contains("over max price");
        });

        String huge = "x".repeat(600_000); // ~150k tokens > 128k window
        CompletionRequest tooLong = CompletionRequest.newBuilder(request("j", "chat", NOW))
                .setMessages(List.of(ChatMessage.newBuilder().setRole("user").setContent(huge).build())).build();
        assertThat(policy.decide(tooLong, List.of(), s, NOW)).isInstanceOfSatisfying(RoutingDecision.Fail.class,
                f -> assertThat(f.message()).contains("context window"));
    }

    @Test
    void deploymentsBurntForThisJobAreExcludedAndTheJustFailedOneToo() {
        FakeState s = new FakeState(threeProviders());
        var tried = List.of(failedAttempt(1, "j", "alpha/small-a", ErrorClass.QUOTA_EXHAUSTED, null, NOW - 100),
                failedAttempt(2, "j", "beta/small-b", ErrorClass.SERVER_ERROR, null, NOW - 50));
        RoutingDecision d = policy.decide(request("j", "chat", NOW), tried, s, NOW);
        assertThat(chosen(d)).isEqualTo("gamma/small-c");
    }

    @Test
    void aDeploymentThisJobWasThrottledByStaysOutUntilItsRetryAfterEvenWhenItDidNotFailLast() {
        FakeState s = new FakeState(threeProviders());
        s.health.put("gamma/small-c", FakeState.open(NOW + 60_000));
        // alpha said "retry in 5 s", then beta throttled too: the job must not bounce straight back to alpha.
        var tried = List.of(failedAttempt(1, "j", "alpha/small-a", ErrorClass.RATE_LIMITED, 5_000L, NOW - 20),
                failedAttempt(2, "j", "beta/small-b", ErrorClass.RATE_LIMITED, 800L, NOW - 5));
        RoutingDecision d = policy.decide(request("j", "chat", NOW), tried, s, NOW);
        assertThat(d).isInstanceOfSatisfying(RoutingDecision.Route.class, r -> {
            assertThat(r.deployment().getId()).isEqualTo("beta/small-b");
            assertThat(r.notBeforeMs()).isGreaterThanOrEqualTo(NOW - 5 + 800);
        });

        // Once alpha's retry-after has passed it is a candidate again.
        assertThat(chosen(policy.decide(request("j", "chat", NOW), tried, s, NOW + 6_000))).isEqualTo("alpha/small-a");
    }

    @Test
    void parksWhenEveryBreakerIsOpenWithTheEarliestWakeUp() {
        FakeState s = new FakeState(threeProviders());
        s.health.put("alpha/small-a", FakeState.open(NOW + 3_000));
        s.health.put("beta/small-b", FakeState.open(NOW + 1_000));
        s.health.put("gamma/small-c", FakeState.open(NOW + 2_000));
        RoutingDecision d = policy.decide(request("j", "chat", NOW), List.of(), s, NOW);
        assertThat(d).isInstanceOfSatisfying(RoutingDecision.Park.class, p -> {
            assertThat(p.wakeHintMs()).isEqualTo(NOW + 1_000);
            assertThat(p.reason()).contains("circuit open");
        });
    }

    @Test
    void drainedProvidersAreSkipped() {
        FakeState s = new FakeState(threeProviders());
        s.drained.add("alpha");
        assertThat(chosen(policy.decide(request("j", "chat", NOW), List.of(), s, NOW))).isEqualTo("beta/small-b");
    }

    @Test
    void tiersOrderFallbacksAndSimpleWorkMayStartCheaperWhenAllowed() {
        Catalog tiers = Catalog.newBuilder(threeProviders()).setDeployments(List.of(
                deployment("alpha", "big", Tier.PRIMARY, 3_000_000, 15_000_000, "chat"),
                deployment("beta", "mini", Tier.SECONDARY, 150_000, 600_000, "chat"))).build();
        FakeState s = new FakeState(tiers);
        RoutingDecision strict = policy.decide(request("j", "chat", NOW), List.of(), s, NOW);
        assertThat(chosen(strict)).isEqualTo("alpha/big");
        // Without the tenant's permission the prompt is not read for cues at all.
        assertThat(((RoutingDecision.Route) strict).score().getComplexity()).isNull();

        s.tenant = TenantPolicy.newBuilder().setTenant("acme").setAllowCheaperTier(true).build();
        RoutingDecision simple = policy.decide(request("j", "chat", NOW), List.of(), s, NOW);
        assertThat(chosen(simple)).isEqualTo("beta/mini");
        assertThat(((RoutingDecision.Route) simple).score().getNote()).contains("simple work");
        assertThat(((RoutingDecision.Route) simple).score().getComplexity()).isBetween(0.0, 0.3);

        CompletionRequest hard = CompletionRequest.newBuilder(request("j", "chat", NOW))
                .setMessages(List.of(ChatMessage.newBuilder().setRole("user").setContent(
                        "Prove step by step that this algorithm terminates, then refactor it:\n```java\n"
                                + "class A { public static void main(String[] a) { } }\n```\n" + "y".repeat(20_000)).build()))
                .build();
        assertThat(chosen(policy.decide(hard, List.of(), s, NOW))).isEqualTo("alpha/big");
    }

    @Test
    void aFailedQualityCheckEscalatesToThePrimaryTier() {
        Catalog tiers = Catalog.newBuilder(threeProviders()).setDeployments(List.of(
                deployment("alpha", "big", Tier.PRIMARY, 3_000_000, 15_000_000, "chat"),
                deployment("beta", "mini", Tier.SECONDARY, 150_000, 600_000, "chat"),
                deployment("gamma", "mini2", Tier.SECONDARY, 100_000, 500_000, "chat"))).build();
        FakeState s = new FakeState(tiers);
        s.tenant = TenantPolicy.newBuilder().setTenant("acme").setAllowCheaperTier(true).build();
        assertThat(chosen(policy.decide(request("j", "chat", NOW), List.of(), s, NOW))).isEqualTo("gamma/mini2");

        var tried = List.of(failedAttempt(1, "j", "gamma/mini2", ErrorClass.QUALITY, null, NOW - 10));
        RoutingDecision d = policy.decide(request("j", "chat", NOW), tried, s, NOW);
        assertThat(chosen(d)).isEqualTo("alpha/big");
        assertThat(((RoutingDecision.Route) d).score().getNote()).contains("quality check");
    }

    @Test
    void theWeightedDrawIsDeterministicPerJobAndAttempt() {
        FakeState s = new FakeState(threeProviders());
        s.health.put("alpha/small-a", FakeState.pressured(0.9));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            CompletionRequest r = request("job-" + i, "chat", NOW);
            String first = chosen(policy.decide(r, List.of(), s, NOW));
            assertThat(chosen(policy.decide(r, List.of(), s, NOW))).isEqualTo(first);
            counts.merge(first, 1, Integer::sum);
        }
        assertThat(counts.get("beta/small-b")).isGreaterThan(100);
        assertThat(counts.get("gamma/small-c")).isGreaterThan(60);
        assertThat(counts.getOrDefault("alpha/small-a", 0)).isLessThan(15);
    }

    @Test
    void refusesOrDowngradesOnAnExhaustedBudgetOnlyForNewJobs() {
        FakeState s = new FakeState(threeProviders());
        s.budget = dev.detour.schema.BudgetState.newBuilder().setTenant("acme")
                .setLevel(dev.detour.schema.BudgetLevel.EXHAUSTED).setPeriod("day:x").setSpentMicros(1)
                .setUpdatedAtMs(NOW).build();
        assertThat(policy.decide(request("j", "chat", NOW), List.of(), s, NOW))
                .isInstanceOfSatisfying(RoutingDecision.Fail.class, f -> assertThat(f.reason()).isEqualTo(FailureReason.BUDGET));
        var tried = List.of(failedAttempt(1, "j", "alpha/small-a", ErrorClass.SERVER_ERROR, null, NOW - 10));
        assertThat(policy.decide(request("j", "chat", NOW), tried, s, NOW)).isInstanceOf(RoutingDecision.Route.class);
    }

    @Test
    void anEmptyCatalogParksInsteadOfRejecting() {
        FakeState s = new FakeState(threeProviders());
        s.catalog = RoutingCatalog.empty();
        assertThat(policy.decide(request("j", "chat", NOW), List.of(), s, NOW)).isInstanceOf(RoutingDecision.Park.class);
    }

    @Property(tries = 200)
    void theSameStateAlwaysGivesTheSameDecision(@ForAll @AlphaChars @StringLength(min = 1, max = 20) String jobId,
                                                 @ForAll @DoubleRange(min = 0, max = 1) double pressure,
                                                 @ForAll @DoubleRange(min = 0, max = 0.6) double errors) {
        FakeState s = new FakeState(threeProviders());
        s.health.put("alpha/small-a", FakeState.pressured(pressure));
        s.health.put("beta/small-b", FakeState.failing(errors));
        CompletionRequest r = request(jobId, "chat", NOW);
        RoutingDecision a = policy.decide(r, List.of(), s, NOW);
        RoutingDecision b = policy.decide(r, List.of(), s, NOW);
        assertThat(chosen(a)).isEqualTo(chosen(b));
        assertThat(((RoutingDecision.Route) a).score()).isEqualTo(((RoutingDecision.Route) b).score());
    }

    @Property(tries = 200)
    void scoresAreNeverNegativeAndTheBestIsFirst(@ForAll @DoubleRange(min = 0, max = 1) double pressure,
                                                 @ForAll @DoubleRange(min = 0, max = 1) double errors) {
        FakeState s = new FakeState(threeProviders());
        s.health.put("gamma/small-c", FakeState.pressured(pressure));
        s.health.put("beta/small-b", FakeState.failing(errors));
        var route = (RoutingDecision.Route) policy.decide(request("j", "chat", NOW), List.of(), s, NOW);
        var totals = route.ranking().stream().map(c -> c.score().getTotal()).toList();
        assertThat(totals).allSatisfy(t -> assertThat(t).isGreaterThanOrEqualTo(0.0));
        assertThat(totals).isSorted();
    }
}
