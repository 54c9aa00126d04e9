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
 * OpenAI Chat Completions, and the APIs that copy it: Azure OpenAI (deployment URL, {@code api-key}
 * header, {@code api-version} query) and every OpenAI-compatible server reached by base URL (DeepSeek,
 * Qwen DashScope compatible mode, Mistral, Groq, Together, Fireworks, xAI, OpenRouter, vLLM, Ollama).
 */
public final class OpenAiChatAdapter extends HttpProviderAdapter {

    public enum Flavor {
        /** api.openai.com: {@code max_completion_tokens} (o-series and GPT-5 refuse {@code max_tokens}). */
        OPENAI,
        /** Azure OpenAI: as OpenAI, addressed by deployment. */
        AZURE,
        /** Other servers: {@code max_tokens}, the field they all understand. */
        COMPATIBLE
    }

    static final String DEFAULT_AZURE_API_VERSION = "2024-10-21";

    private final Flavor flavor;

    public OpenAiChatAdapter(ProviderSpec spec, ApiKeySource keys, HttpClient http, Clock clock, Flavor flavor) {
        super(spec, keys, http, clock);
        this.flavor = flavor;
    }

    @Override
    protected URI endpoint(ProviderRequest request) {
        if (flavor == Flavor.AZURE) {
            String version = spec.getApiVersion() == null ? DEFAULT_AZURE_API_VERSION : spec.getApiVersion();
            return uri(baseUrl + "/openai/deployments/" + URLEncoder.encode(request.providerModel(), StandardCharsets.UTF_8)
                    + "/chat/completions?api-version=" + URLEncoder.encode(version, StandardCharsets.UTF_8));
        }
        return uri(baseUrl + "/chat/completions");
    }

    @Override
    protected Map<String, String> headers(Optional<String> key) {
        Map<String, String> h = new LinkedHashMap<>();
        key.ifPresent(k -> h.put(flavor == Flavor.AZURE ? "api-key" : "authorization", flavor == Flavor.AZURE ? k : "Bearer " + k));
        return h;
    }

    @Override
    protected boolean requiresKey() {
        // vLLM and Ollama run without keys; the catalog then names no key source (ApiKeySource.none()).
        return flavor != Flavor.COMPATIBLE;
    }

