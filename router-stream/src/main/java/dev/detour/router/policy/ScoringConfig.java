package dev.detour.router.policy;

import dev.detour.schema.ErrorClass;
import dev.detour.schema.Strategy;
import java.time.Duration;

/**
 * Weights and defaults of the routing score. Scores are in "doublings": a cost or latency score of 1
 * means twice the cheapest (fastest) candidate's; lower totals win.
 *
 * @param cost weights for {@link Strategy#COST}
 * @param latency weights for {@link Strategy#LATENCY}
 * @param balanced weights for {@link Strategy#BALANCED}
 * @param riskWeight points per unit of failure probability (error rate + pressure share)
 * @param pressureWeight how much a share of 429/529 answers counts against a deployment, relative to
 *     an error rate of the same share
 * @param halfOpenPenalty extra points on a half-open deployment, so probes go there only when it wins anyway
 * @param tierStep points per tier below the job's start tier; large, so tiers order fallbacks
 * @param spreadPressureThreshold pool rate-limit pressure at which the choice becomes a weighted draw
 * @param spreadTemperature width of the weighted draw: a candidate this many points worse gets 1/e of the weight
 * @param charsPerToken characters per input token for estimates
 * @param defaultOutputTokens output tokens assumed when the request sets no maximum
 * @param simpleComplexity complexity below which a tenant allowing it may start one tier cheaper
 * @param failoverBackoff base backoff before a retry on the same provider (doubles per attempt)
 * @param maxBackoff cap of that backoff
 */
public record ScoringConfig(
        Weights cost,
        Weights latency,
        Weights balanced,
        double riskWeight,
        double pressureWeight,
        double halfOpenPenalty,
        double tierStep,
        double spreadPressureThreshold,
        double spreadTemperature,
        double charsPerToken,
        int defaultOutputTokens,
        double simpleComplexity,
        Duration failoverBackoff,
        Duration maxBackoff) {

    /** Weights of the cost and latency components. */
    public record Weights(double cost, double latency) {}

    public static ScoringConfig defaults() {
        return new ScoringConfig(new Weights(1.0, 0.25), new Weights(0.25, 1.0), new Weights(0.6, 0.6),
                4.0, 1.0, 0.5, 10.0, 0.2, 0.5, 4.0, 512, 0.3, Duration.ofMillis(250), Duration.ofSeconds(10));
    }

    public Weights weights(Strategy s) {
        return switch (s) {
            case COST -> cost;
            case LATENCY -> latency;
            case BALANCED -> balanced;
        };
    }

    /** Backoff before calling the same provider again after a failure of this class on attempt n. */
    public long backoffMs(ErrorClass errorClass, int failedAttempt) {
        long base = switch (errorClass) {
            case RATE_LIMITED, OVERLOADED, QUOTA_EXHAUSTED -> failoverBackoff.toMillis() * 2;
            case SERVER_ERROR, TIMEOUT, CONNECTION, UNKNOWN, MALFORMED_RESPONSE -> failoverBackoff.toMillis();
            default -> 0;
        };
        double grown = base * Math.pow(2, Math.max(0, failedAttempt - 1));
        return (long) Math.min(grown, maxBackoff.toMillis());
    }
}
