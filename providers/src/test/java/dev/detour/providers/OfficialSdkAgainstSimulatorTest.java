package dev.detour.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.google.genai.Client;
import com.google.genai.errors.ApiException;
import com.google.genai.errors.ClientException;
import com.google.genai.errors.ServerException;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.detour.providers.simulator.ProviderScript;
import dev.detour.providers.simulator.ProviderSimulator;
import dev.detour.providers.simulator.SimulatorConfig;
import dev.detour.schema.ApiFamily;
import dev.detour.schema.ErrorClass;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fidelity of the simulator: the providers' official Java SDKs talk to it and see what they would see
 * from the real APIs, including their typed exceptions. SDK retries are off so each error surfaces.
 */
class OfficialSdkAgainstSimulatorTest {

    private static final Clock FROZEN = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
    private static final String KEY = "sk-sdk-test-key-000111222333";
    private static final AtomicInteger UNIQUE = new AtomicInteger();
    private static ProviderSimulator sim;

    @BeforeAll
    static void start() {
        sim = ProviderSimulator.start(SimulatorConfig.defaults().withClock(FROZEN));
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static String provider(String family, ProviderScript script) {
        String name = family + "-sdk-" + UNIQUE.incrementAndGet();
        sim.script(name, script.withExpectedKey(KEY));
        return name;
    }

    // ---- OpenAI ------------------------------------------------------------------------------------

    private static OpenAIClient openai(String provider, String key) {
        return OpenAIOkHttpClient.builder().apiKey(key).baseUrl(sim.baseUrlFor(provider, ApiFamily.OPENAI)).maxRetries(0).build();
    }

    private static ChatCompletionCreateParams openaiParams() {
        return ChatCompletionCreateParams.builder().model("gpt-4.1").addSystemMessage("Be brief.").addUserMessage("Say hello.").build();
    }

    @Test
    void openaiSdkReadsACompletion() {
        String p = provider("openai", ProviderScript.healthy());
        ChatCompletion c = openai(p, KEY).chat().completions().create(openaiParams());
        assertThat(c.choices().get(0).message().content()).hasValueSatisfying(t -> assertThat(t).startsWith("Simulated answer from " + p));
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.usage().orElseThrow().promptTokens()).isPositive();
        assertThat(c.usage().orElseThrow().completionTokensDetails().orElseThrow().reasoningTokens()).hasValue(0L);
    }

