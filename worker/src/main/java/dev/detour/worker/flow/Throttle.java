package dev.detour.worker.flow;

import dev.detour.schema.ProviderLimits;
import dev.detour.schema.RateLimitSnapshot;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Client-side rate limit of one provider account or deployment, so the worker slows down before the provider answers
 * 429. Two sources:
 * <ul>
 *   <li>the catalog's {@link ProviderLimits} (requests and tokens per minute), as a paced budget
 *       allowing about one second of burst;</li>
 *   <li>what the provider says on each response: with nothing {@code remaining} the deployment is
 *       held until the window resets; with little remaining the rest is spread over the time to
 *       reset; a retry-after holds it for that long.</li>
 * </ul>
 * {@link #reserve} books a slot and returns how long the caller must wait; the caller (a virtual
 * thread) sleeps, or hands the job back to the router if the wait is too long.
 */
public final class Throttle {
    /** Below this share of the window's limit left, pacing starts. */
    static final double LOW_REMAINING_SHARE = 0.1;
    static final long DEFAULT_RESET_MS = 1_000;

    private final ReentrantLock lock = new ReentrantLock();
    private final Pace requests;
    private final Pace tokens;
    private long heldUntilMs;
    private Pace lowRemainingPace;
    private long lowRemainingUntilMs;

    public Throttle(ProviderLimits limits) {
        Long rpm = limits == null ? null : limits.getRequestsPerMinute();
        Long tpm = limits == null ? null : limits.getTokensPerMinute();
        this.requests = rpm == null || rpm <= 0 ? null : Pace.perMinute(rpm, 1.0);
        this.tokens = tpm == null || tpm <= 0 ? null : Pace.perMinute(tpm, 1.0);
    }

    /**
     * Books one request of about {@code estimatedTokens} and returns milliseconds to wait.
     * Pass {@code commit=false} to only ask how long it would be (nothing booked).
     */
    public long reserve(long nowMs, long estimatedTokens, boolean commit) {
        lock.lock();
        try {
            long wait = Math.max(0, heldUntilMs - nowMs);
            if (lowRemainingPace != null && nowMs < lowRemainingUntilMs) {
                wait = Math.max(wait, commit ? lowRemainingPace.reserve(nowMs, 1) : lowRemainingPace.peek(nowMs));
            }
            if (requests != null) {
                wait = Math.max(wait, commit ? requests.reserve(nowMs, 1) : requests.peek(nowMs));
            }
            if (tokens != null && estimatedTokens > 0) {
                wait = Math.max(wait, commit ? tokens.reserve(nowMs, estimatedTokens) : tokens.peek(nowMs));
            }
            return wait;
        } finally {
            lock.unlock();
        }
    }

    /** Learns from the rate-limit headers of a response. */
    public void observe(long nowMs, RateLimitSnapshot snapshot) {
        if (snapshot == null) {
            return;
        }
        lock.lock();
        try {
            window(nowMs, snapshot.getRequestsLimit(), snapshot.getRequestsRemaining(), snapshot.getRequestsResetMs());
            window(nowMs, snapshot.getTokensLimit(), snapshot.getTokensRemaining(), snapshot.getTokensResetMs());
        } finally {
            lock.unlock();
        }
    }

    private void window(long nowMs, Long limit, Long remaining, Long resetMs) {
        if (remaining == null) {
            return;
        }
        long reset = resetMs == null || resetMs <= 0 ? DEFAULT_RESET_MS : resetMs;
        if (remaining <= 0) {
            heldUntilMs = Math.max(heldUntilMs, nowMs + reset);
        } else if (limit != null && limit > 0 && remaining < limit * LOW_REMAINING_SHARE) {
            // Spread what is left over the time until the window resets.
            if (lowRemainingPace == null || nowMs >= lowRemainingUntilMs) {
                lowRemainingPace = new Pace((double) reset / remaining, 1);
            }
            lowRemainingUntilMs = Math.max(lowRemainingUntilMs, nowMs + reset);
        }
    }

    /** Holds the deployment (e.g. after a retry-after) until {@code nowMs + holdMs}. */
    public void hold(long nowMs, long holdMs) {
        lock.lock();
        try {
            heldUntilMs = Math.max(heldUntilMs, nowMs + holdMs);
        } finally {
            lock.unlock();
        }
    }
}
