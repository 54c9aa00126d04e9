package dev.detour.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import dev.detour.gateway.support.Catalogs;
import dev.detour.gateway.support.StandInPipeline;
import dev.detour.gateway.support.TestBed;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official openai-java client against the gateway, with a stand-in pipeline on the real broker. */
@WithKafka
class OpenAiJavaSdkTest {
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

    private static OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(gateway.url() + "/v1").apiKey(key).maxRetries(0).build();
    }

    private static ChatCompletionCreateParams ask(String model, String text) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(text).build();
    }

    @Test
    void plainCompletionComesBackInOpenAisFormatWithUsageAndDetourHeaders() {
        HttpResponseFor<ChatCompletion> raw = client(TestBed.ACME_KEY).chat().completions().withRawResponse()
                .create(ask("chat", "hello"));
        ChatCompletion c = raw.parse();
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).message().content()).contains("answer to hello");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.model()).as("the model that answered, not the group asked for").isEqualTo("small-a");
        var usage = c.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(10); // 7 uncached + 3 cached
        assertThat(usage.completionTokens()).isEqualTo(11);
        assertThat(usage.totalTokens()).isEqualTo(21);
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).contains(3L);
        assertThat(usage.completionTokensDetails().orElseThrow().reasoningTokens()).contains(4L);
        assertThat(raw.headers().values("x-detour-provider")).containsExactly("alpha");
        assertThat(raw.headers().values("x-detour-attempts")).containsExactly("1");
        assertThat(raw.headers().values("x-detour-cost-micros")).containsExactly("9");
        assertThat(raw.headers().values("x-detour-job-id")).singleElement().asString().startsWith("gw-");
        assertThat(c.id()).isEqualTo("chatcmpl-" + raw.headers().values("x-detour-job-id").get(0));
    }

    @Test
    void streamingDeliversChunksEndingWithFinishReasonAndUsage() {
        ChatCompletionCreateParams params = ask("chat", "stream me").toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client(TestBed.ACME_KEY).chat().completions()
                .createStreaming(params)) {
            stream.stream().forEach(chunks::add);
        }
        StringBuilder text = new StringBuilder();
        chunks.forEach(ch -> ch.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isEqualTo("answer to stream me");
        assertThat(chunks).anySatisfy(ch -> assertThat(ch.choices()).anySatisfy(choice ->
                assertThat(choice.finishReason()).contains(ChatCompletionChunk.Choice.FinishReason.STOP)));
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(11);
        assertThat(chunks).allSatisfy(ch -> assertThat(ch.model()).isEqualTo("small-a"));
    }

    @Test
    void unknownKeyIs401() {
        assertThatThrownBy(() -> client("sk-nobody").chat().completions().create(ask("chat", "hi")))
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(401);
                    assertThat(e.code()).contains("invalid_api_key");
                });
    }

    @Test
    void tenantOverBudgetIs429InsufficientQuota() {
        assertThatThrownBy(() -> client(TestBed.BROKE_KEY).chat().completions().create(ask("chat", "hi")))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.code()).contains("insufficient_quota");
                    assertThat(e.type()).contains("insufficient_quota");
                    assertThat(e.headers().values("x-should-retry")).containsExactly("false");
                });
    }

    @Test
    void badParameterIs400NamingTheParameter() {
        ChatCompletionCreateParams hot = ask("chat", "hi").toBuilder().temperature(7.0).build();
        assertThatThrownBy(() -> client(TestBed.ACME_KEY).chat().completions().create(hot))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).contains("temperature");
                    assertThat(e.code()).contains("invalid_value");
                });
        assertThatThrownBy(() -> client(TestBed.ACME_KEY).chat().completions().create(ask("gpt-nonexistent", "hi")))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).contains("model");
                    assertThat(e.code()).contains("model_not_found");
                });
    }

    @Test
    void providerOutageIsInvisibleToTheCaller() {
        HttpResponseFor<ChatCompletion> raw = client(TestBed.ACME_KEY).chat().completions().withRawResponse()
                .create(ask("chat", "during the outage"));
        ChatCompletion c = raw.parse();
        assertThat(c.choices().get(0).message().content()).contains("answer from beta: during the outage");
        assertThat(c.model()).isEqualTo("small-b");
        assertThat(raw.headers().values("x-detour-provider")).containsExactly("beta");
        assertThat(raw.headers().values("x-detour-attempts")).containsExactly("2");
    }

    @Test
    void modelsListsTheGroupsAndModelsTheKeyMayUse() {
        List<String> all = client(TestBed.ACME_KEY).models().list().data().stream().map(Model::id).toList();
        assertThat(all).containsExactly("chat", "smart", "small-a", "small-b", "big-x");
        List<String> limited = client(TestBed.LIMITED_KEY).models().list().data().stream().map(Model::id).toList();
        assertThat(limited).containsExactly("chat");
        assertThatThrownBy(() -> client(TestBed.LIMITED_KEY).chat().completions().create(ask("smart", "hi")))
                .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.param()).contains("model");
                });
    }
}
