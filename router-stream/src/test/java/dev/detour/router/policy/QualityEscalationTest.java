package dev.detour.router.policy;

import static dev.detour.router.testing.Fixtures.deployment;
import static dev.detour.router.testing.Fixtures.failedAttempt;
import static dev.detour.router.testing.Fixtures.request;
import static dev.detour.router.testing.Fixtures.threeProviders;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.schema.AttemptSummary;
import dev.detour.schema.Catalog;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.FailureReason;
import dev.detour.schema.ModelGroup;
import dev.detour.schema.QualityPolicy;
import dev.detour.schema.RoutingHints;
import dev.detour.schema.TenantPolicy;
import dev.detour.schema.Tier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QualityEscalationTest {
    private static final long NOW = 1_000_000;
    private final RoutingPolicy policy = new RoutingPolicy(ScoringConfig.defaults());

    /** Group "chat": tertiary tiny, secondary mini, primary big; groups "mid" and "top" for explicit lists. */
    private static FakeState tiers() {
        Catalog c = Catalog.newBuilder(threeProviders()).setDeployments(List.of(
                deployment("alpha", "big", Tier.PRIMARY, 3_000_000, 15_000_000, "chat", "top"),
                deployment("beta", "mini", Tier.SECONDARY, 150_000, 600_000, "chat", "mid"),
                deployment("gamma", "tiny", Tier.TERTIARY, 50_000, 100_000, "chat"))).setGroups(List.of(
                ModelGroup.newBuilder().setName("chat").build(), ModelGroup.newBuilder().setName("mid").build(),
                ModelGroup.newBuilder().setName("top").build())).build();
        return new FakeState(c);
    }

    private static CompletionRequest cheapStart(QualityPolicy q) {
        return CompletionRequest.newBuilder(request("j", "chat", NOW)).setQuality(q)
                .setHints(RoutingHints.newBuilder().setTier(Tier.TERTIARY).build()).build();
    }

    private static AttemptSummary quality(int attempt, String deployment) {
        return failedAttempt(attempt, "j", deployment, ErrorClass.QUALITY, null, NOW - 10);
    }

    private static String chosen(RoutingDecision d) {
        assertThat(d).isInstanceOf(RoutingDecision.Route.class);
        return ((RoutingDecision.Route) d).deployment().getId();
    }

    @Test
    void eachFailedGateMovesToAStrictlyStrongerTierUntilThePrimaryFails() {
        FakeState s = tiers();
        CompletionRequest r = cheapStart(QualityPolicy.newBuilder().build());
        assertThat(chosen(policy.decide(r, List.of(), s, NOW))).isEqualTo("gamma/tiny");
        List<AttemptSummary> tried = new ArrayList<>(List.of(quality(1, "gamma/tiny")));
        assertThat(chosen(policy.decide(r, tried, s, NOW))).isEqualTo("alpha/big");

        // Primary unavailable: the secondary is still stronger than the tertiary that failed.
        s.health.put("alpha/big", FakeState.open(NOW + 5_000));
        assertThat(chosen(policy.decide(r, tried, s, NOW))).isEqualTo("beta/mini");

        tried.add(quality(2, "beta/mini"));
        s.health.clear();
        assertThat(chosen(policy.decide(r, tried, s, NOW))).isEqualTo("alpha/big");

        // Only the primary tier is stronger than the secondary: while it is down the job waits, never going back down.
        s.health.put("alpha/big", FakeState.open(NOW + 5_000));
        assertThat(policy.decide(r, tried, s, NOW)).isInstanceOf(RoutingDecision.Park.class);
    }

    @Test
    void aFailedPrimaryAnswerEndsTheJobWithReasonQuality() {
        FakeState s = tiers();
        RoutingDecision d = policy.decide(cheapStart(QualityPolicy.newBuilder().build()),
                List.of(quality(1, "gamma/tiny"), quality(2, "alpha/big")), s, NOW);
        assertThat(d).isInstanceOfSatisfying(RoutingDecision.Fail.class, f -> {
            assertThat(f.reason()).isEqualTo(FailureReason.QUALITY);
            assertThat(f.message()).contains("strongest tier");
        });
    }

    @Test
    void escalationsAreBounded() {
        FakeState s = tiers();
        CompletionRequest r = cheapStart(QualityPolicy.newBuilder().setMaxEscalations(1).build());
        assertThat(chosen(policy.decide(r, List.of(quality(1, "gamma/tiny")), s, NOW))).isEqualTo("alpha/big");
        CompletionRequest none = cheapStart(QualityPolicy.newBuilder().setMaxEscalations(0).build());
        assertThat(policy.decide(none, List.of(quality(1, "gamma/tiny")), s, NOW))
                .isInstanceOfSatisfying(RoutingDecision.Fail.class, f -> {
                    assertThat(f.reason()).isEqualTo(FailureReason.QUALITY);
                    assertThat(f.message()).contains("bounded at 0");
                });
    }

    @Test
    void anExplicitEscalationListIsFollowedInOrderThenTheJobFails() {
        FakeState s = tiers();
        CompletionRequest r = cheapStart(QualityPolicy.newBuilder().setEscalation(List.of("mid", "top")).build());
        List<AttemptSummary> tried = new ArrayList<>(List.of(quality(1, "gamma/tiny")));
        RoutingDecision first = policy.decide(r, tried, s, NOW);
        assertThat(chosen(first)).isEqualTo("beta/mini");
        assertThat(((RoutingDecision.Route) first).score().getNote()).contains("escalated to 'mid'");
        tried.add(quality(2, "beta/mini"));
        assertThat(chosen(policy.decide(r, tried, s, NOW))).isEqualTo("alpha/big");
        tried.add(quality(3, "alpha/big"));
        QualityPolicy longer = QualityPolicy.newBuilder().setEscalation(List.of("mid", "top")).setMaxEscalations(5).build();
        assertThat(policy.decide(cheapStart(longer), tried, s, NOW)).isInstanceOfSatisfying(RoutingDecision.Fail.class,
                f -> assertThat(f.message()).contains("escalation list"));
    }

    @Test
    void theTenantsGatesApplyUnlessTheRequestHasItsOwn() {
        FakeState s = tiers();
        s.tenant = TenantPolicy.newBuilder().setTenant("acme")
                .setQuality(QualityPolicy.newBuilder().setMaxEscalations(0).build()).build();
        CompletionRequest plain = CompletionRequest.newBuilder(request("j", "chat", NOW))
                .setHints(RoutingHints.newBuilder().setTier(Tier.TERTIARY).build()).build();
        assertThat(policy.decide(plain, List.of(quality(1, "gamma/tiny")), s, NOW)).isInstanceOf(RoutingDecision.Fail.class);
        assertThat(chosen(policy.decide(cheapStart(QualityPolicy.newBuilder().build()), List.of(quality(1, "gamma/tiny")),
                s, NOW))).isEqualTo("alpha/big");
        assertThat(RoutingPolicy.effectiveQuality(plain, s.tenant)).isSameAs(s.tenant.getQuality());
    }

    @Test
    void badPerRequestGatesAreAnInvalidRequest() {
        FakeState s = tiers();
        CompletionRequest bad = cheapStart(QualityPolicy.newBuilder().setMustNotMatch(List.of("[")).build());
        assertThat(RequestValidation.check(bad, s.catalog, NOW)).hasValueSatisfying(p -> {
            assertThat(p.reason()).isEqualTo(FailureReason.INVALID_REQUEST);
            assertThat(p.message()).contains("quality.mustNotMatch[0]");
        });
        CompletionRequest unknownJudge = cheapStart(QualityPolicy.newBuilder()
                .setJudge(dev.detour.schema.JudgeSpec.newBuilder().setDeploymentId("nope/x").setRubric("r").build()).build());
        assertThat(RequestValidation.check(unknownJudge, s.catalog, NOW)).hasValueSatisfying(p ->
                assertThat(p.message()).contains("quality.judge.deploymentId"));
    }
}
