package dev.detour.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.ResultStatus;
import dev.detour.schema.TokenUsage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatResponseWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static CompletionResult result(String finish) {
        return CompletionResult.newBuilder().setJobId("j1").setTenant("t").setStatus(ResultStatus.SUCCEEDED)
                .setContent("hi there").setFinishReason(finish).setModel("small-b").setRequestedModel("chat")
                .setUsage(TokenUsage.newBuilder().setInputTokens(10).setCachedReadTokens(5).setCacheWriteTokens(2)
                        .setOutputTokens(20).setReasoningTokens(8).build())
                .setSubmittedAtMs(1_000).setCompletedAtMs(2_000_000).setMetadata(Map.of()).build();
    }

    @Test
    void completionCarriesTheAnsweringModelAndOpenAiUsage() throws Exception {
        JsonNode c = JSON.readTree(ChatResponseWriter.completionBytes(result("length")));
        assertThat(c.get("id").asText()).isEqualTo("chatcmpl-j1");
        assertThat(c.get("object").asText()).isEqualTo("chat.completion");
        assertThat(c.get("created").asLong()).isEqualTo(2_000);
        assertThat(c.get("model").asText()).isEqualTo("small-b");
        assertThat(c.at("/choices/0/message/content").asText()).isEqualTo("hi there");
        assertThat(c.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(c.at("/usage/prompt_tokens").asLong()).isEqualTo(17);
        assertThat(c.at("/usage/completion_tokens").asLong()).isEqualTo(20);
        assertThat(c.at("/usage/total_tokens").asLong()).isEqualTo(37);
        assertThat(c.at("/usage/prompt_tokens_details/cached_tokens").asLong()).isEqualTo(5);
        assertThat(c.at("/usage/completion_tokens_details/reasoning_tokens").asLong()).isEqualTo(8);
    }

    @Test
    void unknownFinishReasonsReadAsStop() throws Exception {
        assertThat(JSON.readTree(ChatResponseWriter.completionBytes(result("other"))).at("/choices/0/finish_reason").asText())
                .isEqualTo("stop");
    }

    @Test
    void streamIsRoleThenContentThenFinishThenUsageThenDone() throws Exception {
        List<String> events = ChatResponseWriter.streamEvents(result("stop"), true).stream()
                .map(b -> new String(b, StandardCharsets.UTF_8)).toList();
        assertThat(events).hasSize(5).allSatisfy(e -> assertThat(e).startsWith("data: ").endsWith("\n\n"));
        JsonNode role = JSON.readTree(events.get(0).substring(6));
        assertThat(role.get("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(role.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(JSON.readTree(events.get(1).substring(6)).at("/choices/0/delta/content").asText()).isEqualTo("hi there");
        JsonNode last = JSON.readTree(events.get(2).substring(6));
        assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = JSON.readTree(events.get(3).substring(6));
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.at("/usage/total_tokens").asLong()).isEqualTo(37);
        assertThat(events.get(4)).isEqualTo("data: [DONE]\n\n");
        assertThat(ChatResponseWriter.streamEvents(result("stop"), false)).hasSize(4);
    }
}
