package dev.detour.gateway.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.TokenUsage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Writes a succeeded {@link CompletionResult} in OpenAI's response formats: one
 * {@code chat.completion} object, or a stream of {@code chat.completion.chunk} events.
 *
 * <p>Usage: Detour's {@code inputTokens} excludes prompt-cache reads and writes, while OpenAI's
 * {@code prompt_tokens} counts every prompt token, so prompt_tokens = input + cached reads + cache
 * writes, and {@code prompt_tokens_details.cached_tokens} = cached reads. Detour's output tokens
 * already include reasoning, as OpenAI's completion_tokens do.
 */
public final class ChatResponseWriter {

    private static final ObjectMapper JSON = dev.detour.core.json.PooledJson.newMapper();
    private static final Set<String> FINISH_REASONS = Set.of("stop", "length", "content_filter", "tool_calls");

    private ChatResponseWriter() {}

    /** The id of the completion object: stable per job, so a retried request shows the same id. */
    public static String completionId(String jobId) {
        return "chatcmpl-" + jobId;
    }

    public static ObjectNode completion(CompletionResult r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", completionId(r.getJobId()));
        root.put("object", "chat.completion");
        root.put("created", r.getCompletedAtMs() / 1000);
        root.put("model", answeringModel(r));
        ArrayNode choices = root.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", r.getContent() == null ? "" : r.getContent());
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(r));
        root.set("usage", usage(r.getUsage()));
        return root;
    }

    public static byte[] completionBytes(CompletionResult r) {
        return bytes(completion(r));
    }

    /**
     * The whole answer as server-sent events: a role chunk, one content chunk (the pipeline returns
     * the answer whole, so it arrives as a single delta), a chunk with the finish reason, the usage
     * chunk when asked for, then {@code [DONE]}.
     */
    public static List<byte[]> streamEvents(CompletionResult r, boolean includeUsage) {
        List<byte[]> events = new ArrayList<>();
        ObjectNode role = chunk(r);
        ObjectNode roleDelta = ((ObjectNode) role.get("choices").get(0)).putObject("delta");
        roleDelta.put("role", "assistant");
        roleDelta.put("content", "");
        events.add(event(role));
        String content = r.getContent() == null ? "" : r.getContent();
        if (!content.isEmpty()) {
            ObjectNode text = chunk(r);
            ((ObjectNode) text.get("choices").get(0)).putObject("delta").put("content", content);
            events.add(event(text));
        }
        ObjectNode last = chunk(r);
        ObjectNode lastChoice = (ObjectNode) last.get("choices").get(0);
        lastChoice.putObject("delta");
        lastChoice.put("finish_reason", finishReason(r));
        events.add(event(last));
        if (includeUsage) {
            ObjectNode usage = JSON.createObjectNode();
            usage.put("id", completionId(r.getJobId()));
            usage.put("object", "chat.completion.chunk");
            usage.put("created", r.getCompletedAtMs() / 1000);
            usage.put("model", answeringModel(r));
            usage.putArray("choices");
            usage.set("usage", usage(r.getUsage()));
            events.add(event(usage));
        }
        events.add("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        return events;
    }

    private static ObjectNode chunk(CompletionResult r) {
        ObjectNode c = JSON.createObjectNode();
        c.put("id", completionId(r.getJobId()));
        c.put("object", "chat.completion.chunk");
        c.put("created", r.getCompletedAtMs() / 1000);
        c.put("model", answeringModel(r));
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return c;
    }

    private static byte[] event(ObjectNode node) {
        return ("data: " + node.toString() + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    static String answeringModel(CompletionResult r) {
        return r.getModel() != null ? r.getModel() : r.getRequestedModel();
    }

    static String finishReason(CompletionResult r) {
        String f = r.getFinishReason();
        return f != null && FINISH_REASONS.contains(f) ? f : "stop";
    }

    public static ObjectNode usage(TokenUsage u) {
        ObjectNode usage = JSON.createObjectNode();
        long input = u == null ? 0 : u.getInputTokens();
        long cachedRead = u == null ? 0 : u.getCachedReadTokens();
        long cacheWrite = u == null ? 0 : u.getCacheWriteTokens();
        long output = u == null ? 0 : u.getOutputTokens();
        long prompt = input + cachedRead + cacheWrite;
        usage.put("prompt_tokens", prompt);
        usage.put("completion_tokens", output);
        usage.put("total_tokens", prompt + output);
        usage.putObject("prompt_tokens_details").put("cached_tokens", cachedRead);
        usage.putObject("completion_tokens_details").put("reasoning_tokens", u == null ? 0 : u.getReasoningTokens());
        return usage;
    }

    public static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
