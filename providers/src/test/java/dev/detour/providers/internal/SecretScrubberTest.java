package dev.detour.providers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretScrubberTest {

    @Test
    void removesTheKeyKeyLikeTokensAndUrlQueries() {
        String key = "my-very-own-secret-value";
        String s = SecretScrubber.scrub("bad key my-very-own-secret-value; provided: sk-proj-****abcd, google AIzaSyA1234567890abcdef, "
                + "see https://x.example/v1beta/models/m:generateContent?key=AIzaXYZ&alt=json and Bearer abc.def", key);
        assertThat(s).doesNotContain(key).doesNotContain("sk-proj").doesNotContain("abcd").doesNotContain("AIza")
                .doesNotContain("alt=json").doesNotContain("abc.def");
        assertThat(s).contains("https://x.example/v1beta/models/m:generateContent?[query removed]");
    }

    @Test
    void truncatesLongTextAndKeepsOrdinaryWords() {
        assertThat(SecretScrubber.scrub("x".repeat(1000), null)).hasSize(403);
        assertThat(SecretScrubber.scrub("prompt is too long: 215345 tokens > 200000 maximum", null))
                .isEqualTo("prompt is too long: 215345 tokens > 200000 maximum");
    }
}
