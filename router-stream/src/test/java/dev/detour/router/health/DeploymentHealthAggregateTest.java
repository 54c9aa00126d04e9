package dev.detour.router.health;

import static dev.detour.router.testing.Fixtures.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.schema.CircuitState;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.HealthSnapshot;
import org.junit.jupiter.api.Test;

class DeploymentHealthAggregateTest {
    private final HealthWindowConfig window = HealthWindowConfig.defaults(); // 30 s in 10 buckets

    private DeploymentHealthAggregate aggregate() {
        return new DeploymentHealthAggregate("alpha/m", "alpha", "m", window, BreakerConfig.defaults());
    }

    @Test
    void latencyPercentilesComeFromSuccessfulCallsInTheWindow() {
        DeploymentHealthAggregate a = aggregate();
        for (int i = 1; i <= 100; i++) {
            a.record(outcome("alpha/m", true, null, i * 10L, 1_000, null), 1_000);
        }
        a.record(outcome("alpha/m", false, ErrorClass.TIMEOUT, 60_000, 1_000, null), 1_000);
        HealthSnapshot s = a.snapshot(1_000);
        assertThat(s.getLatencyP50Ms()).isBetween(475L, 550L);
        assertThat(s.getLatencyP99Ms()).isBetween(940L, 1_100L);
        assertThat(s.getCalls()).isEqualTo(101);
        assertThat(s.getFailures()).isEqualTo(1);
        assertThat(s.getErrorsByClass()).containsEntry("TIMEOUT", 1L);
    }

    @Test
    void oldCallsLeaveTheWindow() {
        DeploymentHealthAggregate a = aggregate();
        a.record(outcome("alpha/m", false, ErrorClass.SERVER_ERROR, 10, 0, null), 0);
        assertThat(a.snapshot(29_000).getCalls()).isEqualTo(1);
        assertThat(a.snapshot(31_000).getCalls()).isZero();
        assertThat(a.snapshot(31_000).getErrorRate()).isZero();
    }

    @Test
    void rateLimitsArePressureNotBreakerFailures() {
        DeploymentHealthAggregate a = aggregate();
        for (int i = 0; i < 20; i++) {
            a.record(outcome("alpha/m", false, ErrorClass.RATE_LIMITED, 10, 500, 2_000L), 500);
        }
        HealthSnapshot s = a.snapshot(600);
        assertThat(s.getCircuit()).isEqualTo(CircuitState.CLOSED);
        assertThat(s.getRateLimitPressure()).isEqualTo(1.0);
        assertThat(s.getErrorRate()).isZero();
        assertThat(s.getLastRetryAfterMs()).isEqualTo(2_000L);
        assertThat(s.getCooldownUntilMs()).isEqualTo(2_500L);
        assertThat(a.snapshot(2_600).getCooldownUntilMs()).isNull();
    }

    @Test
    void aStormThatJustStartedShowsAsPressureAtOnce() {
        DeploymentHealthAggregate a = aggregate();
        for (int t = 0; t < 20_000; t += 100) {
            a.record(outcome("alpha/m", true, null, 50, t, null), t);
        }
        for (int i = 0; i < 10; i++) {
            a.record(outcome("alpha/m", false, ErrorClass.RATE_LIMITED, 5, 29_000, null), 29_000);
        }
        HealthSnapshot s = a.snapshot(29_100);
        // 10 of 210 calls in the window, but all of the calls of the newest buckets
        assertThat(s.getRateLimitPressure()).isGreaterThan(0.5);
        assertThat(s.getCircuit()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void aProviderAnsweringEverythingOverloadedIsCutOff() {
        DeploymentHealthAggregate a = aggregate();
        for (int i = 0; i < 5; i++) {
            a.record(outcome("alpha/m", false, ErrorClass.OVERLOADED, 10, 0, null), 0);
        }
        assertThat(a.snapshot(1).getCircuit()).isEqualTo(CircuitState.OPEN);
        assertThat(a.snapshot(1).getRateLimitPressure()).isEqualTo(1.0);
    }

    @Test
    void aHugeRetryAfterIsCapped() {
        DeploymentHealthAggregate a = aggregate();
        a.record(outcome("alpha/m", false, ErrorClass.OVERLOADED, 10, 0, 86_400_000L), 0);
        assertThat(a.snapshot(0).getCooldownUntilMs()).isEqualTo(window.maxRetryAfter().toMillis());
    }

    @Test
    void anOpenBreakerPastItsWaitIsReportedHalfOpen() {
        DeploymentHealthAggregate a = aggregate();
        for (int i = 0; i < 5; i++) {
            a.record(outcome("alpha/m", false, ErrorClass.CONNECTION, 10, 0, null), 0);
        }
        assertThat(a.snapshot(1).getCircuit()).isEqualTo(CircuitState.OPEN);
        assertThat(a.snapshot(1).getOpenUntilMs()).isEqualTo(5_000L);
        assertThat(a.snapshot(5_000).getCircuit()).isEqualTo(CircuitState.HALF_OPEN);
    }
}
