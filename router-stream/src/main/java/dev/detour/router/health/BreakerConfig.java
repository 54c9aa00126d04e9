package dev.detour.router.health;

import dev.detour.schema.ErrorClass;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * Circuit breaker thresholds, named after resilience4j's CircuitBreakerConfig.
 *
 * @param failureRateThreshold percentage of recorded failures among the last {@code slidingWindowSize}
 *     calls at which the breaker opens (once {@code minimumNumberOfCalls} were seen)
 * @param minimumNumberOfCalls calls needed before the failure rate counts
 * @param slidingWindowSize calls the failure rate is computed over (count based)
 * @param consecutiveFailureThreshold failures in a row that open the breaker regardless of the rate
 * @param waitDurationInOpenState first open wait
 * @param waitDurationMultiplier growth of the open wait on every trip without a close in between
 * @param maxWaitDurationInOpenState cap of the grown open wait
 * @param permittedNumberOfCallsInHalfOpenState probes admitted (per router instance) while half-open;
 *     that many successes close the breaker, one failure reopens it
 * @param probeTimeout a probe with no feedback after this long frees its slot (a lost call must not
 *     leave the deployment half-open forever)
 * @param recordedClasses error classes that count as breaker failures; others (rate limits, caller
 *     faults) are ignored by the breaker and feed the rate-limit pressure instead
 */
public record BreakerConfig(
        int failureRateThreshold,
        int minimumNumberOfCalls,
        int slidingWindowSize,
        int consecutiveFailureThreshold,
        Duration waitDurationInOpenState,
        double waitDurationMultiplier,
        Duration maxWaitDurationInOpenState,
        int permittedNumberOfCallsInHalfOpenState,
        Duration probeTimeout,
        Set<ErrorClass> recordedClasses) {

    public BreakerConfig {
        if (failureRateThreshold <= 0 || failureRateThreshold > 100) {
            throw new IllegalArgumentException("failureRateThreshold must be in (0,100]: " + failureRateThreshold);
        }
        if (minimumNumberOfCalls < 1 || slidingWindowSize < 1 || consecutiveFailureThreshold < 1) {
            throw new IllegalArgumentException("breaker call counts must be >= 1");
        }
        if (permittedNumberOfCallsInHalfOpenState < 1) {
            throw new IllegalArgumentException("permittedNumberOfCallsInHalfOpenState must be >= 1");
        }
        if (waitDurationMultiplier < 1.0) {
            throw new IllegalArgumentException("waitDurationMultiplier must be >= 1");
        }
        recordedClasses = recordedClasses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(recordedClasses));
    }

    /**
     * Classes that say the deployment cannot serve now. OVERLOADED (503/529) is in: a provider answering
     * everything with "overloaded" is down for us, and hammering it is what the breaker prevents.
     * RATE_LIMITED (429) is out: it is about our account's quota, so load is spread, not cut.
     */
    public static final Set<ErrorClass> DEFAULT_RECORDED = Set.copyOf(EnumSet.of(
            ErrorClass.SERVER_ERROR, ErrorClass.TIMEOUT, ErrorClass.CONNECTION, ErrorClass.AUTH,
            ErrorClass.QUOTA_EXHAUSTED, ErrorClass.OVERLOADED, ErrorClass.MALFORMED_RESPONSE, ErrorClass.UNKNOWN));

    public static BreakerConfig defaults() {
        return new BreakerConfig(50, 10, 20, 5, Duration.ofSeconds(5), 2.0, Duration.ofSeconds(60), 2,
                Duration.ofSeconds(30), DEFAULT_RECORDED);
    }

    /** Open wait after the given number of consecutive trips (1 = first trip). */
    public long openWaitMs(int trips) {
        double wait = waitDurationInOpenState.toMillis() * Math.pow(waitDurationMultiplier, Math.max(0, trips - 1));
        return (long) Math.min(wait, maxWaitDurationInOpenState.toMillis());
    }

    public BreakerConfig withFailureRateThreshold(int v) {
        return new BreakerConfig(v, minimumNumberOfCalls, slidingWindowSize, consecutiveFailureThreshold,
                waitDurationInOpenState, waitDurationMultiplier, maxWaitDurationInOpenState,
                permittedNumberOfCallsInHalfOpenState, probeTimeout, recordedClasses);
    }

    public BreakerConfig withMinimumNumberOfCalls(int v) {
        return new BreakerConfig(failureRateThreshold, v, slidingWindowSize, consecutiveFailureThreshold,
                waitDurationInOpenState, waitDurationMultiplier, maxWaitDurationInOpenState,
                permittedNumberOfCallsInHalfOpenState, probeTimeout, recordedClasses);
    }

    public BreakerConfig withWaitDurationInOpenState(Duration v) {
        return new BreakerConfig(failureRateThreshold, minimumNumberOfCalls, slidingWindowSize,
                consecutiveFailureThreshold, v, waitDurationMultiplier, maxWaitDurationInOpenState,
                permittedNumberOfCallsInHalfOpenState, probeTimeout, recordedClasses);
    }

    public BreakerConfig withPermittedNumberOfCallsInHalfOpenState(int v) {
        return new BreakerConfig(failureRateThreshold, minimumNumberOfCalls, slidingWindowSize,
                consecutiveFailureThreshold, waitDurationInOpenState, waitDurationMultiplier,
                maxWaitDurationInOpenState, v, probeTimeout, recordedClasses);
    }
}
