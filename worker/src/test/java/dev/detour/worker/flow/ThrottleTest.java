package dev.detour.worker.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.schema.ProviderLimits;
import dev.detour.schema.RateLimitSnapshot;
import org.junit.jupiter.api.Test;

class ThrottleTest {

    private static ProviderLimits rpm(long rpm) {
        return ProviderLimits.newBuilder().setRequestsPerMinute(rpm).build();
    }

    @Test
    void withoutLimitsOrHeadersNothingWaits() {
        Throttle t = new Throttle(null);
        for (int i = 0; i < 1000; i++) {
            assertThat(t.reserve(0, 100, true)).isZero();
        }
    }

    @Test
    void requestsPerMinuteAllowAboutOneSecondOfBurstThenPace() {
        Throttle t = new Throttle(rpm(600)); // 10 per second, one every 100 ms
        for (int i = 0; i < 10; i++) {
            assertThat(t.reserve(0, 0, true)).as("burst call %d", i).isZero();
        }
        assertThat(t.reserve(0, 0, true)).isEqualTo(100);
        assertThat(t.reserve(0, 0, true)).isEqualTo(200);
        // Time passing frees slots again.
        assertThat(t.reserve(5_000, 0, true)).isZero();
    }

    @Test
    void tokensPerMinuteChargeTheEstimatedTokens() {
        Throttle t = new Throttle(ProviderLimits.newBuilder().setTokensPerMinute(60_000L).build()); // 1 token/ms
        assertThat(t.reserve(0, 1_000, true)).isZero();
        assertThat(t.reserve(0, 1_000, true)).as("about one second of burst").isLessThanOrEqualTo(1);
        assertThat(t.reserve(0, 1_000, true)).isEqualTo(1_001);
    }

    @Test
    void nothingRemainingHoldsUntilTheWindowResets() {
        Throttle t = new Throttle(null);
        t.observe(1_000, RateLimitSnapshot.newBuilder().setRequestsLimit(100L).setRequestsRemaining(0L)
                .setRequestsResetMs(2_500L).build());
        assertThat(t.reserve(1_000, 0, false)).isEqualTo(2_500);
        assertThat(t.reserve(3_000, 0, false)).isEqualTo(500);
        assertThat(t.reserve(3_500, 0, true)).isZero();
    }

    @Test
    void littleRemainingSpreadsTheRestOverTheWindowBeforeTheProviderSays429() {
        Throttle t = new Throttle(null);
        t.observe(0, RateLimitSnapshot.newBuilder().setTokensLimit(10_000L).setTokensRemaining(5L)
                .setTokensResetMs(1_000L).build());
        assertThat(t.reserve(0, 0, true)).isZero();
        assertThat(t.reserve(0, 0, true)).isEqualTo(200);
        assertThat(t.reserve(0, 0, true)).isEqualTo(400);
        // After the window reset, no pacing.
        assertThat(t.reserve(2_000, 0, true)).isZero();
        assertThat(t.reserve(2_000, 0, true)).isZero();
    }

    @Test
    void plentyRemainingDoesNotSlowDown() {
        Throttle t = new Throttle(null);
        t.observe(0, RateLimitSnapshot.newBuilder().setRequestsLimit(100L).setRequestsRemaining(50L).build());
        assertThat(t.reserve(0, 0, true)).isZero();
        assertThat(t.reserve(0, 0, true)).isZero();
    }

    @Test
    void retryAfterHoldsTheDeployment() {
        Throttles throttles = new Throttles(p -> null);
        throttles.hold("a/m", 0, 3_000);
        assertThat(throttles.waitFor("a", "a/m", 1_000)).isEqualTo(2_000);
        assertThat(throttles.waitFor("a", "a/other", 1_000)).as("other deployments unaffected").isZero();
    }

    @Test
    void providerLimitsAreSharedByItsDeployments() {
        Throttles throttles = new Throttles(p -> rpm(60)); // one per second, burst 1
        assertThat(throttles.reserve("a", "a/m1", 0, 0)).isZero();
        assertThat(throttles.reserve("a", "a/m2", 0, 0)).isEqualTo(1_000);
        assertThat(throttles.reserve("b", "b/m1", 0, 0)).isZero();
    }
}
