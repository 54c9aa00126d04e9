package dev.detour.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.detour.gateway.support.Catalogs;
import dev.detour.gateway.support.RealPipeline;
import dev.detour.gateway.support.TestBed;
import dev.detour.providers.simulator.ProviderScript;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole pipeline behind the gateway: router, worker and provider simulator on the real broker.
 * Official SDKs see OpenAI's API; a provider outage shows only in Detour's own headers.
 */
@WithKafka
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndPipelineTest {
    private static TestBed bed;
    private static RealPipeline pipeline;
    private static Gateway gateway;

    @BeforeAll
    static void start(KafkaCluster kafka) throws Exception {
        bed = new TestBed(kafka, Catalogs.small());
        pipeline = new RealPipeline(kafka, bed);
        gateway = bed.startGateway(bed.gatewayConfig());
        await().atMost(Duration.ofSeconds(90)).until(pipeline::running);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        pipeline.close();
    }

    private static OpenAIClient openai(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(gateway.url() + "/v1").apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(60)).build();
    }

    private static ChatCompletionCreateParams ask(String text) {
        return ChatCompletionCreateParams.builder().model("chat").addUserMessage(text).build();
    }

    @Test
    @Order(1)
    void completionsStreamingAndAnOutageTheCallerNeverSees() {
        HttpResponseFor<ChatCompletion> first = openai(TestBed.ACME_KEY).chat().completions().withRawResponse()
                .create(ask("Say hello"));
        ChatCompletion c = first.parse();
        assertThat(c.choices().get(0).message().content().orElseThrow()).startsWith("Simulated answer from alpha");
        assertThat(c.model()).isEqualTo("small-a");
        assertThat(c.usage().orElseThrow().completionTokens()).isPositive();
        assertThat(first.headers().values("x-detour-provider")).containsExactly("alpha");
        assertThat(Long.parseLong(first.headers().values("x-detour-cost-micros").get(0))).isPositive();

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = openai(TestBed.ACME_KEY).chat().completions()
                .createStreaming(ask("Stream please"))) {
            s.stream().forEach(chunks::add);
        }
        StringBuilder text = new StringBuilder();
        chunks.forEach(ch -> ch.choices().forEach(x -> x.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).startsWith("Simulated answer from");

        // alpha goes down: the caller still gets its answer, from beta.
        pipeline.simulator.script("alpha", ProviderScript.healthy().withDown(true));
        HttpResponseFor<ChatCompletion> during = openai(TestBed.ACME_KEY).chat().completions().withRawResponse()
                .create(ask("During the outage"));
        ChatCompletion d = during.parse();
        assertThat(d.choices().get(0).message().content().orElseThrow()).startsWith("Simulated answer from beta");
        assertThat(d.model()).isEqualTo("small-b");
        assertThat(during.headers().values("x-detour-provider")).containsExactly("beta");
        assertThat(Integer.parseInt(during.headers().values("x-detour-attempts").get(0))).isGreaterThanOrEqualTo(2);
        pipeline.simulator.script("alpha", ProviderScript.healthy());
    }

    @Test
    @Order(2)
    void langChain4jThroughTheWholePipeline() {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(gateway.url() + "/v1").apiKey(TestBed.ACME_KEY)
                .modelName("chat").maxRetries(0).timeout(Duration.ofSeconds(60)).build();
        assertThat(model.chat("Hello from LangChain4j")).startsWith("Simulated answer from");
    }

    @Test
    @Order(3)
    void refusalsComeBackAsSdkExceptions() throws Exception {
        assertThatThrownBy(() -> openai("sk-wrong").chat().completions().create(ask("hi")))
                .isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() -> openai(TestBed.ACME_KEY).chat().completions()
                .create(ask("hi").toBuilder().topP(3.0).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("top_p"));

        // The ledger marks the tenant's budget exhausted; the router refuses; the SDK sees 429 insufficient_quota.
        pipeline.exhaustBudget("broke");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThatThrownBy(() -> openai(TestBed.BROKE_KEY).chat().completions().create(ask("hi")))
                        .isInstanceOfSatisfying(com.openai.errors.RateLimitException.class,
                                e -> assertThat(e.code()).contains("insufficient_quota")));
        OpenAiChatModel broke = OpenAiChatModel.builder().baseUrl(gateway.url() + "/v1").apiKey(TestBed.BROKE_KEY)
                .modelName("chat").maxRetries(0).build();
        assertThatThrownBy(() -> broke.chat("hi")).isInstanceOf(RateLimitException.class);
    }

    /** Last: it leaves both providers' circuits open. */
    @Test
    @Order(4)
    void everyProviderDownPastTheDeadlineIs503WithRetryAfter() {
        pipeline.simulator.script("alpha", ProviderScript.healthy().withDown(true));
        pipeline.simulator.script("beta", ProviderScript.healthy().withDown(true));
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.url() + "/v1").apiKey(TestBed.ACME_KEY)
                .maxRetries(0).timeout(Duration.ofSeconds(60))
                .putHeader("x-detour-timeout-ms", "3000").build();
        assertThatThrownBy(() -> client.chat().completions().create(ask("Nobody is up")))
                .isInstanceOfSatisfying(com.openai.errors.OpenAIServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(503);
                    assertThat(e.headers().values("retry-after")).hasSize(1);
                    assertThat(e.headers().values("x-detour-job-id")).hasSize(1);
                    assertThat(e.code()).contains("providers_unavailable");
                });
    }
}
