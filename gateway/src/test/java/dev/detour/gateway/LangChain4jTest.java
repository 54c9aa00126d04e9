package dev.detour.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.detour.gateway.support.Catalogs;
import dev.detour.gateway.support.StandInPipeline;
import dev.detour.gateway.support.TestBed;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** LangChain4j's OpenAI chat models against the gateway, with a stand-in pipeline on the real broker. */
@WithKafka
class LangChain4jTest {
    private static TestBed bed;
    private static StandInPipeline pipeline;
    private static Gateway gateway;

    @BeforeAll
    static void start(KafkaCluster kafka) {
        bed = new TestBed(kafka, Catalogs.small());
        pipeline = bed.standIn();
        gateway = bed.startGateway(bed.gatewayConfig());
    }

    @AfterAll
    static void stop() {
        gateway.close();
        pipeline.close();
    }

    private static OpenAiChatModel model(String key, String model) {
        return OpenAiChatModel.builder().baseUrl(gateway.url() + "/v1").apiKey(key).modelName(model)
                .maxRetries(0).timeout(Duration.ofSeconds(60)).build();
    }

    @Test
    void plainCompletion() {
        ChatResponse r = model(TestBed.ACME_KEY, "chat").chat(dev.langchain4j.data.message.UserMessage.from("hello"));
        assertThat(r.aiMessage().text()).isEqualTo("answer to hello");
        assertThat(r.metadata().modelName()).isEqualTo("small-a");
        assertThat(r.metadata().tokenUsage().inputTokenCount()).isEqualTo(10);
        assertThat(r.metadata().tokenUsage().outputTokenCount()).isEqualTo(11);
    }

    @Test
    void streaming() throws Exception {
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(gateway.url() + "/v1")
                .apiKey(TestBed.ACME_KEY).modelName("chat").timeout(Duration.ofSeconds(60)).build();
        StringBuilder partial = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat("stream me", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String token) {
                partial.append(token);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse r = done.get(60, TimeUnit.SECONDS);
        assertThat(partial.toString()).isEqualTo("answer to stream me");
        assertThat(r.aiMessage().text()).isEqualTo("answer to stream me");
        assertThat(r.metadata().finishReason()).hasToString("STOP");
    }

    @Test
    void unknownKeyIsAnAuthenticationError() {
        assertThatThrownBy(() -> model("sk-unknown", "chat").chat("hi")).isInstanceOf(AuthenticationException.class);
    }

    @Test
    void budgetRefusalIsARateLimitError() {
        assertThatThrownBy(() -> model(TestBed.BROKE_KEY, "chat").chat("hi"))
                .isInstanceOf(RateLimitException.class)
                .hasMessageContaining("insufficient_quota");
    }

    @Test
    void badParameterIsAnInvalidRequestNamingIt() {
        OpenAiChatModel hot = OpenAiChatModel.builder().baseUrl(gateway.url() + "/v1").apiKey(TestBed.ACME_KEY)
                .modelName("chat").temperature(5.0).maxRetries(0).build();
        assertThatThrownBy(() -> hot.chat("hi")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("temperature");
    }

    @Test
    void providerOutageIsInvisible() {
        assertThat(model(TestBed.ACME_KEY, "chat").chat("during the outage")).isEqualTo("answer from beta: during the outage");
    }
}
