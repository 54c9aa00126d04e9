package dev.detour.router.health;

import dev.detour.schema.AttemptOutcome;
import dev.detour.schema.CircuitState;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.HealthSnapshot;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything the router knows about one deployment, built from its feedback: the sliding window,
 * the breaker and the latest retry-after. Lives in the feedback aggregator's store; publishes
 * {@link HealthSnapshot}s.
 */
public final class DeploymentHealthAggregate {
    /** Fewer recent calls than this say too little to override the window's pressure. */
    static final int MIN_RECENT_CALLS = 3;

    private final String deploymentId;
    private String provider;
    private String model;
    private final HealthWindowConfig windowConfig;
    private final HealthWindow window;
    private final CircuitBreaker breaker;
    private Long lastRetryAfterMs;
    private long cooldownUntilMs;

    public DeploymentHealthAggregate(String deploymentId, String provider, String model,
                                     HealthWindowConfig windowConfig, BreakerConfig breakerConfig) {
        this.deploymentId = deploymentId;
        this.provider = provider;
        this.model = model;
        this.windowConfig = windowConfig;
        this.window = new HealthWindow(windowConfig);
        this.breaker = new CircuitBreaker(breakerConfig);
    }

    /** Records one call's feedback at {@code nowMs}; returns true when the breaker changed state. */
    public boolean record(AttemptOutcome outcome, long nowMs) {
        provider = outcome.getProvider();
        model = outcome.getModel();
        ErrorClass errorClass = outcome.getSucceeded() ? null
                : outcome.getErrorClass() == null ? ErrorClass.UNKNOWN : outcome.getErrorClass();
        window.record(nowMs, errorClass, Math.max(0, outcome.getLatencyMs()));
        if (errorClass != null && outcome.getRetryAfterMs() != null && isPressure(errorClass)) {
            long retryAfter = Math.min(Math.max(0, outcome.getRetryAfterMs()), windowConfig.maxRetryAfter().toMillis());
            lastRetryAfterMs = retryAfter;
            // The provider's clock started at the end of the call; late feedback must not extend it.
            long endedAt = outcome.getEndedAtMs() > 0 ? Math.min(outcome.getEndedAtMs(), nowMs) : nowMs;
            cooldownUntilMs = Math.max(cooldownUntilMs, endedAt + retryAfter);
        }
        boolean transitioned = breaker.record(classify(errorClass, breaker.config()), nowMs);
        if (transitioned && breaker.storedState() == CircuitState.CLOSED) {
            window.forgetFailures();
        }
        return transitioned;
    }

    static CallOutcome classify(ErrorClass errorClassOrNull, BreakerConfig config) {
        if (errorClassOrNull == null) {
            return CallOutcome.SUCCESS;
        }
        return config.recordedClasses().contains(errorClassOrNull) ? CallOutcome.FAILURE : CallOutcome.IGNORED;
    }

    /** Capacity signals: the provider is busy, not broken. */
    public static boolean isPressure(ErrorClass c) {
        return c == ErrorClass.RATE_LIMITED || c == ErrorClass.OVERLOADED;
    }

    public HealthSnapshot snapshot(long nowMs) {
        HealthWindow.Stats stats = window.stats(nowMs);
        long failures = 0;
        long pressure = 0;
        Map<String, Long> byClass = new LinkedHashMap<>();
        for (var e : stats.errorsByClass().entrySet()) {
            byClass.put(e.getKey().name(), e.getValue());
            if (breaker.config().recordedClasses().contains(e.getKey())) {
                failures += e.getValue();
            }
            if (isPressure(e.getKey())) {
                pressure += e.getValue();
            }
        }
        long recentPressure = 0;
        for (var e : stats.recentErrorsByClass().entrySet()) {
            if (isPressure(e.getKey())) {
                recentPressure += e.getValue();
            }
        }
        CircuitState state = breaker.stateAt(nowMs);
        long calls = stats.calls();
        double windowPressure = calls == 0 ? 0.0 : (double) pressure / calls;
        // A storm that started seconds ago is diluted by the whole window; the newest buckets see it at once.
        double recentShare = stats.recentCalls() < MIN_RECENT_CALLS ? 0.0 : (double) recentPressure / stats.recentCalls();
        return HealthSnapshot.newBuilder()
                .setDeploymentId(deploymentId)
                .setProvider(provider)
                .setModel(model)
                .setCircuit(state)
                .setCircuitSinceMs(state == breaker.storedState() ? breaker.stateSinceMs() : breaker.openUntilMs())
                .setOpenUntilMs(breaker.storedState() == CircuitState.OPEN ? breaker.openUntilMs() : null)
                .setTrips(breaker.trips())
                .setPermittedProbes(breaker.config().permittedNumberOfCallsInHalfOpenState())
                .setConsecutiveFailures(breaker.consecutiveFailures())
                .setWindowMs(windowConfig.window().toMillis())
                .setCalls(calls)
                .setFailures(failures)
                .setErrorRate(calls == 0 ? 0.0 : (double) failures / calls)
                .setRateLimitPressure(Math.max(windowPressure, recentShare))
                .setLatencyP50Ms(stats.p50Ms() < 0 ? null : stats.p50Ms())
                .setLatencyP99Ms(stats.p99Ms() < 0 ? null : stats.p99Ms())
                .setErrorsByClass(byClass)
                .setLastRetryAfterMs(lastRetryAfterMs)
                .setCooldownUntilMs(cooldownUntilMs > nowMs ? cooldownUntilMs : null)
                .setUpdatedAtMs(nowMs)
                .build();
    }

    public String deploymentId() { return deploymentId; }
    public String provider() { return provider; }
    public String model() { return model; }
    public HealthWindow window() { return window; }
    public CircuitBreaker breaker() { return breaker; }
    public Long lastRetryAfterMs() { return lastRetryAfterMs; }
    public long cooldownUntilMs() { return cooldownUntilMs; }

    public void restoreRetryAfter(Long lastRetryAfterMs, long cooldownUntilMs) {
        this.lastRetryAfterMs = lastRetryAfterMs;
        this.cooldownUntilMs = cooldownUntilMs;
    }
}
