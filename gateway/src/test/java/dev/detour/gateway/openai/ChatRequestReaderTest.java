package dev.detour.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.schema.Strategy;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChatRequestReaderTest {

    private static ChatRequestReader.Parsed read(String json) {
        return ChatRequestReader.read(json.getBytes(StandardCharsets.UTF_8), false);
    }

    private static ChatCall ok(String json) {
        ChatRequestReader.Parsed p = read(json);
        assertThat(p).isInstanceOf(ChatRequestReader.Ok.class);
        return ((ChatRequestReader.Ok) p).call();
    }

    private static OpenAiError rejected(String json) {
        ChatRequestReader.Parsed p = read(json);
        assertThat(p).isInstanceOf(ChatRequestReader.Rejected.class);
        return ((ChatRequestReader.Rejected) p).error();
    }

    @Test
    void readsTheUsualOpenAiBody() {
        ChatCall c = ok("""
                {"model":"chat","messages":[
                  {"role":"developer","content":"be brief"},
                  {"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},
                  {"role":"assistant","content":null,"tool_calls":[]},
                  {"role":"tool","tool_call_id":"call_1","content":"42"}],
                 "max_completion_tokens":50,"temperature":0.2,"top_p":1,"stop":"END",
                 "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{}}},
                 "tools":[{"type":"function","function":{"name":"f"}}],
                 "stream":true,"stream_options":{"include_usage":true},
                 "user":"u-1","seed":3,"n":1,"metadata":{"team":"red"},
                 "detour":{"strategy":"cost","allowed_providers":["beta"]}}""");
        assertThat(c.model()).isEqualTo("chat");
        assertThat(c.messages()).extracting(m -> m.getRole()).containsExactly("system", "user", "assistant", "tool");
        assertThat(c.messages().get(1).getContent()).isEqualTo("a\nb");
        assertThat(c.messages().get(2).getContent()).isEmpty();
        assertThat(c.messages().get(3).getName()).isEqualTo("call_1");
        assertThat(c.params().getMaxTokens()).isEqualTo(50);
        assertThat(c.params().getTemperature()).isEqualTo(0.2);
        assertThat(c.params().getStop()).containsExactly("END");
        assertThat(c.params().getResponseFormat().getType()).isEqualTo("json_schema");
        assertThat(c.params().getResponseFormat().getJsonSchema()).contains("\"name\":\"x\"");
        assertThat(c.params().getToolsJson()).contains("\"function\"");
        assertThat(c.stream()).isTrue();
        assertThat(c.includeUsage()).isTrue();
        assertThat(c.metadata()).containsEntry("user", "u-1").containsEntry("team", "red");
        assertThat(c.hints().getStrategy()).isEqualTo(Strategy.COST);
        assertThat(c.hints().getAllowedProviders()).containsExactly("beta");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}|model",
            "{\"model\":\"\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}|model",
            "{\"model\":\"m\",\"messages\":[]}|messages",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"boss\",\"content\":\"x\"}]}|messages[0].role",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]}|messages[0].content",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}|messages[0].content[0]",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":2.5}|temperature",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"top_p\":\"high\"}|top_p",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":1.5}|max_tokens",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":2}|n",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stop\":[1]}|stop",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":\"yes\"}|stream",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"response_format\":{\"type\":\"xml\"}}|response_format.type",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"detour\":{\"strategy\":\"cheapest\"}}|detour.strategy",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"webhook\":{\"url\":\"https://x\"}}|webhook",
    })
    void badParametersAreNamed(String body, String param) {
        OpenAiError e = rejected(body);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.type()).isEqualTo("invalid_request_error");
        assertThat(e.param()).isEqualTo(param);
    }

    @Test
    void malformedJsonIsInvalidJsonWithoutAParameter() {
        OpenAiError e = rejected("{\"model\": ");
        assertThat(e.code()).isEqualTo("invalid_json");
        assertThat(e.param()).isNull();
        assertThat(rejected("[1,2]").code()).isEqualTo("invalid_json");
    }

    @Test
    void webhookOnlyOnTheJobsEndpoint() {
        byte[] body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"webhook\":{\"url\":\"https://h/x\",\"secret\":\"s\"}}"
                .getBytes(StandardCharsets.UTF_8);
        ChatRequestReader.Parsed p = ChatRequestReader.read(body, true);
        assertThat(((ChatRequestReader.Ok) p).call().webhook()).isEqualTo(new ChatCall.WebhookTarget("https://h/x", "s"));
    }
}
