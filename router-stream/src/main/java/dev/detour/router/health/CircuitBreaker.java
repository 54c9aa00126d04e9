package dev.detour.router.health;

import dev.detour.schema.CircuitState;

/**
 * The breaker of one deployment: CLOSED -> OPEN when the failure rate over the last calls passes the
 * threshold (after a minimum number of calls) or after N failures in a row; OPEN for a wait that grows
 * with each trip; then HALF_OPEN, where the permitted probes must all succeed to close and one failure
 * reopens.
 *
 * <p>Time is a parameter: the breaker never reads a clock, so tests drive it with plain numbers. The
 * OPEN -> HALF_OPEN step happens lazily (as resilience4j does without automatic transition): the
 * state at a time past {@code openUntilMs} is HALF_OPEN, and the first outcome after it moves the
 * stored state.
 */
public final class CircuitBreaker {
    private final BreakerConfig config;

    private CircuitState state = CircuitState.CLOSED;
    private long stateSinceMs;
    private long openUntilMs;
    private int trips;
    private int consecutiveFailures;
    private int halfOpenSuccesses;
    /** Ring of the last slidingWindowSize recorded calls in CLOSED: true = failure. */
    private final boolean[] ring;
    private int ringSize;
    private int ringNext;
    private int ringFailures;

    public CircuitBreaker(BreakerConfig config) {
        this.config = config;
        this.ring = new boolean[config.slidingWindowSize()];
    }

    /** The state as of {@code nowMs}: an OPEN breaker whose wait has elapsed is HALF_OPEN. */
    public CircuitState stateAt(long nowMs) {
        if (state == CircuitState.OPEN && nowMs >= openUntilMs) {
            return CircuitState.HALF_OPEN;
        }
        return state;
    }

    /** Records one call outcome; returns true when the stored state changed. */
    public boolean record(CallOutcome outcome, long nowMs) {
        CircuitState before = state;
        if (state == CircuitState.OPEN && nowMs >= openUntilMs) {
            toHalfOpen(openUntilMs);
        }
        switch (state) {
            case CLOSED -> onClosed(outcome, nowMs);
            case HALF_OPEN -> onHalfOpen(outcome, nowMs);
            case OPEN -> {
                // Calls sent before the trip keep reporting; they tell nothing new.
            }
        }
        return state != before;
    }

    private void onClosed(CallOutcome outcome, long nowMs) {
        if (outcome == CallOutcome.IGNORED) {
            return;
        }
        boolean failure = outcome == CallOutcome.FAILURE;
        push(failure);
        consecutiveFailures = failure ? consecutiveFailures + 1 : 0;
        boolean rateTripped = ringSize >= config.minimumNumberOfCalls()
                && ringFailures * 100L >= (long) config.failureRateThreshold() * ringSize;
        if (failure && (rateTripped || consecutiveFailures >= config.consecutiveFailureThreshold())) {
            trip(nowMs);
        }
    }

    private void onHalfOpen(CallOutcome outcome, long nowMs) {
        switch (outcome) {
            case FAILURE -> trip(nowMs);
            case SUCCESS -> {
                halfOpenSuccesses++;
                if (halfOpenSuccesses >= config.permittedNumberOfCallsInHalfOpenState()) {
                    close(nowMs);
                }
            }
            case IGNORED -> {
            }
        }
    }

    private void trip(long nowMs) {
        trips++;
        state = CircuitState.OPEN;
        stateSinceMs = nowMs;
        openUntilMs = nowMs + config.openWaitMs(trips);
        consecutiveFailures = 0;
        halfOpenSuccesses = 0;
        clearRing();
    }

    private void toHalfOpen(long sinceMs) {
        state = CircuitState.HALF_OPEN;
        stateSinceMs = sinceMs;
        halfOpenSuccesses = 0;
    }

    private void close(long nowMs) {
        state = CircuitState.CLOSED;
        stateSinceMs = nowMs;
        trips = 0;
        consecutiveFailures = 0;
        halfOpenSuccesses = 0;
        clearRing();
    }

    private void push(boolean failure) {
        if (ringSize == ring.length) {
            if (ring[ringNext]) {
                ringFailures--;
            }
        } else {
            ringSize++;
        }
        ring[ringNext] = failure;
        if (failure) {
            ringFailures++;
        }
        ringNext = (ringNext + 1) % ring.length;
    }

    private void clearRing() {
        java.util.Arrays.fill(ring, false);
        ringSize = 0;
        ringNext = 0;
        ringFailures = 0;
    }

    public CircuitState storedState() { return state; }
    public long stateSinceMs() { return stateSinceMs; }
    public long openUntilMs() { return openUntilMs; }
    public int trips() { return trips; }
    public int consecutiveFailures() { return consecutiveFailures; }
    public int halfOpenSuccesses() { return halfOpenSuccesses; }
    public BreakerConfig config() { return config; }

    /** Failure rate over the ring in percent, or -1 below the minimum number of calls. */
    public double failureRatePercent() {
        return ringSize < config.minimumNumberOfCalls() ? -1 : ringFailures * 100.0 / ringSize;
    }

    // --- persistence (see internal.HealthAggregateCodec) ---

    public boolean[] ringInOrder() {
        boolean[] out = new boolean[ringSize];
        int start = ringSize == ring.length ? ringNext : 0;
        for (int i = 0; i < ringSize; i++) {
            out[i] = ring[(start + i) % ring.length];
        }
        return out;
    }

    public void restore(CircuitState state, long stateSinceMs, long openUntilMs, int trips,
                        int consecutiveFailures, int halfOpenSuccesses, boolean[] ringInOrder) {
        this.state = state;
        this.stateSinceMs = stateSinceMs;
        this.openUntilMs = openUntilMs;
        this.trips = trips;
        this.consecutiveFailures = consecutiveFailures;
        this.halfOpenSuccesses = halfOpenSuccesses;
        clearRing();
        int from = Math.max(0, ringInOrder.length - ring.length);
        for (int i = from; i < ringInOrder.length; i++) {
            push(ringInOrder[i]);
        }
    }
}
