package dev.detour.providers;

import static dev.detour.providers.TestProviders.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.providers.ProviderReply.Completion;
import dev.detour.providers.ProviderReply.Failure;
import dev.detour.providers.TestProviders.Family;
import dev.detour.providers.simulator.ProviderScript;
import dev.detour.providers.simulator.ProviderSimulator;
import dev.detour.providers.simulator.SimulatorConfig;
import dev.detour.schema.ApiFamily;
import dev.detour.schema.ErrorClass;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every adapter against the simulator, one provider per API family, for each outcome class. */
class AdapterAgainstSimulatorTest {

    /** A frozen clock: token buckets never refill and windows never end, so outcomes are exact. */
    private static final Clock FROZEN = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
    private static final AtomicInteger UNIQUE = new AtomicInteger();

    private static ProviderSimulator sim;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        sim = ProviderSimulator.start(SimulatorConfig.defaults().withClock(FROZEN));
        http = ProviderAdapters.defaultHttpClient();
    }

    @AfterAll
    static void stop() {
        sim.close();
        http.close();
    }

    static List<Family> families() {
        return TestProviders.families();
    }

    /** A fresh simulated provider of this family with the given script, and its adapter. */
    private static ProviderAdapter adapter(Family f, ProviderScript script, ApiKeySource key) {
        String name = f.label() + "-" + UNIQUE.incrementAndGet();
        sim.script(name, script);
        return ProviderAdapters.create(TestProviders.spec(name, f.family(), sim.baseUrlFor(name, f.family())), key, http);
    }

    private static ProviderAdapter adapter(Family f, ProviderScript script) {
        return adapter(f, script, ApiKeySource.literal(KEY));
    }

    private static ProviderReply call(ProviderAdapter a, Family f) {
        return a.complete(TestProviders.request(f.model(), "Say hello to the simulator.")).join();
    }

    private static Failure failure(ProviderReply r) {
        assertThat(r).isInstanceOf(Failure.class);
        return (Failure) r;
    }

    @ParameterizedTest
    @MethodSource("families")
    void successIsNormalized(Family f) {
        ProviderAdapter a = adapter(f, ProviderScript.healthy().withExpectedKey(KEY));
        ProviderReply r = call(a, f);
        assertThat(r).isInstanceOf(Completion.class);
        Completion c = (Completion) r;
        assertThat(c.content()).startsWith("Simulated answer from " + a.provider() + " (" + f.model() + ")");
        assertThat(c.finishReason()).isEqualTo("stop");
        assertThat(c.usage().getInputTokens()).isPositive();
        assertThat(c.usage().getOutputTokens()).isEqualTo((c.content().length() + 3) / 4);
        // Same prompt, same seed: the same answer.
        assertThat(((Completion) call(a, f)).content()).isEqualTo(c.content());
    }

    @ParameterizedTest
    @MethodSource("families")
    void outputCapEndsWithLength(Family f) {
        ProviderAdapter a = adapter(f, ProviderScript.healthy());
        Completion c = (Completion) a.complete(TestProviders.request(f.model(), "hi", 3, Duration.ofSeconds(20))).join();
        assertThat(c.finishReason()).isEqualTo("length");
        assertThat(c.usage().getOutputTokens()).isEqualTo(3);
    }

    @ParameterizedTest
    @MethodSource("families")
    void tokenBucketGives429WithRetryAfter(Family f) {
        ProviderAdapter a = adapter(f, ProviderScript.healthy().withRateLimit(1.0, 1));
        ProviderReply first = call(a, f);
        assertThat(first).isInstanceOf(Completion.class);
        if (f.family() != ApiFamily.GEMINI) { // Gemini sends no rate-limit headers
            assertThat(first.rateLimit()).isNotNull();
            assertThat(first.rateLimit().getRequestsLimit()).isEqualTo(60L);
            assertThat(first.rateLimit().getRequestsRemaining()).isEqualTo(0L);
        }
        Failure second = failure(call(a, f));
        assertThat(second.errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(second.httpStatus()).isEqualTo(429);
        assertThat(second.retryAfterMs()).isEqualTo(1000L);
    }

    @ParameterizedTest
    @MethodSource("families")
    void serverErrorIsRetryableServerError(Family f) {
        Failure r = failure(call(adapter(f, ProviderScript.healthy().withErrorRate(ErrorClass.SERVER_ERROR, 1.0)), f));
        assertThat(r.errorClass()).isEqualTo(ErrorClass.SERVER_ERROR);
        assertThat(r.httpStatus()).isEqualTo(500);
    }

    @ParameterizedTest
    @MethodSource("families")
    void overloadIs529ForAnthropicAnd503ForOthers(Family f) {
        Failure r = failure(call(adapter(f, ProviderScript.healthy().withErrorRate(ErrorClass.OVERLOADED, 1.0)), f));
        assertThat(r.errorClass()).isEqualTo(ErrorClass.OVERLOADED);
        assertThat(r.httpStatus()).isEqualTo(f.family() == ApiFamily.ANTHROPIC ? 529 : 503);
    }

    @ParameterizedTest
    @MethodSource("families")
    void outageWindowAndDownAreOverloaded(Family f) {
        assertThat(failure(call(adapter(f, ProviderScript.healthy().withOutage(0, 60_000, "error")), f)).errorClass())
                .isEqualTo(ErrorClass.OVERLOADED);
        assertThat(failure(call(adapter(f, ProviderScript.healthy().withDown(true)), f)).errorClass()).isEqualTo(ErrorClass.OVERLOADED);
        assertThat(failure(call(adapter(f, ProviderScript.healthy().withOutage(0, 60_000, "reset")), f)).errorClass())
                .isEqualTo(ErrorClass.CONNECTION);
    }

    @ParameterizedTest
    @MethodSource("families")
    void wrongKeyIsAuthAndNeverEchoesTheKey(Family f) {
        String wrong = "sk-wrong-key-abcdefghijkl";
        Failure r = failure(call(adapter(f, ProviderScript.healthy().withExpectedKey(KEY), ApiKeySource.literal(wrong)), f));
        assertThat(r.errorClass()).isEqualTo(ErrorClass.AUTH);
        assertThat(r.httpStatus()).isEqualTo(f.family() == ApiFamily.GEMINI ? 400 : 401);
        assertThat(r.message()).doesNotContain("sk-wrong").doesNotContain("ijkl").doesNotContain("127.0.0.1");
    }

    @ParameterizedTest
    @MethodSource("families")
    void missingKeyFailsWithoutACall(Family f) {
        ProviderAdapter a = adapter(f, ProviderScript.healthy(), ApiKeySource.none());
        if (f.family() == ApiFamily.OPENAI_COMPATIBLE) {
            assertThat(call(a, f)).isInstanceOf(Completion.class); // vLLM/Ollama style: no key needed
            return;
        }
        assertThat(failure(call(a, f)).errorClass()).isEqualTo(ErrorClass.AUTH);
        assertThat(sim.stats(a.provider()).requests()).isZero();
    }

    @ParameterizedTest
    @MethodSource("families")
    void malformed200IsMalformedResponse(Family f) {
        Failure r = failure(call(adapter(f, ProviderScript.healthy().withErrorRate(ErrorClass.MALFORMED_RESPONSE, 1.0)), f));
        assertThat(r.errorClass()).isEqualTo(ErrorClass.MALFORMED_RESPONSE);
        assertThat(r.httpStatus()).isEqualTo(200);
    }

    @ParameterizedTest
    @MethodSource("families")
    void slowAnswerIsTimeout(Family f) {
        ProviderAdapter a = adapter(f, ProviderScript.healthy().withErrorRate(ErrorClass.TIMEOUT, 1.0).withHangMs(60_000));
        Failure r = failure(a.complete(TestProviders.request(f.model(), "hi", null, Duration.ofMillis(300))).join());
        assertThat(r.errorClass()).isEqualTo(ErrorClass.TIMEOUT);
        assertThat(r.httpStatus()).isNull();
    }

    @ParameterizedTest
    @MethodSource("families")
    void cutConnectionIsConnection(Family f) {
        Failure r = failure(call(adapter(f, ProviderScript.healthy().withErrorRate(ErrorClass.CONNECTION, 1.0)), f));
        assertThat(r.errorClass()).isEqualTo(ErrorClass.CONNECTION);
    }

    @ParameterizedTest
    @MethodSource("families")
    void exhaustedQuotaIsNotPlainRateLimiting(Family f) {
        Failure r = failure(call(adapter(f, ProviderScript.healthy().withErrorRate(ErrorClass.QUOTA_EXHAUSTED, 1.0)), f));
        assertThat(r.errorClass()).isEqualTo(ErrorClass.QUOTA_EXHAUSTED);
    }

    @ParameterizedTest
    @MethodSource("families")
    void tooLongPromptIsContextLength(Family f) {
        ProviderAdapter a = adapter(f, ProviderScript.healthy().withMaxContextTokens(20));
        Failure r = failure(a.complete(TestProviders.request(f.model(), "word ".repeat(200))).join());
        assertThat(r.errorClass()).isEqualTo(ErrorClass.CONTEXT_LENGTH);
        assertThat(r.httpStatus()).isEqualTo(400);
    }

    @ParameterizedTest
    @MethodSource("families")
    void filteredOutputIsContentFilter(Family f) {
        Failure r = failure(call(adapter(f, ProviderScript.healthy().withErrorRate(ErrorClass.CONTENT_FILTER, 1.0)), f));
        assertThat(r.errorClass()).isEqualTo(ErrorClass.CONTENT_FILTER);
        assertThat(r.httpStatus()).isEqualTo(f.family() == ApiFamily.AZURE_OPENAI ? 400 : 200);
    }

    @ParameterizedTest
    @MethodSource("families")
    void invalidRequestIsTerminalClass(Family f) {
        Failure r = failure(call(adapter(f, ProviderScript.healthy().withErrorRate(ErrorClass.INVALID_REQUEST, 1.0)), f));
        assertThat(r.errorClass()).isEqualTo(ErrorClass.INVALID_REQUEST);
    }

    @Test
    void refusedConnectionIsConnection() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProviderAdapter a = ProviderAdapters.create(TestProviders.spec("gone", ApiFamily.OPENAI, "http://127.0.0.1:" + port + "/v1"),
                ApiKeySource.literal(KEY), http);
        Failure r = failure(a.complete(TestProviders.request("gpt-4.1", "hi")).join());
        assertThat(r.errorClass()).isEqualTo(ErrorClass.CONNECTION);
        assertThat(r.message()).doesNotContain(KEY);
    }

    @Test
    void badToolsJsonIsAnInvalidRequestNotAnException() {
        ProviderAdapter a = adapter(families().get(0), ProviderScript.healthy());
        ProviderRequest bad = new ProviderRequest("gpt-4.1", TestProviders.request("gpt-4.1", "x").messages(),
                dev.detour.schema.CompletionParams.newBuilder().setToolsJson("[not json").build(), Duration.ofSeconds(5));
        assertThat(failure(a.complete(bad).join()).errorClass()).isEqualTo(ErrorClass.INVALID_REQUEST);
    }

    @Test
    void metadataBaseUrlIsRefusedAtCreation() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProviderAdapters.create(
                TestProviders.spec("evil", ApiFamily.OPENAI, "http://169.254.169.254/v1"), ApiKeySource.literal(KEY), http))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(KEY);
    }
}
