package dev.detour.router.policy;

import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.FailureReason;
import dev.detour.schema.ScoreBreakdown;
import java.util.List;

/** The outcome of routing one attempt of a job. */
public sealed interface RoutingDecision {

    /**
     * Send the attempt to {@code deployment}.
     *
     * @param notBeforeMs earliest call time (backoff on the same provider), or null
     * @param probe true when the deployment is half-open and this attempt is one of its probes
     * @param spread true when the choice was a weighted draw because the pool is under rate-limit pressure
     * @param ranking every eligible candidate with its score, best first (for logs and tests)
     */
    record Route(DeploymentSpec deployment, ScoreBreakdown score, Long notBeforeMs, boolean probe, long probeEpoch,
                 boolean spread, List<ScoredCandidate> ranking) implements RoutingDecision {}

    /**
     * Nothing is eligible right now, but may be later (breakers open, cooldowns, drains).
     *
     * @param wakeHintMs earliest time something is known to change (an open wait or a cooldown ends), or 0
     */
    record Park(String reason, long wakeHintMs) implements RoutingDecision {}

    /** The job ends failed. */
    record Fail(FailureReason reason, String message) implements RoutingDecision {}

    /** One eligible deployment and its score. */
    record ScoredCandidate(DeploymentSpec deployment, ScoreBreakdown score, boolean halfOpen) {}
}
