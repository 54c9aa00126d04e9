package dev.detour.providers.internal;

import dev.detour.schema.RateLimitSnapshot;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the providers' rate-limit and retry headers:
 * <ul>
 *   <li>{@code retry-after-ms} (OpenAI, milliseconds) wins over {@code retry-after} (seconds, or an
 *       HTTP date as RFC 9110 allows).</li>
 *   <li>OpenAI-style {@code x-ratelimit-limit|remaining|reset-requests|tokens} (OpenAI, Azure, Groq,
 *       Together, ...), resets as Go durations: "1s", "6m0s", "20ms", "1h2m3.5s".</li>
 *   <li>Anthropic {@code anthropic-ratelimit-requests|tokens-limit|remaining|reset}, resets as RFC 3339
 *       instants, turned into milliseconds from now (never negative).</li>
 * </ul>
 */
public final class RateLimitHeaders {

    private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|us|µs|ns|h|m|s)");

    private RateLimitHeaders() {}

    /** The snapshot, or null when the response carried no rate-limit headers. */
    public static RateLimitSnapshot snapshot(HttpHeaders h, Clock clock) {
        RateLimitSnapshot s = RateLimitSnapshot.newBuilder()
                .setRequestsLimit(firstLong(h, "x-ratelimit-limit-requests", "anthropic-ratelimit-requests-limit"))
                .setRequestsRemaining(firstLong(h, "x-ratelimit-remaining-requests", "anthropic-ratelimit-requests-remaining"))
                .setRequestsResetMs(reset(h, "x-ratelimit-reset-requests", "anthropic-ratelimit-requests-reset", clock))
                .setTokensLimit(firstLong(h, "x-ratelimit-limit-tokens", "anthropic-ratelimit-tokens-limit", "anthropic-ratelimit-input-tokens-limit"))
                .setTokensRemaining(firstLong(h, "x-ratelimit-remaining-tokens", "anthropic-ratelimit-tokens-remaining", "anthropic-ratelimit-input-tokens-remaining"))
                .setTokensResetMs(reset(h, "x-ratelimit-reset-tokens",
                        h.firstValue("anthropic-ratelimit-tokens-reset").isPresent() ? "anthropic-ratelimit-tokens-reset" : "anthropic-ratelimit-input-tokens-reset", clock))
                .build();
        boolean any = s.getRequestsLimit() != null || s.getRequestsRemaining() != null || s.getRequestsResetMs() != null
                || s.getTokensLimit() != null || s.getTokensRemaining() != null || s.getTokensResetMs() != null;
        return any ? s : null;
    }

    /** Milliseconds the provider asks us to wait, or null. */
    public static Long retryAfterMs(HttpHeaders h, Clock clock) {
        Optional<String> ms = h.firstValue("retry-after-ms");
        if (ms.isPresent()) {
            try {
                return Math.max(0L, (long) Math.ceil(Double.parseDouble(ms.get().trim())));
            } catch (NumberFormatException ignored) {
                // fall through to retry-after
            }
        }
        Optional<String> ra = h.firstValue("retry-after");
        return ra.map(v -> retryAfterValue(v, clock)).orElse(null);
    }

    static Long retryAfterValue(String v, Clock clock) {
        String s = v.trim();
        try {
            return Math.max(0L, (long) Math.ceil(Double.parseDouble(s) * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Math.max(0L, Duration.between(clock.instant(), at).toMillis());
            } catch (RuntimeException notDate) {
                return null;
            }
        }
    }

    /** Go-style duration ("6m0s", "1.5s", "20ms") in milliseconds, or null when unparsable. */
    public static Long goDurationMs(String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        String s = v.trim();
        try {
            return (long) Math.ceil(Double.parseDouble(s) * 1000); // bare number: seconds
        } catch (NumberFormatException ignored) {
            // a duration with units
        }
        Matcher m = GO_DURATION_PART.matcher(s);
        double ms = 0;
        int consumed = 0;
        while (m.find()) {
            if (m.start() != consumed) {
                return null;
            }
            consumed = m.end();
            double n = Double.parseDouble(m.group(1));
            ms += switch (m.group(2)) {
                case "h" -> n * 3_600_000;
                case "m" -> n * 60_000;
                case "s" -> n * 1000;
                case "ms" -> n;
                default -> n / 1000.0 / (m.group(2).equals("ns") ? 1000.0 : 1.0);
            };
        }
        return consumed == s.length() && consumed > 0 ? (long) Math.ceil(ms) : null;
    }

    private static Long reset(HttpHeaders h, String goHeader, String rfc3339Header, Clock clock) {
        Optional<String> go = h.firstValue(goHeader);
        if (go.isPresent()) {
            return goDurationMs(go.get());
        }
        return h.firstValue(rfc3339Header).map(v -> {
            try {
                Instant at = OffsetDateTime.parse(v.trim()).toInstant();
                return Math.max(0L, Duration.between(clock.instant(), at).toMillis());
            } catch (RuntimeException e) {
                return null;
            }
        }).orElse(null);
    }

    private static Long firstLong(HttpHeaders h, String... names) {
        for (String n : names) {
            Optional<String> v = h.firstValue(n);
            if (v.isPresent()) {
                try {
                    return Long.parseLong(v.get().trim());
                } catch (NumberFormatException ignored) {
                    // try the next spelling
                }
            }
        }
        return null;
    }
}
