package dev.detour.providers;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.detour.providers.ProviderReply.Completion;
import dev.detour.providers.ProviderReply.Failure;
import dev.detour.schema.ApiFamily;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.TokenUsage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Adapters on response bodies and headers shaped as the providers document them (fixtures under
 * src/test/resources/fixtures), served by a stub that answers whatever the test sets.
 */
class DocumentedBodiesTest {

    private record Canned(int status, byte[] body, Map<String, String> headers) {}

    private static final AtomicReference<Canned> NEXT = new AtomicReference<>();
    private static final AtomicReference<String> LAST_PATH = new AtomicReference<>();
    private static final AtomicReference<Map<String, String>> LAST_HEADERS = new AtomicReference<>();
    private static HttpServer stub;
    private static HttpClient http;

    @BeforeAll
    static void start() throws IOException {
        stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stub.createContext("/", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                LAST_PATH.set(ex.getRequestURI().toString());
                Map<String, String> h = new LinkedHashMap<>();
                ex.getRequestHeaders().forEach((k, v) -> h.put(k.toLowerCase(), v.get(0)));
                LAST_HEADERS.set(h);
                Canned c = NEXT.get();
                c.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
                ex.sendResponseHeaders(c.status(), c.body().length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(c.body());
                }
            }
        });
        stub.start();
        http = ProviderAdapters.defaultHttpClient();
    }

    @AfterAll
    static void stop() {
        stub.stop(0);
        http.close();
    }

    private static byte[] fixture(String name) {
        try (InputStream in = DocumentedBodiesTest.class.getResourceAsStream("/fixtures/" + name)) {
            return in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("missing fixture " + name, e);
        }
    }

    private static ProviderReply answer(ApiFamily family, String model, int status, byte[] body, String... headers) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("content-type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i], headers[i + 1]);
        }
        NEXT.set(new Canned(status, body, h));
        String base = "http://127.0.0.1:" + stub.getAddress().getPort() + (family == ApiFamily.OPENAI || family == ApiFamily.OPENAI_COMPATIBLE ? "/v1" : "");
        ProviderAdapter a = ProviderAdapters.create(TestProviders.spec("p", family, base), ApiKeySource.literal(TestProviders.KEY), http);
        return a.complete(TestProviders.request(model, "hello")).join();
    }

    private static ProviderReply answer(ApiFamily family, int status, String fixture, String... headers) {
        return answer(family, "m", status, fixture(fixture), headers);
    }

    private static TokenUsage usage(long in, long out, long cachedRead, long cacheWrite, long reasoning) {
        return new TokenUsage(in, out, cachedRead, cacheWrite, reasoning);
    }

    // ---- OpenAI and Azure --------------------------------------------------------------------------

    @Test
    void openaiCompletionWithCachedPromptAndRateLimitHeaders() {
        ProviderReply r = answer(ApiFamily.OPENAI, 200, "openai/chat-completion.json",
                "x-ratelimit-limit-requests", "10000", "x-ratelimit-remaining-requests", "9999", "x-ratelimit-reset-requests", "6ms",
                "x-ratelimit-limit-tokens", "30000000", "x-ratelimit-remaining-tokens", "29998837", "x-ratelimit-reset-tokens", "2ms");
        Completion c = (Completion) r;
        assertThat(c.content()).isEqualTo("Kafka keeps the log; consumers keep their place.");
        assertThat(c.finishReason()).isEqualTo("stop");
        // 1117 prompt tokens of which 1024 cached: 93 at the input price.
        assertThat(c.usage()).isEqualTo(usage(93, 46, 1024, 0, 0));
        assertThat(c.rateLimit().getRequestsLimit()).isEqualTo(10000L);
        assertThat(c.rateLimit().getRequestsRemaining()).isEqualTo(9999L);
        assertThat(c.rateLimit().getRequestsResetMs()).isEqualTo(6L);
        assertThat(c.rateLimit().getTokensRemaining()).isEqualTo(29998837L);
        assertThat(LAST_PATH.get()).isEqualTo("/v1/chat/completions");
        assertThat(LAST_HEADERS.get().get("authorization")).isEqualTo("Bearer " + TestProviders.KEY);
    }

    @Test
    void openaiReasoningIsInsideCompletionTokensAndLengthIsNormalized() {
        Completion c = (Completion) answer(ApiFamily.OPENAI, 200, "openai/chat-completion-reasoning-length.json");
        assertThat(c.finishReason()).isEqualTo("length");
        assertThat(c.usage()).isEqualTo(usage(75, 1186, 0, 0, 1024));
    }

    @Test
    void openaiToolCallsHaveEmptyContent() {
        Completion c = (Completion) answer(ApiFamily.OPENAI, 200, "openai/chat-completion-tool-calls.json");
        assertThat(c.finishReason()).isEqualTo("tool_calls");
        assertThat(c.content()).isEmpty();
    }

    @Test
    void openaiContentFilterFinishIsAFailureThatKeepsBilledUsage() {
        Failure f = (Failure) answer(ApiFamily.OPENAI, 200, "openai/chat-completion-content-filter.json");
        assertThat(f.errorClass()).isEqualTo(ErrorClass.CONTENT_FILTER);
        assertThat(f.usage().getInputTokens()).isEqualTo(20);
    }

    @Test
    void openaiRateLimitReadsRetryAfterMsAndOpenAiResetDurations() {
        Failure f = (Failure) answer(ApiFamily.OPENAI, 429, "openai/error-rate-limit.json",
                "retry-after", "2", "retry-after-ms", "1260", "x-ratelimit-reset-tokens", "6m0s", "x-ratelimit-remaining-tokens", "120");
        assertThat(f.errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(f.retryAfterMs()).isEqualTo(1260L);
        assertThat(f.rateLimit().getTokensResetMs()).isEqualTo(360_000L);
        assertThat(f.message()).contains("rate_limit").contains("tokens per min");
    }

    @Test
    void openaiInsufficientQuotaIsQuotaExhausted() {
        Failure f = (Failure) answer(ApiFamily.OPENAI, 429, "openai/error-insufficient-quota.json");
        assertThat(f.errorClass()).isEqualTo(ErrorClass.QUOTA_EXHAUSTED);
        assertThat(f.retryAfterMs()).isNull();
    }

    @Test
    void openaiContextLengthAndServerError() {
        assertThat(((Failure) answer(ApiFamily.OPENAI, 400, "openai/error-context-length.json")).errorClass()).isEqualTo(ErrorClass.CONTEXT_LENGTH);
        assertThat(((Failure) answer(ApiFamily.OPENAI, 500, "openai/error-server.json")).errorClass()).isEqualTo(ErrorClass.SERVER_ERROR);
        assertThat(((Failure) answer(ApiFamily.OPENAI, 502, "openai/error-server.json")).errorClass()).isEqualTo(ErrorClass.SERVER_ERROR);
    }

    @Test
    void openaiInvalidKeyMessageIsScrubbedOfTheMaskedKey() {
        Failure f = (Failure) answer(ApiFamily.OPENAI, 401, "openai/error-invalid-key.json");
        assertThat(f.errorClass()).isEqualTo(ErrorClass.AUTH);
        assertThat(f.message()).doesNotContain("sk-proj").doesNotContain("Zx9Q").contains("[redacted]");
    }

    @Test
    void azureUsesDeploymentUrlApiKeyHeaderAndVersion() {
        Completion c = (Completion) answer(ApiFamily.AZURE_OPENAI, "gpt-4o-eu", 200, fixture("azure/chat-completion.json"));
        assertThat(c.content()).isEqualTo("Failover keeps the lights on.");
        assertThat(c.usage()).isEqualTo(usage(30, 9, 0, 0, 0));
        assertThat(LAST_PATH.get()).isEqualTo("/openai/deployments/gpt-4o-eu/chat/completions?api-version=2024-10-21");
        assertThat(LAST_HEADERS.get()).containsEntry("api-key", TestProviders.KEY).doesNotContainKey("authorization");
    }

    @Test
    void azureContentFilterErrorAndAuth() {
        assertThat(((Failure) answer(ApiFamily.AZURE_OPENAI, 400, "azure/error-content-filter.json")).errorClass())
                .isEqualTo(ErrorClass.CONTENT_FILTER);
        assertThat(((Failure) answer(ApiFamily.AZURE_OPENAI, 401, "azure/error-auth.json")).errorClass()).isEqualTo(ErrorClass.AUTH);
    }

    @Test
    void deepseekCacheHitsAreCachedReads() {
        Completion c = (Completion) answer(ApiFamily.OPENAI_COMPATIBLE, 200, "deepseek/chat-completion.json");
        assertThat(c.content()).isEqualTo("9.11 is smaller.");
        assertThat(c.usage()).isEqualTo(usage(128, 380, 1792, 0, 300));
    }

    @Test
    void reasoningReportedBesideCompletionTokensIsAddedOnce() {
        // total 135 = 32 prompt + 9 completion + 94 reasoning: reasoning is not inside completion_tokens here.
        Completion c = (Completion) answer(ApiFamily.OPENAI_COMPATIBLE, 200, "xai/chat-completion-reasoning.json");
        assertThat(c.usage()).isEqualTo(usage(26, 103, 6, 0, 94));
    }

    // ---- Anthropic ---------------------------------------------------------------------------------

    @Test
    void anthropicMessageWithCacheReadsAndWrites() {
        Completion c = (Completion) answer(ApiFamily.ANTHROPIC, 200, "anthropic/message.json",
                "anthropic-ratelimit-requests-limit", "4000", "anthropic-ratelimit-requests-remaining", "3999",
                "anthropic-ratelimit-requests-reset", "2099-01-01T00:00:00Z", "anthropic-ratelimit-tokens-limit", "2000000",
                "anthropic-ratelimit-tokens-remaining", "1990000", "anthropic-ratelimit-tokens-reset", "2020-01-01T00:00:00Z");
        assertThat(c.content()).isEqualTo("Hi! My name is Claude.");
        assertThat(c.finishReason()).isEqualTo("stop");
        assertThat(c.usage()).isEqualTo(usage(2095, 503, 12000, 1500, 0));
        assertThat(c.rateLimit().getRequestsLimit()).isEqualTo(4000L);
        assertThat(c.rateLimit().getRequestsResetMs()).isPositive();
        assertThat(c.rateLimit().getTokensResetMs()).isZero(); // a reset in the past is "now"
        assertThat(LAST_PATH.get()).isEqualTo("/v1/messages");
        assertThat(LAST_HEADERS.get()).containsEntry("x-api-key", TestProviders.KEY).containsEntry("anthropic-version", "2023-06-01");
    }

    @Test
    void anthropicStopReasons() {
        assertThat(((Completion) answer(ApiFamily.ANTHROPIC, 200, "anthropic/message-tool-use.json")).finishReason()).isEqualTo("tool_calls");
        Completion max = (Completion) answer(ApiFamily.ANTHROPIC, 200, "anthropic/message-max-tokens.json");
        assertThat(max.finishReason()).isEqualTo("length");
        assertThat(max.content()).isEqualTo("The first three primes are 2, 3"); // thinking blocks are not the answer
        assertThat(((Failure) answer(ApiFamily.ANTHROPIC, 200, "anthropic/message-refusal.json")).errorClass()).isEqualTo(ErrorClass.CONTENT_FILTER);
    }

    @Test
    void anthropicErrors() {
        Failure overloaded = (Failure) answer(ApiFamily.ANTHROPIC, 529, "anthropic/error-overloaded.json");
        assertThat(overloaded.errorClass()).isEqualTo(ErrorClass.OVERLOADED);
        assertThat(overloaded.httpStatus()).isEqualTo(529);
        Failure limited = (Failure) answer(ApiFamily.ANTHROPIC, 429, "anthropic/error-rate-limit.json", "retry-after", "17");
        assertThat(limited.errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(limited.retryAfterMs()).isEqualTo(17_000L);
        assertThat(((Failure) answer(ApiFamily.ANTHROPIC, 400, "anthropic/error-prompt-too-long.json")).errorClass()).isEqualTo(ErrorClass.CONTEXT_LENGTH);
        assertThat(((Failure) answer(ApiFamily.ANTHROPIC, 400, "anthropic/error-credit-balance.json")).errorClass()).isEqualTo(ErrorClass.QUOTA_EXHAUSTED);
        assertThat(((Failure) answer(ApiFamily.ANTHROPIC, 500, "anthropic/error-api.json")).errorClass()).isEqualTo(ErrorClass.SERVER_ERROR);
    }

    // ---- Gemini ------------------------------------------------------------------------------------

    @Test
    void geminiResponseSkipsThoughtsAndCountsThemAsOutput() {
        Completion c = (Completion) answer(ApiFamily.GEMINI, "gemini-2.5-flash", 200, fixture("gemini/generate-content.json"));
        assertThat(c.content()).isEqualTo("A partition is an ordered, append-only log.");
        assertThat(c.finishReason()).isEqualTo("stop");
        assertThat(c.usage()).isEqualTo(usage(1024, 112, 4096, 0, 100));
        assertThat(c.rateLimit()).isNull();
        assertThat(LAST_PATH.get()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(LAST_HEADERS.get()).containsEntry("x-goog-api-key", TestProviders.KEY);
    }

    @Test
    void geminiSafetyAndBlockedPromptAreContentFilter() {
        assertThat(((Failure) answer(ApiFamily.GEMINI, 200, "gemini/generate-content-safety.json")).errorClass()).isEqualTo(ErrorClass.CONTENT_FILTER);
        Failure blocked = (Failure) answer(ApiFamily.GEMINI, 200, "gemini/blocked-prompt.json");
        assertThat(blocked.errorClass()).isEqualTo(ErrorClass.CONTENT_FILTER);
        assertThat(blocked.message()).contains("PROHIBITED_CONTENT");
        assertThat(((Completion) answer(ApiFamily.GEMINI, 200, "gemini/generate-content-max-tokens.json")).finishReason()).isEqualTo("length");
    }

    @Test
    void geminiPerMinuteQuotaIsRateLimitedWithRetryInfoAndDailyQuotaIsExhausted() {
        Failure minute = (Failure) answer(ApiFamily.GEMINI, 429, "gemini/error-rate-limit.json");
        assertThat(minute.errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(minute.retryAfterMs()).isEqualTo(36_000L);
        Failure daily = (Failure) answer(ApiFamily.GEMINI, 429, "gemini/error-daily-quota.json");
        assertThat(daily.errorClass()).isEqualTo(ErrorClass.QUOTA_EXHAUSTED);
        assertThat(daily.retryAfterMs()).isEqualTo((7 * 3600 + 12 * 60 + 3) * 1000L);
    }

    @Test
    void geminiErrors() {
        assertThat(((Failure) answer(ApiFamily.GEMINI, 400, "gemini/error-api-key-invalid.json")).errorClass()).isEqualTo(ErrorClass.AUTH);
        assertThat(((Failure) answer(ApiFamily.GEMINI, 503, "gemini/error-overloaded.json")).errorClass()).isEqualTo(ErrorClass.OVERLOADED);
        assertThat(((Failure) answer(ApiFamily.GEMINI, 400, "gemini/error-token-limit.json")).errorClass()).isEqualTo(ErrorClass.CONTEXT_LENGTH);
        assertThat(((Failure) answer(ApiFamily.GEMINI, 504, "gemini/error-deadline.json")).errorClass()).isEqualTo(ErrorClass.TIMEOUT);
    }

    // ---- Broken bodies -----------------------------------------------------------------------------

    @Test
    void brokenBodiesAreNormalizedNotThrown() {
        byte[] html = "<html><body>502 Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8);
        for (ApiFamily family : ApiFamily.values()) {
            Failure ok200 = (Failure) answer(family, "m", 200, html);
            assertThat(ok200.errorClass()).as(family.name()).isEqualTo(ErrorClass.MALFORMED_RESPONSE);
            Failure gateway = (Failure) answer(family, "m", 502, html);
            assertThat(gateway.errorClass()).as(family.name()).isEqualTo(ErrorClass.SERVER_ERROR);
            Failure wrongShape = (Failure) answer(family, "m", 200, "{\"choices\": 42, \"content\": 1, \"candidates\": \"x\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(wrongShape.errorClass()).as(family.name()).isEqualTo(ErrorClass.MALFORMED_RESPONSE);
            Failure emptyJson = (Failure) answer(family, "m", 200, "[]".getBytes(StandardCharsets.UTF_8));
            assertThat(emptyJson.errorClass()).as(family.name()).isEqualTo(ErrorClass.MALFORMED_RESPONSE);
        }
    }

    /**
     * Type confusion anywhere in a documented success body (each node replaced by null, a number, a
     * string, an array or an object) is handled by the decoders themselves: a completion or a classified
     * failure, never an exception caught by the last-resort net.
     */
    @Test
    void everyNodeOfEverySuccessBodyMayBeWrongWithoutACrash() throws Exception {
        Map<String, ApiFamily> bodies = new LinkedHashMap<>();
        bodies.put("openai/chat-completion.json", ApiFamily.OPENAI);
        bodies.put("openai/chat-completion-tool-calls.json", ApiFamily.OPENAI);
        bodies.put("deepseek/chat-completion.json", ApiFamily.OPENAI_COMPATIBLE);
        bodies.put("anthropic/message.json", ApiFamily.ANTHROPIC);
        bodies.put("gemini/generate-content.json", ApiFamily.GEMINI);
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode[] replacements = {mapper.nullNode(), mapper.getNodeFactory().numberNode(42),
                mapper.getNodeFactory().textNode("x"), mapper.createArrayNode(), mapper.createObjectNode()};
        int calls = 0;
        for (Map.Entry<String, ApiFamily> e : bodies.entrySet()) {
            com.fasterxml.jackson.databind.JsonNode original = mapper.readTree(fixture(e.getKey()));
            java.util.List<com.fasterxml.jackson.core.JsonPointer> pointers = new java.util.ArrayList<>();
            collect(original, com.fasterxml.jackson.core.JsonPointer.empty(), pointers);
            for (com.fasterxml.jackson.core.JsonPointer ptr : pointers) {
                for (com.fasterxml.jackson.databind.JsonNode replacement : replacements) {
                    com.fasterxml.jackson.databind.JsonNode mutated = original.deepCopy();
                    com.fasterxml.jackson.databind.JsonNode parent = mutated.at(ptr.head());
                    String last = ptr.last().getMatchingProperty();
                    if (parent instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                        o.set(last, replacement);
                    } else if (parent instanceof com.fasterxml.jackson.databind.node.ArrayNode a) {
                        a.set(ptr.last().getMatchingIndex(), replacement);
                    }
                    ProviderReply r = answer(e.getValue(), "m", 200, mapper.writeValueAsBytes(mutated));
                    // The catch-all in HttpProviderAdapter would hide a decoder bug as "could not read": it must not be needed.
                    if (r instanceof Failure f) {
                        assertThat(f.message()).as(e.getKey() + " " + ptr + " := " + replacement).doesNotContain("could not read");
                    }
                    calls++;
                }
            }
        }
        assertThat(calls).isGreaterThan(300);
    }

    private static void collect(com.fasterxml.jackson.databind.JsonNode node, com.fasterxml.jackson.core.JsonPointer at,
                                java.util.List<com.fasterxml.jackson.core.JsonPointer> out) {
        if (node.isObject()) {
            node.properties().forEach(f -> {
                com.fasterxml.jackson.core.JsonPointer child = at.appendProperty(f.getKey());
                out.add(child);
                collect(f.getValue(), child, out);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                com.fasterxml.jackson.core.JsonPointer child = at.appendIndex(i);
                out.add(child);
                collect(node.get(i), child, out);
            }
        }
    }
}
