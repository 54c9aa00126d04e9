package dev.detour.core;

import dev.detour.schema.ErrorClass;

/**
 * What happens after an attempt fails with a given {@link ErrorClass}.
 *
 * <p>The split follows who can fix the fault: a transient network or server hiccup is worth a few
 * tries on the same deployment (the worker does this); a capacity or outage signal means another
 * deployment should take the job (the router does this); a fault in the request itself will fail
 * everywhere, so the job ends.
 */
public enum RetryDecision {
    /** Retry on the same deployment with backoff, then hand back to the router. */
    RETRY_SAME,
    /** Do not retry here; the router picks another deployment. */
    FAILOVER,
    /** The request itself is at fault: end the job failed. */
    TERMINAL;

    public static RetryDecision of(ErrorClass errorClass) {
        return switch (errorClass) {
            case CONNECTION, TIMEOUT, SERVER_ERROR -> RETRY_SAME;
            case RATE_LIMITED, QUOTA_EXHAUSTED, OVERLOADED, AUTH, MALFORMED_RESPONSE, QUALITY, UNKNOWN -> FAILOVER;
            case INVALID_REQUEST, CONTEXT_LENGTH, CONTENT_FILTER -> TERMINAL;
        };
    }

    /**
     * Whether the deployment that produced this class may be tried again for the same job.
     * Transient classes may; a deployment that said "no quota", "bad key" or "bad output" for this
     * job will say it again.
     */
    public static boolean deploymentReusableForJob(ErrorClass errorClass) {
        return switch (errorClass) {
            case CONNECTION, TIMEOUT, SERVER_ERROR, RATE_LIMITED, OVERLOADED -> true;
            default -> false;
        };
    }
}
