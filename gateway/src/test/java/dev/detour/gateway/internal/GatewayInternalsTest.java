package dev.detour.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import dev.detour.gateway.ApiKeys;
import dev.detour.gateway.WebhookPolicy;
import dev.detour.gateway.WebhookSignature;
import dev.detour.gateway.openai.ChatCall.WebhookTarget;
import dev.detour.gateway.openai.OpenAiError;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.VirtualKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class GatewayInternalsTest {

    @Test
    void keyFileHoldsHashesTenantsAndModelsAndSkipsBadLines() {
        String h1 = ApiKeys.hash("k1");
        String h2 = ApiKeys.hash("k2");
        Map<String, VirtualKey> keys = StaticKeyFile.parse(List.of(
                "# comment", "", h1 + " acme", h2.toUpperCase() + "  beta  chat,smart  # trailing", "nothex tenant",
                h1.substring(1) + " short"));
        assertThat(keys).containsOnlyKeys(h1, h2);
        assertThat(keys.get(h1).getTenant()).isEqualTo("acme");
        assertThat(keys.get(h1).getAllowedModels()).isEmpty();
        assertThat(keys.get(h2).getAllowedModels()).containsExactly("chat", "smart");
    }

    @Test
    void keyHashIsSha256Hex() {
        assertThat(ApiKeys.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(ApiKeys.generate()).startsWith("dtr-").hasSize(47).isNotEqualTo(ApiKeys.generate());
    }

    @Test
    void jobBookReturnsTheSameJobForAnIdAndBoundsOpenAndFinishedJobs() {
        JobBook book = new JobBook(2, 2);
        CompletableFuture<CompletionResult> f1 = new CompletableFuture<>();
        JobBook.Registration r1 = book.register("a", () -> new JobBook.Job("a", "t", "m", 0, f1));
        assertThat(r1).isInstanceOf(JobBook.Fresh.class);
        assertThat(book.register("a", () -> { throw new AssertionError("submitted twice"); }))
                .isInstanceOf(JobBook.Existing.class);
        book.register("b", () -> new JobBook.Job("b", "t", "m", 0, new CompletableFuture<>()));
        assertThat(book.register("c", () -> new JobBook.Job("c", "t", "m", 0, new CompletableFuture<>())))
                .as("two open jobs is the bound").isInstanceOf(JobBook.Full.class);
        f1.complete(null);
        assertThat(book.open()).isEqualTo(1);
        book.register("c", () -> new JobBook.Job("c", "t", "m", 0, new CompletableFuture<>()));
        assertThat(book.find("a")).as("finished and oldest: forgotten").isEmpty();
        assertThat(book.size()).isEqualTo(2);
    }

    @Test
    void callerTimeoutFromDetourOrStainlessHeadersClampedToTheMaximum() {
        Duration def = Duration.ofSeconds(60);
        Duration max = Duration.ofMinutes(10);
        assertThat(timeout(Map.of(), def, max)).isEqualTo(def);
        assertThat(timeout(Map.of("x-detour-timeout-ms", "1500"), def, max)).isEqualTo(Duration.ofMillis(1500));
        assertThat(timeout(Map.of("X-Stainless-Timeout", "2.5"), def, max)).isEqualTo(Duration.ofMillis(2500));
        assertThat(timeout(Map.of("X-Stainless-Read-Timeout", "99999"), def, max)).isEqualTo(max);
        Headers bad = new Headers();
        bad.add("X-Stainless-Timeout", "-1");
        assertThat(CallerTimeout.of(bad, def, max)).isInstanceOfSatisfying(CallerTimeout.Bad.class,
                b -> assertThat(b.error().param()).isEqualTo("X-Stainless-Timeout"));
    }

    private static Duration timeout(Map<String, String> h, Duration def, Duration max) {
        Headers headers = new Headers();
        h.forEach(headers::add);
        return ((CallerTimeout.Ok) CallerTimeout.of(headers, def, max)).timeout();
    }

    @Test
    void webhooksMustNameAKnownSecretAndAPublicTargetUnlessAllowed() {
        WebhookPolicy policy = WebhookPolicy.defaults().withSecret("main", "s");
        try (WebhookDelivery d = new WebhookDelivery(policy)) {
            assertThat(param(d.check(new WebhookTarget("ftp://example.com/x", "main")))).contains("webhook.url");
            assertThat(param(d.check(new WebhookTarget("https://example.com/x", "other")))).contains("webhook.secret");
            assertThat(param(d.check(new WebhookTarget("https://example.com/x", null)))).contains("webhook.secret");
            assertThat(param(d.check(new WebhookTarget("http://127.0.0.1:9/x", "main")))).contains("webhook.url");
            assertThat(param(d.check(new WebhookTarget("http://10.1.2.3/x", "main")))).contains("webhook.url");
            assertThat(param(d.check(new WebhookTarget("http://169.254.169.254/latest", "main")))).contains("webhook.url");
        }
        try (WebhookDelivery d = new WebhookDelivery(policy.withDefaultSecret("main").withAllowPrivateTargets(true))) {
            assertThat(d.check(new WebhookTarget("http://127.0.0.1:9/x", null))).isEmpty();
        }
        assertThat(policy.toString()).doesNotContain("=s,").contains("main");
    }

    private static Optional<String> param(Optional<OpenAiError> e) {
        return e.map(OpenAiError::param);
    }

    @Test
    void signatureIsHmacSha256OfTheBody() {
        byte[] body = "{\"id\":\"j\"}".getBytes(StandardCharsets.UTF_8);
        String sig = WebhookSignature.sign("secret", body);
        assertThat(sig).startsWith("sha256=").hasSize(7 + 64);
        assertThat(WebhookSignature.verify("secret", body, sig)).isTrue();
        assertThat(WebhookSignature.verify("secret", "{\"id\":\"k\"}".getBytes(StandardCharsets.UTF_8), sig)).isFalse();
        assertThat(WebhookSignature.verify("secret", body, null)).isFalse();
    }
}
