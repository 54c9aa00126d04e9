package dev.detour.router;

import dev.detour.router.health.BreakerConfig;
import dev.detour.router.health.HealthWindowConfig;
import dev.detour.router.policy.ScoringConfig;
import dev.detour.schema.ErrorClass;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Applies the {@code router.*} settings of a flat configuration (YAML flattened to dotted keys, or
 * environment variables) to a {@link RouterConfig}. Keys are matched ignoring case, dots, dashes and
 * underscores, so {@code breaker.failureRateThreshold}, {@code breaker.failure-rate-threshold} and
 * {@code DETOUR_ROUTER_BREAKER_FAILURE_RATE_THRESHOLD} are the same key. Unknown keys are an error:
 * a typo must not silently fall back to a default. Durations are milliseconds.
 */
public final class RouterSettings {
    private RouterSettings() {}

    /** Every key understood, in its documented spelling (relative to {@code router.}). */
    public static final Set<String> KEYS = new TreeSet<>(Set.of(
            "application-id", "instance-id", "processing-guarantee", "stream-threads", "state-dir",
            "commit-interval-ms", "linger-ms", "dedupe-window-ms", "in-memory-state",
            "breaker.failure-rate-threshold", "breaker.minimum-number-of-calls", "breaker.sliding-window-size",
            "breaker.consecutive-failure-threshold", "breaker.wait-duration-in-open-state-ms",
            "breaker.wait-duration-multiplier", "breaker.max-wait-duration-in-open-state-ms",
            "breaker.permitted-number-of-calls-in-half-open-state", "breaker.probe-timeout-ms",
            "breaker.recorded-classes",
            "health.window-ms", "health.buckets", "health.publish-interval-ms", "health.heartbeat-ms",
            "health.max-retry-after-ms",
            "parking.check-interval-ms", "parking.initial-backoff-ms", "parking.max-backoff-ms", "parking.max-park-ms",
            "parking.release-batch",
            "scoring.risk-weight", "scoring.pressure-weight", "scoring.half-open-penalty", "scoring.tier-step",
            "scoring.spread-pressure-threshold", "scoring.spread-temperature", "scoring.chars-per-token",
            "scoring.default-output-tokens", "scoring.simple-complexity", "scoring.failover-backoff-ms",
            "scoring.max-backoff-ms"));

    private static String norm(String key) {
        return key.toLowerCase(Locale.ROOT).replaceAll("[._\\-]", "");
    }

