package dev.detour.router.policy;

import dev.detour.schema.CircuitState;
import dev.detour.schema.HealthSnapshot;

/**
 * What the policy needs to know about a deployment's health, read from its latest {@link HealthSnapshot}.
 * A deployment without a snapshot is {@link #unknown()}: closed, no latency, no errors.
 */
public record DeploymentHealth(
        CircuitState circuit,
        long circuitSinceMs,
        long openUntilMs,
        int permittedProbes,
        long calls,
        double errorRate,
        double rateLimitPressure,
        long p50Ms,
        long p99Ms,
        long cooldownUntilMs) {

    private static final DeploymentHealth UNKNOWN =
            new DeploymentHealth(CircuitState.CLOSED, 0, 0, 0, 0, 0.0, 0.0, -1, -1, 0);

    public static DeploymentHealth unknown() {
        return UNKNOWN;
    }

    public static DeploymentHealth of(HealthSnapshot s) {
        return new DeploymentHealth(s.getCircuit(), s.getCircuitSinceMs(),
                s.getOpenUntilMs() == null ? 0 : s.getOpenUntilMs(), s.getPermittedProbes(), s.getCalls(),
                s.getErrorRate(), s.getRateLimitPressure(),
                s.getLatencyP50Ms() == null ? -1 : s.getLatencyP50Ms(),
                s.getLatencyP99Ms() == null ? -1 : s.getLatencyP99Ms(),
                s.getCooldownUntilMs() == null ? 0 : s.getCooldownUntilMs());
    }

    /** The breaker as of now: OPEN past its wait is HALF_OPEN (probes admitted). */
    public CircuitState circuitAt(long nowMs) {
        return circuit == CircuitState.OPEN && nowMs >= openUntilMs ? CircuitState.HALF_OPEN : circuit;
    }

    /** Identifies one half-open episode, so probe counting restarts on every new one. */
    public long probeEpoch() {
        return circuit == CircuitState.OPEN ? openUntilMs : circuitSinceMs;
    }

    public boolean coolingDown(long nowMs) {
        return nowMs < cooldownUntilMs;
    }

    public boolean hasLatency() {
        return p50Ms >= 0;
    }
}