    @Test
    void openaiSdkSeesRateLimitWithRetryAfter() {
        String p = provider("openai", ProviderScript.healthy().withRateLimit(1.0, 1));
        OpenAIClient client = openai(p, KEY);
        client.chat().completions().create(openaiParams());
        assertThatThrownBy(() -> client.chat().completions().create(openaiParams()))
                .isInstanceOfSatisfying(com.openai.errors.RateLimitException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.headers().values("retry-after")).containsExactly("1");
                    assertThat(e.headers().values("retry-after-ms")).containsExactly("1000");
                    assertThat(e.code()).hasValue("rate_limit_exceeded");
                });
    }

    @Test
    void openaiSdkSeesServerErrorAndBadKey() {
        String p = provider("openai", ProviderScript.healthy().withErrorRate(ErrorClass.SERVER_ERROR, 1.0));
        assertThatThrownBy(() -> openai(p, KEY).chat().completions().create(openaiParams()))
                .isInstanceOfSatisfying(com.openai.errors.InternalServerException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
        String q = provider("openai", ProviderScript.healthy());
        assertThatThrownBy(() -> openai(q, "sk-wrong-0000000000000000").chat().completions().create(openaiParams()))
                .isInstanceOfSatisfying(com.openai.errors.UnauthorizedException.class, e -> assertThat(e.code()).hasValue("invalid_api_key"));
    }

    @Test
    void openaiSdkSeesQuotaAndContextLengthCodes() {
        String p = provider("openai", ProviderScript.healthy().withErrorRate(ErrorClass.QUOTA_EXHAUSTED, 1.0));
        assertThatThrownBy(() -> openai(p, KEY).chat().completions().create(openaiParams()))
                .isInstanceOfSatisfying(com.openai.errors.RateLimitException.class, e -> assertThat(e.code()).hasValue("insufficient_quota"));
        String q = provider("openai", ProviderScript.healthy().withMaxContextTokens(5));
        assertThatThrownBy(() -> openai(q, KEY).chat().completions().create(openaiParams()))
                .isInstanceOfSatisfying(com.openai.errors.BadRequestException.class, e -> assertThat(e.code()).hasValue("context_length_exceeded"));
    }

    // ---- Anthropic ---------------------------------------------------------------------------------

    private static AnthropicClient anthropic(String provider, String key) {
        return AnthropicOkHttpClient.builder().apiKey(key).baseUrl(sim.baseUrlFor(provider, ApiFamily.ANTHROPIC)).maxRetries(0).build();
    }

    private static MessageCreateParams anthropicParams() {
        return MessageCreateParams.builder().model("claude-sonnet-4-6").maxTokens(256L).system("Be brief.").addUserMessage("Say hello.").build();
    }

    @Test
    void anthropicSdkReadsAMessage() {
        String p = provider("anthropic", ProviderScript.healthy());
        Message m = anthropic(p, KEY).messages().create(anthropicParams());
        assertThat(m.content().get(0).text().orElseThrow().text()).startsWith("Simulated answer from " + p);
        assertThat(m.stopReason()).hasValue(com.anthropic.models.messages.StopReason.END_TURN);
        assertThat(m.usage().inputTokens()).isPositive();
    }

    @Test
    void anthropicSdkSeesRateLimitOverloadServerErrorAndBadKey() {
        String limited = provider("anthropic", ProviderScript.healthy().withRateLimit(1.0, 1));
        AnthropicClient client = anthropic(limited, KEY);
        client.messages().create(anthropicParams());
        assertThatThrownBy(() -> client.messages().create(anthropicParams()))
                .isInstanceOfSatisfying(com.anthropic.errors.RateLimitException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.headers().values("retry-after")).containsExactly("1");
                });
        String overloaded = provider("anthropic", ProviderScript.healthy().withErrorRate(ErrorClass.OVERLOADED, 1.0));
        assertThatThrownBy(() -> anthropic(overloaded, KEY).messages().create(anthropicParams()))
                .isInstanceOfSatisfying(com.anthropic.errors.OverloadedException.class, e -> assertThat(e.statusCode()).isEqualTo(529));
        String broken = provider("anthropic", ProviderScript.healthy().withErrorRate(ErrorClass.SERVER_ERROR, 1.0));
        assertThatThrownBy(() -> anthropic(broken, KEY).messages().create(anthropicParams()))
                .isInstanceOfSatisfying(com.anthropic.errors.InternalServerException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
        String guarded = provider("anthropic", ProviderScript.healthy());
        assertThatThrownBy(() -> anthropic(guarded, "sk-ant-wrong-000000000").messages().create(anthropicParams()))
                .isInstanceOf(com.anthropic.errors.UnauthorizedException.class);
    }

    // ---- Gemini ------------------------------------------------------------------------------------

    private static Client gemini(String provider, String key) {
        return Client.builder().apiKey(key)
                .httpOptions(HttpOptions.builder().baseUrl(sim.baseUrlFor(provider, ApiFamily.GEMINI))
                        .retryOptions(HttpRetryOptions.builder().attempts(1).build()).build())
                .build();
    }

    @Test
    void geminiSdkReadsAResponse() {
        String p = provider("gemini", ProviderScript.healthy());
        GenerateContentResponse r = gemini(p, KEY).models.generateContent("gemini-2.5-flash", "Say hello.", null);
        assertThat(r.text()).startsWith("Simulated answer from " + p);
        assertThat(r.usageMetadata().orElseThrow().promptTokenCount()).hasValueSatisfying(n -> assertThat(n).isPositive());
    }

    @Test
    void geminiSdkSeesResourceExhaustedServerErrorAndBadKey() {
        String limited = provider("gemini", ProviderScript.healthy().withRateLimit(1.0, 1));
        Client client = gemini(limited, KEY);
        client.models.generateContent("gemini-2.5-flash", "Say hello.", null);
        assertThatThrownBy(() -> client.models.generateContent("gemini-2.5-flash", "Say hello.", null))
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.code()).isEqualTo(429);
                    assertThat(e.status()).isEqualTo("RESOURCE_EXHAUSTED");
                });
        String broken = provider("gemini", ProviderScript.healthy().withErrorRate(ErrorClass.SERVER_ERROR, 1.0));
        assertThatThrownBy(() -> gemini(broken, KEY).models.generateContent("gemini-2.5-flash", "Say hello.", null))
                .isInstanceOfSatisfying(ServerException.class, e -> assertThat(e.code()).isEqualTo(500));
        String overloaded = provider("gemini", ProviderScript.healthy().withErrorRate(ErrorClass.OVERLOADED, 1.0));
        assertThatThrownBy(() -> gemini(overloaded, KEY).models.generateContent("gemini-2.5-flash", "Say hello.", null))
                .isInstanceOfSatisfying(ServerException.class, e -> assertThat(e.status()).isEqualTo("UNAVAILABLE"));
        String guarded = provider("gemini", ProviderScript.healthy());
        assertThatThrownBy(() -> gemini(guarded, "AIzaWrongKey000000000000").models.generateContent("gemini-2.5-flash", "Say hello.", null))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.message()).contains("API key not valid");
                });
    }
}
