package dev.detour.gateway;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How webhooks are signed and delivered.
 *
 * @param secrets signing secrets by name; a job's {@code webhook.secret} names one (values come from
 *                the environment or files, never from a request)
 * @param defaultSecret name of the secret used when a job names none, or null to require a name
 * @param maxAttempts deliveries tried before giving up
 * @param firstBackoff wait before the second attempt; doubles each time (with jitter) up to maxBackoff
 * @param maxBackoff longest wait between attempts
 * @param callTimeout timeout of one delivery call
 * @param allowPrivateTargets allow loopback/private/link-local targets (off by default: a caller must not
 *                            make the gateway call into its own network)
 */
public record WebhookPolicy(Map<String, String> secrets, String defaultSecret, int maxAttempts, Duration firstBackoff,
                            Duration maxBackoff, Duration callTimeout, boolean allowPrivateTargets) {

    public WebhookPolicy {
        secrets = Map.copyOf(secrets);
    }

    public static WebhookPolicy defaults() {
        return new WebhookPolicy(Map.of(), null, 8, Duration.ofSeconds(1), Duration.ofMinutes(5),
                Duration.ofSeconds(10), false);
    }

    static WebhookPolicy fromEnv(Map<String, String> env) {
        Map<String, String> secrets = new HashMap<>();
        String prefix = "DETOUR_WEBHOOK_SECRET_";
        env.forEach((k, v) -> {
            if (k.startsWith(prefix) && !v.isBlank()) {
                secrets.put(k.substring(prefix.length()).toLowerCase(Locale.ROOT), v);
            }
        });
        WebhookPolicy d = defaults();
        return new WebhookPolicy(secrets, secrets.containsKey("default") ? "default" : null, d.maxAttempts(),
                d.firstBackoff(), d.maxBackoff(), d.callTimeout(),
                Boolean.parseBoolean(env.getOrDefault("DETOUR_WEBHOOK_ALLOW_PRIVATE", "false")));
    }

    public WebhookPolicy withSecret(String name, String value) {
        Map<String, String> m = new HashMap<>(secrets);
        m.put(name, value);
        return new WebhookPolicy(m, defaultSecret, maxAttempts, firstBackoff, maxBackoff, callTimeout, allowPrivateTargets);
    }

    public WebhookPolicy withDefaultSecret(String name) {
        return new WebhookPolicy(secrets, name, maxAttempts, firstBackoff, maxBackoff, callTimeout, allowPrivateTargets);
    }

    public WebhookPolicy withBackoff(Duration first, Duration max, int attempts) {
        return new WebhookPolicy(secrets, defaultSecret, attempts, first, max, callTimeout, allowPrivateTargets);
    }

    public WebhookPolicy withAllowPrivateTargets(boolean v) {
        return new WebhookPolicy(secrets, defaultSecret, maxAttempts, firstBackoff, maxBackoff, callTimeout, v);
    }

    @Override
    public String toString() {
        return "WebhookPolicy[secrets=" + secrets.keySet() + ", defaultSecret=" + defaultSecret + ", maxAttempts="
                + maxAttempts + "]"; // never the secret values
    }
}
