package dev.detour.router.policy;

import dev.detour.schema.CacheMode;
import dev.detour.schema.CachedAnswer;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.TenantPolicy;

/**
 * When the last-resort response cache may be read and written for a job. Pure rules:
 * <ul>
 *   <li>a tenant whose policy says {@code cache: OFF} (the default) neither writes nor reads: caching is opt-in;</li>
 *   <li>within a tenant that opted in, a request's {@code hints.cache} (FALLBACK or PREFER) overrides the
 *       tenant's mode; OFF in the hints (their default) means "the tenant's mode";</li>
 *   <li>a request with temperature above 0 is neither written nor served unless the tenant sets
 *       {@code cacheAllowTemperature}: a sampled answer is one of many, not "the" answer;</li>
 *   <li>an entry is served only to its own tenant and before it expires.</li>
 * </ul>
 */
public final class ResponseCachePolicy {
    /** TTL of an entry when the tenant sets none. */
    public static final long DEFAULT_TTL_MS = 24 * 3600_000L;
    /** Result/request metadata label carrying the cache key from the router to the cache writer. */
    public static final String KEY_LABEL = "detour.cache-key";

    private ResponseCachePolicy() {
    }

    /** How this job may read the cache. */
    public static CacheMode readMode(CompletionRequest request, TenantPolicy tenant) {
        if (tenant == null || tenant.getCache() == CacheMode.OFF || !temperatureAllowed(request, tenant)) {
            return CacheMode.OFF;
        }
        CacheMode asked = request.getHints() == null ? CacheMode.OFF : request.getHints().getCache();
        return asked != CacheMode.OFF ? asked : tenant.getCache();
    }

    /** Whether a successful answer to this job is kept. */
    public static boolean mayWrite(CompletionRequest request, TenantPolicy tenant) {
        return tenant != null && tenant.getCache() != CacheMode.OFF && temperatureAllowed(request, tenant);
    }

    public static long ttlMs(TenantPolicy tenant) {
        return tenant == null || tenant.getCacheTtlMs() == null || tenant.getCacheTtlMs() <= 0
                ? DEFAULT_TTL_MS : tenant.getCacheTtlMs();
    }

    /** Whether {@code entry} may answer {@code request} at {@code nowMs}. */
    public static boolean servable(CachedAnswer entry, CompletionRequest request, long nowMs) {
        return entry != null && entry.getTenant().equals(request.getTenant()) && nowMs < entry.getExpiresAtMs()
                && entry.getContent() != null;
    }

    static boolean temperatureAllowed(CompletionRequest request, TenantPolicy tenant) {
        Double t = request.getParams() == null ? null : request.getParams().getTemperature();
        return t == null || t <= 0 || tenant.getCacheAllowTemperature();
    }
}