    public static RouterConfig apply(RouterConfig base, Map<String, String> settings) {
        Map<String, String> byNorm = new HashMap<>();
        Map<String, String> known = KEYS.stream().collect(Collectors.toMap(RouterSettings::norm, k -> k));
        settings.forEach((k, v) -> {
            String canonical = known.get(norm(k));
            if (canonical == null) {
                throw new IllegalArgumentException("unknown router setting '" + k + "'; known: " + KEYS);
            }
            byNorm.put(canonical, v.trim());
        });
        Reader r = new Reader(byNorm);

        BreakerConfig b = base.breaker();
        BreakerConfig breaker = new BreakerConfig(
                r.i("breaker.failure-rate-threshold", b.failureRateThreshold()),
                r.i("breaker.minimum-number-of-calls", b.minimumNumberOfCalls()),
                r.i("breaker.sliding-window-size", b.slidingWindowSize()),
                r.i("breaker.consecutive-failure-threshold", b.consecutiveFailureThreshold()),
                r.ms("breaker.wait-duration-in-open-state-ms", b.waitDurationInOpenState()),
                r.d("breaker.wait-duration-multiplier", b.waitDurationMultiplier()),
                r.ms("breaker.max-wait-duration-in-open-state-ms", b.maxWaitDurationInOpenState()),
                r.i("breaker.permitted-number-of-calls-in-half-open-state", b.permittedNumberOfCallsInHalfOpenState()),
                r.ms("breaker.probe-timeout-ms", b.probeTimeout()),
                r.classes("breaker.recorded-classes", b.recordedClasses()));
        HealthWindowConfig h = base.health();
        HealthWindowConfig health = new HealthWindowConfig(r.ms("health.window-ms", h.window()),
                r.i("health.buckets", h.buckets()), r.ms("health.publish-interval-ms", h.publishInterval()),
                r.ms("health.heartbeat-ms", h.heartbeat()), r.ms("health.max-retry-after-ms", h.maxRetryAfter()));
        ParkingConfig p = base.parking();
        ParkingConfig parking = new ParkingConfig(r.ms("parking.check-interval-ms", p.checkInterval()),
                r.ms("parking.initial-backoff-ms", p.initialBackoff()), r.ms("parking.max-backoff-ms", p.maxBackoff()),
                r.ms("parking.max-park-ms", p.maxPark()), r.i("parking.release-batch", p.releaseBatch()));
        ScoringConfig s = base.scoring();
        ScoringConfig scoring = new ScoringConfig(s.cost(), s.latency(), s.balanced(),
                r.d("scoring.risk-weight", s.riskWeight()), r.d("scoring.pressure-weight", s.pressureWeight()),
                r.d("scoring.half-open-penalty", s.halfOpenPenalty()), r.d("scoring.tier-step", s.tierStep()),
                r.d("scoring.spread-pressure-threshold", s.spreadPressureThreshold()),
                r.d("scoring.spread-temperature", s.spreadTemperature()),
                r.d("scoring.chars-per-token", s.charsPerToken()),
                r.i("scoring.default-output-tokens", s.defaultOutputTokens()),
                r.d("scoring.simple-complexity", s.simpleComplexity()),
                r.ms("scoring.failover-backoff-ms", s.failoverBackoff()), r.ms("scoring.max-backoff-ms", s.maxBackoff()));

        String guarantee = r.s("processing-guarantee", base.guarantee().name());
        RouterConfig.ProcessingGuarantee g;
        try {
            g = RouterConfig.ProcessingGuarantee.valueOf(guarantee.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("router processing-guarantee must be at_least_once or exactly_once_v2, got '"
                    + guarantee + "'");
        }
        String stateDir = r.s("state-dir", base.stateDir() == null ? null : base.stateDir().toString());
        Duration commit = byNorm.containsKey("commit-interval-ms") ? r.ms("commit-interval-ms", null) : base.commitInterval();
        return new RouterConfig(r.s("application-id", base.applicationId()), base.bootstrapServers(),
                base.schemaRegistryUrl(), base.topics(), r.s("instance-id", base.instanceId()), g,
                r.i("stream-threads", base.streamThreads()), stateDir == null ? null : Path.of(stateDir), commit,
                r.i("linger-ms", base.lingerMs()), breaker, health, scoring, parking,
                r.ms("dedupe-window-ms", base.dedupeWindow()), r.b("in-memory-state", base.inMemoryState()),
                base.streamsOverrides());
    }

    private record Reader(Map<String, String> values) {
        String s(String key, String fallback) {
            return values.getOrDefault(key, fallback);
        }

        int i(String key, int fallback) {
            String v = values.get(key);
            try {
                return v == null ? fallback : Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("router setting " + key + " must be an integer, got '" + v + "'");
            }
        }

        double d(String key, double fallback) {
            String v = values.get(key);
            try {
                return v == null ? fallback : Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("router setting " + key + " must be a number, got '" + v + "'");
            }
        }

        Duration ms(String key, Duration fallback) {
            String v = values.get(key);
            try {
                return v == null ? fallback : Duration.ofMillis(Long.parseLong(v));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("router setting " + key + " must be milliseconds, got '" + v + "'");
            }
        }

        boolean b(String key, boolean fallback) {
            String v = values.get(key);
            if (v == null) {
                return fallback;
            }
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "1" -> true;
                case "false", "no", "off", "0" -> false;
                default -> throw new IllegalArgumentException("router setting " + key + " must be true or false, got '" + v + "'");
            };
        }

        Set<ErrorClass> classes(String key, Set<ErrorClass> fallback) {
            String v = values.get(key);
            if (v == null) {
                return fallback;
            }
            EnumSet<ErrorClass> out = EnumSet.noneOf(ErrorClass.class);
            for (String name : v.split(",")) {
                if (!name.isBlank()) {
                    try {
                        out.add(ErrorClass.valueOf(name.trim().toUpperCase(Locale.ROOT)));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("router setting " + key + ": unknown error class '" + name
                                + "'; known: " + Arrays.toString(ErrorClass.values()));
                    }
                }
            }
            return out;
        }
    }
}
