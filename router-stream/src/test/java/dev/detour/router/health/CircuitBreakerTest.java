package dev.detour.router.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.schema.CircuitState;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private final BreakerConfig config = BreakerConfig.defaults(); // 50%, min 10, window 20, 5 in a row, 5 s x2 up to 60 s, 2 probes

    @Test
    void opensAfterConsecutiveFailuresEvenBelowTheMinimumNumberOfCalls() {
        CircuitBreaker b = new CircuitBreaker(config);
        for (int i = 0; i < 4; i++) {
            assertThat(b.record(CallOutcome.FAILURE, 1_000 + i)).isFalse();
        }
        assertThat(b.record(CallOutcome.FAILURE, 1_004)).isTrue();
        assertThat(b.stateAt(1_004)).isEqualTo(CircuitState.OPEN);
        assertThat(b.openUntilMs()).isEqualTo(1_004 + 5_000);
    }

    @Test
    void opensOnTheFailureRateOnceTheMinimumNumberOfCallsIsReached() {
        CircuitBreaker b = new CircuitBreaker(config);
        // alternate: never 5 in a row, but 50% failures
        for (int i = 0; i < 9; i++) {
            b.record(i % 2 == 0 ? CallOutcome.FAILURE : CallOutcome.SUCCESS, i);
        }
        assertThat(b.stateAt(9)).isEqualTo(CircuitState.CLOSED);
        b.record(CallOutcome.SUCCESS, 9); // 10 calls, 5 failures: 50%, but the trip happens on a failure
        assertThat(b.stateAt(10)).isEqualTo(CircuitState.CLOSED);
        b.record(CallOutcome.FAILURE, 10); // 11 calls, 6 failures
        assertThat(b.stateAt(10)).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void ignoredOutcomesDoNotCount() {
        CircuitBreaker b = new CircuitBreaker(config);
        for (int i = 0; i < 100; i++) {
            b.record(CallOutcome.IGNORED, i);
        }
        assertThat(b.stateAt(100)).isEqualTo(CircuitState.CLOSED);
        assertThat(b.failureRatePercent()).isEqualTo(-1);
    }

    @Test
    void halfOpenClosesAfterThePermittedProbesSucceed() {
        CircuitBreaker b = tripped(0);
        long until = b.openUntilMs();
        assertThat(b.stateAt(until - 1)).isEqualTo(CircuitState.OPEN);
        assertThat(b.stateAt(until)).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(b.record(CallOutcome.SUCCESS, until + 100)).isTrue(); // OPEN -> HALF_OPEN stored
        assertThat(b.storedState()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(b.record(CallOutcome.SUCCESS, until + 200)).isTrue();
        assertThat(b.storedState()).isEqualTo(CircuitState.CLOSED);
        assertThat(b.trips()).isZero();
    }

    @Test
    void aFailedProbeReopensWithAGrowingWaitCappedAtTheMaximum() {
        CircuitBreaker b = tripped(0);
        long now = b.openUntilMs();
        long[] expectedWaits = {10_000, 20_000, 40_000, 60_000, 60_000};
        for (long wait : expectedWaits) {
            b.record(CallOutcome.FAILURE, now);
            assertThat(b.storedState()).isEqualTo(CircuitState.OPEN);
            assertThat(b.openUntilMs() - now).isEqualTo(wait);
            now = b.openUntilMs();
        }
    }

    @Test
    void outcomesOfCallsSentBeforeTheTripAreIgnoredWhileOpen() {
        CircuitBreaker b = tripped(0);
        assertThat(b.record(CallOutcome.SUCCESS, 100)).isFalse();
        assertThat(b.record(CallOutcome.FAILURE, 200)).isFalse();
        assertThat(b.openUntilMs()).isEqualTo(4 + 5_000);
    }

    @Test
    void restoreGivesBackTheSameMachine() {
        CircuitBreaker b = new CircuitBreaker(config);
        for (int i = 0; i < 7; i++) {
            b.record(i % 3 == 0 ? CallOutcome.FAILURE : CallOutcome.SUCCESS, i);
        }
        CircuitBreaker copy = new CircuitBreaker(config);
        copy.restore(b.storedState(), b.stateSinceMs(), b.openUntilMs(), b.trips(), b.consecutiveFailures(),
                b.halfOpenSuccesses(), b.ringInOrder());
        assertThat(copy.failureRatePercent()).isEqualTo(b.failureRatePercent());
        for (int i = 0; i < 10; i++) {
            assertThat(copy.record(CallOutcome.FAILURE, 100 + i)).isEqualTo(b.record(CallOutcome.FAILURE, 100 + i));
        }
    }

    private CircuitBreaker tripped(long at) {
        CircuitBreaker b = new CircuitBreaker(config);
        for (int i = 0; i < 5; i++) {
            b.record(CallOutcome.FAILURE, at + i);
        }
        assertThat(b.storedState()).isEqualTo(CircuitState.OPEN);
        return b;
    }

    @Property(tries = 300)
    void neverOpensOnSuccessesAndIgnoredCallsAlone(@ForAll("calm") List<CallOutcome> outcomes) {
        CircuitBreaker b = new CircuitBreaker(config);
        long t = 0;
        for (CallOutcome o : outcomes) {
            b.record(o, t += 10);
        }
        assertThat(b.stateAt(t)).isEqualTo(CircuitState.CLOSED);
    }

    @Property(tries = 300)
    void anOpenBreakerAlwaysWaitsBetweenFirstAndMaximumWait(@ForAll("any") List<CallOutcome> outcomes) {
        CircuitBreaker b = new CircuitBreaker(config);
        long t = 0;
        for (CallOutcome o : outcomes) {
            t += 700;
            b.record(o, t);
            if (b.storedState() == CircuitState.OPEN) {
                long wait = b.openUntilMs() - b.stateSinceMs();
                assertThat(wait).isBetween(config.waitDurationInOpenState().toMillis(),
                        config.maxWaitDurationInOpenState().toMillis());
            }
            assertThat(b.consecutiveFailures()).isLessThan(config.consecutiveFailureThreshold());
        }
    }

    @Provide
    Arbitrary<List<CallOutcome>> calm() {
        return Arbitraries.of(CallOutcome.SUCCESS, CallOutcome.IGNORED).list().ofMaxSize(200);
    }

    @Provide
    Arbitrary<List<CallOutcome>> any() {
        return Arbitraries.of(CallOutcome.class).list().ofMaxSize(300);
    }

    @Test
    void openWaitGrowsGeometrically() {
        BreakerConfig c = config.withWaitDurationInOpenState(Duration.ofSeconds(1));
        assertThat(List.of(c.openWaitMs(1), c.openWaitMs(2), c.openWaitMs(3))).containsExactly(1_000L, 2_000L, 4_000L);
    }
}
