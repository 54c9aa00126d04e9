package dev.detour.providers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.schema.RateLimitSnapshot;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);

    private static HttpHeaders headers(String... kv) {
        Map<String, List<String>> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], List.of(kv[i + 1]));
        }
        return HttpHeaders.of(m, (a, b) -> true);
    }

    @Test
    void openAiResetDurations() {
        assertThat(RateLimitHeaders.goDurationMs("1s")).isEqualTo(1000L);
        assertThat(RateLimitHeaders.goDurationMs("6m0s")).isEqualTo(360_000L);
        assertThat(RateLimitHeaders.goDurationMs("20ms")).isEqualTo(20L);
        assertThat(RateLimitHeaders.goDurationMs("1h2m3.5s")).isEqualTo(3_723_500L);
        assertThat(RateLimitHeaders.goDurationMs("2m59.56s")).isEqualTo(179_560L);
        assertThat(RateLimitHeaders.goDurationMs("0.5")).isEqualTo(500L);
        assertThat(RateLimitHeaders.goDurationMs("soon")).isNull();
        assertThat(RateLimitHeaders.goDurationMs("5s later")).isNull();
    }

    @Test
    void retryAfterInSecondsMillisecondsOrHttpDate() {
        assertThat(RateLimitHeaders.retryAfterMs(headers("retry-after", "3"), NOW)).isEqualTo(3000L);
        assertThat(RateLimitHeaders.retryAfterMs(headers("retry-after", "3", "retry-after-ms", "250"), NOW)).isEqualTo(250L);
        assertThat(RateLimitHeaders.retryAfterMs(headers("retry-after", "Wed, 25 Nov 2026 12:00:30 GMT"), NOW)).isEqualTo(30_000L);
        assertThat(RateLimitHeaders.retryAfterMs(headers("retry-after", "Wed, 25 Nov 2026 11:00:00 GMT"), NOW)).isZero();
        assertThat(RateLimitHeaders.retryAfterMs(headers("retry-after", "later"), NOW)).isNull();
        assertThat(RateLimitHeaders.retryAfterMs(headers(), NOW)).isNull();
    }

    @Test
    void anthropicResetsAreInstants() {
        RateLimitSnapshot s = RateLimitHeaders.snapshot(headers(
                "anthropic-ratelimit-requests-limit", "50", "anthropic-ratelimit-requests-remaining", "0",
                "anthropic-ratelimit-requests-reset", "2026-11-25T12:00:05Z",
                "anthropic-ratelimit-input-tokens-limit", "30000", "anthropic-ratelimit-input-tokens-remaining", "100",
                "anthropic-ratelimit-input-tokens-reset", "2026-11-25T12:01:00Z"), NOW);
        assertThat(s.getRequestsLimit()).isEqualTo(50L);
        assertThat(s.getRequestsRemaining()).isZero();
        assertThat(s.getRequestsResetMs()).isEqualTo(5000L);
        assertThat(s.getTokensLimit()).isEqualTo(30000L);
        assertThat(s.getTokensRemaining()).isEqualTo(100L);
        assertThat(s.getTokensResetMs()).isEqualTo(60_000L);
    }

    @Test
    void noHeadersNoSnapshot() {
        assertThat(RateLimitHeaders.snapshot(headers("content-type", "application/json"), NOW)).isNull();
    }
}