    @Override
    protected ObjectNode encode(ProviderRequest request) {
        ObjectNode body = Json.object();
        if (flavor != Flavor.AZURE) {
            body.put("model", request.providerModel()); // Azure takes the deployment from the URL
        }
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage m : request.messages()) {
            ObjectNode o = messages.addObject();
            o.put("role", m.getRole());
            o.put("content", m.getContent());
            if (m.getName() != null) {
                o.put("name", m.getName());
            }
        }
        CompletionParams p = request.params();
        if (p != null) {
            if (p.getMaxTokens() != null) {
                body.put(flavor == Flavor.COMPATIBLE ? "max_tokens" : "max_completion_tokens", p.getMaxTokens());
            }
            if (p.getTemperature() != null) {
                body.put("temperature", p.getTemperature());
            }
            if (p.getTopP() != null) {
                body.put("top_p", p.getTopP());
            }
            if (!p.getStop().isEmpty()) {
                ArrayNode stop = body.putArray("stop");
                p.getStop().forEach(stop::add);
            }
            ResponseFormat rf = p.getResponseFormat();
            if (rf != null && !"text".equals(rf.getType())) {
                ObjectNode f = body.putObject("response_format");
                f.put("type", rf.getType());
                if ("json_schema".equals(rf.getType())) {
                    ObjectNode js = f.putObject("json_schema");
                    js.put("name", "response");
                    js.set("schema", parseJson(rf.getJsonSchema(), "responseFormat.jsonSchema"));
                }
            }
            if (p.getToolsJson() != null && !p.getToolsJson().isBlank()) {
                body.set("tools", parseJson(p.getToolsJson(), "toolsJson"));
            }
        }
        return body;
    }

    static JsonNode parseJson(String text, String what) {
        if (text == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(what + " is not valid JSON");
        }
    }

    @Override
    protected ProviderReply decode(JsonNode body, RateLimitSnapshot rateLimit) {
        JsonNode choices = body.path("choices");
        TokenUsage usage = usage(body.path("usage"));
        if (!choices.isArray() || choices.isEmpty() || !choices.get(0).isObject()) {
            // Azure answers a filtered prompt with 400; some compatible servers send 200 with an error object.
            if (body.has("error")) {
                ErrorBody err = ErrorBody.parse(body.toString().getBytes(StandardCharsets.UTF_8));
                return new Failure(ErrorClassifier.classify(400, err), 200,
                        spec.getName() + " returned an error in a 200 body: " + SecretScrubber.scrub(String.valueOf(err.message()), null),
                        null, rateLimit, usage);
            }
            return new Failure(ErrorClass.MALFORMED_RESPONSE, 200, spec.getName() + " response has no choices", null, rateLimit, usage);
        }
        JsonNode choice = choices.get(0);
        JsonNode message = choice.path("message");
        if (!message.isObject()) {
            return new Failure(ErrorClass.MALFORMED_RESPONSE, 200, spec.getName() + " response choice has no message", null, rateLimit, usage);
        }
        String finish = FinishReason.openAi(Json.text(choice, "finish_reason"));
        if (!message.path("tool_calls").isMissingNode() && message.path("tool_calls").isArray() && !message.path("tool_calls").isEmpty()
                && FinishReason.OTHER.equals(finish)) {
            finish = FinishReason.TOOL_CALLS;
        }
        if (FinishReason.CONTENT_FILTER.equals(finish)) {
            return new Failure(ErrorClass.CONTENT_FILTER, 200, spec.getName() + " stopped the output by its content filter", null, rateLimit, usage);
        }
        JsonNode content = message.path("content");
        String text;
        if (content.isTextual()) {
            text = content.asText();
        } else if (content.isNull() || content.isMissingNode()) {
            text = ""; // tool calls or a refusal carry no content
        } else if (content.isArray()) { // Mistral may return content parts
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                if ("text".equals(Json.text(part, "type")) && Json.text(part, "text") != null) {
                    sb.append(Json.text(part, "text"));
                }
            }
            text = sb.toString();
        } else {
            return new Failure(ErrorClass.MALFORMED_RESPONSE, 200, spec.getName() + " message content has an unexpected type", null, rateLimit, usage);
        }
        if (text.isEmpty() && message.hasNonNull("refusal")) {
            return new Failure(ErrorClass.CONTENT_FILTER, 200, spec.getName() + " refused: "
                    + SecretScrubber.scrub(message.get("refusal").asText(), null), null, rateLimit, usage);
        }
        return new Completion(text, finish, usage, rateLimit);
    }

    /**
     * OpenAI usage -> TokenUsage. {@code prompt_tokens} includes cached tokens, so input billed at the
     * input price is prompt minus cached ({@code prompt_tokens_details.cached_tokens}, or DeepSeek's
     * {@code prompt_cache_hit_tokens}). {@code completion_tokens} includes reasoning for OpenAI; servers
     * that report reasoning beside it (total = prompt + completion + reasoning) get it added, so output
     * always includes reasoning exactly once.
     */
    static TokenUsage usage(JsonNode u) {
        if (u == null || !u.isObject()) {
            return null;
        }
        long prompt = Json.longAt(u, "prompt_tokens");
        long completion = Json.longAt(u, "completion_tokens");
        long cached = Math.max(Json.longAt(u, "prompt_tokens_details", "cached_tokens"), Json.longAt(u, "prompt_cache_hit_tokens"));
        long reasoning = Json.longAt(u, "completion_tokens_details", "reasoning_tokens");
        long total = Json.longAt(u, "total_tokens");
        long output = completion;
        if (reasoning > 0 && total == prompt + completion + reasoning) {
            output = completion + reasoning;
        }
        return TokenUsage.newBuilder()
                .setInputTokens(Math.max(0, prompt - cached))
                .setCachedReadTokens(Math.min(cached, prompt))
                .setOutputTokens(output)
                .setReasoningTokens(Math.min(reasoning, output))
                .setCacheWriteTokens(0)
                .build();
    }
}
