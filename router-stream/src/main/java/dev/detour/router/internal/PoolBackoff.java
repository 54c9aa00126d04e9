package dev.detour.router.internal;

/**
 * Pool-wide wait between looks at the parked jobs of one model or group: doubles each time the pool is
 * found with nothing eligible, resets when a job of the pool is routed. Keeps a dead pool from being
 * re-scored every tick.
 */
final class PoolBackoff {
    private final long initialMs;
    private final long maxMs;
    private long currentMs;
    private long nextCheckAtMs;

    PoolBackoff(long initialMs, long maxMs, long nowMs) {
        this.initialMs = initialMs;
        this.maxMs = maxMs;
        this.currentMs = initialMs;
        this.nextCheckAtMs = nowMs + initialMs;
    }

    boolean due(long nowMs) {
        return nowMs >= nextCheckAtMs;
    }

    /** Nothing eligible again: wait longer, but not past a known wake-up (open wait or cooldown end). */
    void stillBlocked(long nowMs, long wakeHintMs) {
        nextCheckAtMs = nowMs + currentMs;
        if (wakeHintMs > nowMs) {
            nextCheckAtMs = Math.min(nextCheckAtMs, wakeHintMs);
        }
        currentMs = Math.min(currentMs * 2, maxMs);
    }

    void released(long nowMs) {
        currentMs = initialMs;
        nextCheckAtMs = nowMs;
    }

    long nextCheckAtMs() {
        return nextCheckAtMs;
    }
}
