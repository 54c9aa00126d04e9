package dev.detour.router.health;

import java.time.Duration;

/**
 * Shape of the sliding statistics window and how often snapshots are published.
 *
 * @param window length of the sliding window the latency and error statistics cover
 * @param buckets number of buckets the window is cut into (the window slides one bucket at a time)
 * @param publishInterval how often changed snapshots are published; a breaker transition is published
 *     at once
 * @param heartbeat an unchanged snapshot is re-published this often so readers can tell fresh from stale
 * @param maxRetryAfter cap of a provider's retry-after, so one bogus header cannot bench a deployment
 */
public record HealthWindowConfig(Duration window, int buckets, Duration publishInterval, Duration heartbeat,
                                 Duration maxRetryAfter) {
    public HealthWindowConfig {
        if (buckets < 1 || window.toMillis() < buckets) {
            throw new IllegalArgumentException("health window needs >= 1 bucket of >= 1 ms");
        }
    }

    public static HealthWindowConfig defaults() {
        return new HealthWindowConfig(Duration.ofSeconds(30), 10, Duration.ofMillis(250), Duration.ofSeconds(30),
                Duration.ofMinutes(5));
    }

    public long bucketMs() {
        return window.toMillis() / buckets;
    }
}
