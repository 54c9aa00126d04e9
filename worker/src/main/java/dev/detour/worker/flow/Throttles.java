package dev.detour.worker.flow;

import dev.detour.schema.ProviderLimits;
import dev.detour.schema.RateLimitSnapshot;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The throttles a call passes: the provider account's catalog limits (rpm/tpm apply to the whole
 * account) and the deployment's own window as reported in its response headers (providers count
 * per model).
 */
public final class Throttles {
    private final Function<String, ProviderLimits> limitsOfProvider;
    private final Map<String, Throttle> providers = new ConcurrentHashMap<>();
    private final Map<String, Throttle> deployments = new ConcurrentHashMap<>();

    public Throttles(Function<String, ProviderLimits> limitsOfProvider) {
        this.limitsOfProvider = limitsOfProvider;
    }

    /** Books a call and returns how long to wait before making it. */
    public long reserve(String provider, String deploymentId, long nowMs, long estimatedTokens) {
        long a = provider(provider).reserve(nowMs, estimatedTokens, true);
        long b = deployment(deploymentId).reserve(nowMs, estimatedTokens, true);
        return Math.max(a, b);
    }

    /** How long a call would wait now, without booking. */
    public long waitFor(String provider, String deploymentId, long nowMs) {
        return Math.max(provider(provider).reserve(nowMs, 0, false), deployment(deploymentId).reserve(nowMs, 0, false));
    }

    public void observe(String deploymentId, long nowMs, RateLimitSnapshot snapshot) {
        deployment(deploymentId).observe(nowMs, snapshot);
    }

    public void hold(String deploymentId, long nowMs, long holdMs) {
        deployment(deploymentId).hold(nowMs, holdMs);
    }

    private Throttle provider(String name) {
        return providers.computeIfAbsent(name, n -> new Throttle(limitsOfProvider.apply(n)));
    }

    private Throttle deployment(String id) {
        return deployments.computeIfAbsent(id, i -> new Throttle(null));
    }
}
