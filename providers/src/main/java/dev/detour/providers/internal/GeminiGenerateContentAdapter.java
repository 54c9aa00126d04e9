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
import dev.detour.schema.ResponseFormat;
import dev.detour.schema.TokenUsage;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Google Gemini API: {@code POST {base}/v1beta/models/{model}:generateContent} with the key in the
 * {@code x-goog-api-key} header (never in the URL, where it would end up in logs), {@code contents} of
 * {@code parts}, roles {@code user}/{@code model}, {@code systemInstruction}, {@code generationConfig}.
 */
public final class GeminiGenerateContentAdapter extends HttpProviderAdapter {

    public GeminiGenerateContentAdapter(ProviderSpec spec, ApiKeySource keys, HttpClient http, Clock clock) {
        super(spec, keys, http, clock);
    }

    @Override
    protected URI endpoint(ProviderRequest request) {
        String model = request.providerModel().startsWith("models/") ? request.providerModel().substring(7) : request.providerModel();
        return uri(baseUrl + "/v1beta/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8) + ":generateContent");
    }

    @Override
    protected Map<String, String> headers(Optional<String> key) {
        Map<String, String> h = new LinkedHashMap<>();
        key.ifPresent(k -> h.put("x-goog-api-key", k));
        return h;
    }

    @Override
    protected ObjectNode encode(ProviderRequest request) {
        ObjectNode body = Json.object();
        ArrayNode contents = body.putArray("contents");
        StringBuilder system = new StringBuilder();
        for (ChatMessage m : request.messages()) {
            if ("system".equals(m.getRole()) || "developer".equals(m.getRole())) {
                if (!system.isEmpty()) {
                    system.append("\n\n");
                }
                system.append(m.getContent());
                continue;
            }
            ObjectNode c = contents.addObject();
            c.put("role", "assistant".equals(m.getRole()) ? "model" : "user");
            c.putArray("parts").addObject().put("text", m.getContent());
        }
        if (contents.isEmpty()) {
            throw new IllegalArgumentException("Gemini needs at least one user or model message");
        }
        if (!system.isEmpty()) {
            body.putObject("systemInstruction").putArray("parts").addObject().put("text", system.toString());
        }
        CompletionParams p = request.params();
        if (p != null) {
            ObjectNode g = Json.object();
            if (p.getMaxTokens() != null) {
                g.put("maxOutputTokens", p.getMaxTokens());
            }
            if (p.getTemperature() != null) {
                g.put("temperature", p.getTemperature());
            }
            if (p.getTopP() != null) {
                g.put("topP", p.getTopP());
            }
            if (!p.getStop().isEmpty()) {
                ArrayNode stop = g.putArray("stopSequences");
                p.getStop().forEach(stop::add);
            }
            ResponseFormat rf = p.getResponseFormat();
            if (rf != null && !"text".equals(rf.getType())) {
                g.put("responseMimeType", "application/json");
                if ("json_schema".equals(rf.getType())) {
                    g.set("responseJsonSchema", OpenAiChatAdapter.parseJson(rf.getJsonSchema(), "responseFormat.jsonSchema"));
                }
            }
            if (!g.isEmpty()) {
                body.set("generationConfig", g);
            }
            if (p.getToolsJson() != null && !p.getToolsJson().isBlank()) {
                JsonNode tools = OpenAiChatAdapter.parseJson(p.getToolsJson(), "toolsJson");
                ArrayNode decls = body.putArray("tools").addObject().putArray("functionDeclarations");
                for (JsonNode t : tools) {
                    JsonNode f = t.has("function") ? t.get("function") : t;
                    ObjectNode d = decls.addObject();
                    d.put("name", Json.text(f, "name"));
                    if (Json.text(f, "description") != null) {
                        d.put("description", Json.text(f, "description"));
                    }
                    if (f.has("parameters")) {
                        d.set("parametersJsonSchema", f.get("parameters"));
                    }
                }
            }
        }
        return body;
    }

    @Override
    protected ProviderReply decode(JsonNode body, RateLimitSnapshot rateLimit) {
        TokenUsage usage = usage(body.path("usageMetadata"));
        JsonNode candidates = body.path("candidates");
        if (!candidates.isArray() || candidates.isEmpty()) {
            String blocked = Json.text(body, "promptFeedback", "blockReason");
            if (blocked != null) {
                return new Failure(ErrorClass.CONTENT_FILTER, 200, spec.getName() + " blocked the prompt (" + blocked + ")", null, rateLimit, usage);
            }
            return new Failure(ErrorClass.MALFORMED_RESPONSE, 200, spec.getName() + " response has no candidates", null, rateLimit, usage);
        }
        JsonNode cand = candidates.get(0);
        String finish = FinishReason.gemini(Json.text(cand, "finishReason"));
        StringBuilder text = new StringBuilder();
        boolean functionCall = false;
        JsonNode parts = Json.at(cand, "content", "parts");
        if (parts != null && parts.isArray()) {
            for (JsonNode part : parts) {
                if (part.has("functionCall")) {
                    functionCall = true;
                }
                if (part.path("thought").asBoolean(false)) {
                    continue; // thought summaries are not the answer
                }
                if (Json.text(part, "text") != null) {
                    text.append(Json.text(part, "text"));
                }
            }
        } else if (!FinishReason.CONTENT_FILTER.equals(finish) && !FinishReason.LENGTH.equals(finish)) {
            return new Failure(ErrorClass.MALFORMED_RESPONSE, 200, spec.getName() + " candidate has no content parts", null, rateLimit, usage);
        }
        if (FinishReason.CONTENT_FILTER.equals(finish)) {
            return new Failure(ErrorClass.CONTENT_FILTER, 200, spec.getName() + " stopped the output (finishReason "
                    + Json.text(cand, "finishReason") + ")", null, rateLimit, usage);
        }
        if (functionCall && FinishReason.STOP.equals(finish)) {
            finish = FinishReason.TOOL_CALLS;
        }
        return new Completion(text.toString(), finish, usage, rateLimit);
    }

    /**
     * Gemini's {@code promptTokenCount} includes {@code cachedContentTokenCount}; tool-use prompt tokens
     * are billed as input too. {@code candidatesTokenCount} excludes {@code thoughtsTokenCount}, and
     * thoughts are billed as output, so output = candidates + thoughts.
     */
    static TokenUsage usage(JsonNode u) {
        if (u == null || !u.isObject()) {
            return null;
        }
        long prompt = Json.longAt(u, "promptTokenCount") + Json.longAt(u, "toolUsePromptTokenCount");
        long cached = Math.min(Json.longAt(u, "cachedContentTokenCount"), prompt);
        long thoughts = Json.longAt(u, "thoughtsTokenCount");
        return TokenUsage.newBuilder()
                .setInputTokens(prompt - cached)
                .setCachedReadTokens(cached)
                .setOutputTokens(Json.longAt(u, "candidatesTokenCount") + thoughts)
                .setReasoningTokens(thoughts)
                .setCacheWriteTokens(0)
                .build();
    }
}
