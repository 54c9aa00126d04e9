package dev.detour.router.health;

/** How one call counts for the circuit breaker. */
public enum CallOutcome {
    SUCCESS,
    /** Failed with a class the breaker records. */
    FAILURE,
    /** Neither: rate limits and caller faults say nothing about the deployment being broken. */
    IGNORED
}
