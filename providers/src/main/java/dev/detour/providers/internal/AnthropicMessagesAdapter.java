package dev.detour.providers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.detour.providers.ApiKeySource;
import dev.detour.providers.ProviderReply;
import dev.detour.providers.ProviderReply.Completion;
import dev.detour.providers.ProviderReply.Failure;
import dev.detour.providers.ProviderRequest;
import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionParams;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.ProviderSpec;
import dev.detour.schema.RateLimitSnapshot;
import dev.detour.schema.TokenUsage;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Anthropic Messages API: {@code POST {base}/v1/messages}, {@code x-api-key} and
 * {@code anthropic-version} headers, system prompt as the top-level {@code system} field, and a
 * required {@code max_tokens} (the request's, else the deployment's maxOutputTokens, else 1024).
 */
public final class AnthropicMessagesAdapter extends HttpProviderAdapter {

    static final String DEFAULT_VERSION = "2023-06-01";
    static final int DEFAULT_MAX_TOKENS = 1024;

    public AnthropicMessagesAdapter(ProviderSpec spec, ApiKeySource keys, HttpClient http, Clock clock) {
        super(spec, keys, http, clock);
    }

    @Override
    protected URI endpoint(ProviderRequest request) {
        return uri(baseUrl + "/v1/messages");
    }

    @Override
    protected Map<String, String> headers(Optional<String> key) {
        Map<String, String> h = new LinkedHashMap<>();
        key.ifPresent(k -> h.put("x-api-key", k));
        h.put("anthropic-version", spec.getApiVersion() == null ? DEFAULT_VERSION : spec.getApiVersion());
        return h;
    }

    @Override
    protected ObjectNode encode(ProviderRequest request) {
        ObjectNode body = Json.object();
        body.put("model", request.providerModel());
        CompletionParams p = request.params();
        Integer max = p != null && p.getMaxTokens() != null ? p.getMaxTokens() : request.maxOutputTokens();
        body.put("max_tokens", max == null ? DEFAULT_MAX_TOKENS : max);
        StringBuilder system = new StringBuilder();
        ArrayNode messages = Json.MAPPER.createArrayNode();
        String lastRole = null;
        for (ChatMessage m : request.messages()) {
            if ("system".equals(m.getRole()) || "developer".equals(m.getRole())) {
                if (!system.isEmpty()) {
                    system.append("\n\n");
                }
                system.append(m.getContent());
                continue;
            }
            String role = "assistant".equals(m.getRole()) ? "assistant" : "user";
            if (role.equals(lastRole)) {
                // The API wants alternating turns; join consecutive same-role messages.
                ObjectNode last = (ObjectNode) messages.get(messages.size() - 1);
                last.put("content", last.get("content").asText() + "\n\n" + m.getContent());
            } else {
                ObjectNode o = messages.addObject();
                o.put("role", role);
                o.put("content", m.getContent());
                lastRole = role;
            }
        }
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("Anthropic needs at least one user or assistant message");
        }
        if (!system.isEmpty()) {
            body.put("system", system.toString());
        }
        body.set("messages", messages);
        if (p != null) {
            if (p.getTemperature() != null) {
                body.put("temperature", Math.min(1.0, p.getTemperature())); // Anthropic's range is 0..1
            }
            if (p.getTopP() != null) {
                body.put("top_p", p.getTopP());
            }
            if (!p.getStop().isEmpty()) {
                ArrayNode stop = body.putArray("stop_sequences");
                p.getStop().forEach(stop::add);
            }
            if (p.getToolsJson() != null && !p.getToolsJson().isBlank()) {
                body.set("tools", tools(OpenAiChatAdapter.parseJson(p.getToolsJson(), "toolsJson")));
            }
        }
        return body;
    }

    /** OpenAI-style tool definitions ({type: function, function: {name, description, parameters}}) to Anthropic's. */
    private static ArrayNode tools(JsonNode openAiTools) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        if (!openAiTools.isArray()) {
            throw new IllegalArgumentException("toolsJson must be a JSON array");
        }
        for (JsonNode t : openAiTools) {
            JsonNode f = t.has("function") ? t.get("function") : t;
            ObjectNode a = out.addObject();
            a.put("name", Json.text(f, "name"));
            if (Json.text(f, "description") != null) {
                a.put("description", Json.text(f, "description"));
            }
            JsonNode schema = f.has("parameters") ? f.get("parameters") : f.get("input_schema");
            a.set("input_schema", schema == null ? Json.object().put("type", "object") : schema);
        }
        return out;
    }

    @Override
    protected ProviderReply decode(JsonNode body, RateLimitSnapshot rateLimit) {
        TokenUsage usage = usage(body.path("usage"));
        JsonNode content = body.path("content");
        if (!content.isArray() || !"message".equals(Json.text(body, "type"))) {
            return new Failure(ErrorClass.MALFORMED_RESPONSE, 200, spec.getName() + " response is not a message", null, rateLimit, usage);
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : content) {
            if ("text".equals(Json.text(block, "type")) && Json.text(block, "text") != null) {
                text.append(Json.text(block, "text"));
            }
        }
        String finish = FinishReason.anthropic(Json.text(body, "stop_reason"));
        if (FinishReason.CONTENT_FILTER.equals(finish)) {
            return new Failure(ErrorClass.CONTENT_FILTER, 200, spec.getName() + " refused the request (stop_reason refusal)", null, rateLimit, usage);
        }
        return new Completion(text.toString(), finish, usage, rateLimit);
    }

    /**
     * Anthropic reports {@code input_tokens} without the cached parts: cache reads and cache writes are
     * separate counts, each billed at its own price. There is no separate reasoning count (thinking is
     * inside {@code output_tokens}).
     */
    static TokenUsage usage(JsonNode u) {
        if (u == null || !u.isObject()) {
            return null;
        }
        return TokenUsage.newBuilder()
                .setInputTokens(Json.longAt(u, "input_tokens"))
                .setOutputTokens(Json.longAt(u, "output_tokens"))
                .setCachedReadTokens(Json.longAt(u, "cache_read_input_tokens"))
                .setCacheWriteTokens(Json.longAt(u, "cache_creation_input_tokens"))
                .setReasoningTokens(0)
                .build();
    }
}
