package dev.detour.worker;

import java.time.Duration;

/**
 * Retries on the same deployment for transient faults (RetryDecision.RETRY_SAME): jittered
 * exponential backoff, a few tries at most, never past the job's deadline.
 *
 * @param maxTries       HTTP calls per routed attempt, the first included
 * @param initialBackoff wait before the second try (before jitter)
 * @param multiplier     growth of the wait per try
 * @param jitter         randomization factor: the wait is drawn from [w(1-j), w(1+j)]
 * @param maxBackoff     cap of one wait
 */
public record RetrySettings(int maxTries, Duration initialBackoff, double multiplier, double jitter, Duration maxBackoff) {
    public RetrySettings {
        if (maxTries < 1 || multiplier < 1 || jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("maxTries >= 1, multiplier >= 1, 0 <= jitter < 1");
        }
    }

    public static RetrySettings defaults() {
        return new RetrySettings(3, Duration.ofMillis(200), 2.0, 0.5, Duration.ofSeconds(2));
    }

    /** Longest wait before try {@code nextTry} (2-based), jitter included. */
    public long maxWaitBeforeMs(int nextTry) {
        double base = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, nextTry - 2));
        return (long) Math.ceil(Math.min(base * (1 + jitter), maxBackoff.toMillis()));
    }
}
