package dev.detour.client;

import dev.detour.schema.DeadLetter;
import java.time.Instant;

/**
 * Which dead letters to replay. Null fields match everything. {@code reason} matches the
 * {@link dev.detour.schema.FailureReason} name case-insensitively; {@code provider} the provider
 * of the dead letter or of any of its attempts.
 */
public record ReplayFilter(String tenant, String reason, String provider, Instant from, Instant to) {

    public static ReplayFilter all() {
        return new ReplayFilter(null, null, null, null, null);
    }

    public boolean matches(DeadLetter d) {
        if (tenant != null && !tenant.equals(d.getTenant())) return false;
        if (reason != null && !reason.equalsIgnoreCase(d.getReason().name())) return false;
        if (provider != null && !provider.equals(d.getProvider())
                && d.getAttempts().stream().noneMatch(a -> provider.equals(a.getProvider()))) return false;
        if (from != null && d.getFailedAtMs() < from.toEpochMilli()) return false;
        if (to != null && d.getFailedAtMs() >= to.toEpochMilli()) return false;
        return true;
    }
}
