package dev.detour.gateway.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionParams;
import dev.detour.schema.ResponseFormat;
import dev.detour.schema.RoutingHints;
import dev.detour.schema.Strategy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads an OpenAI chat-completions body. Every rejection names the parameter at fault, as OpenAI does,
 * so an SDK user sees which argument to fix. Fields the pipeline cannot honour but that do not change
 * the answer's meaning (user, seed, penalties, logit_bias, store, ...) are accepted and ignored;
 * fields that would change it in a way Detour cannot deliver ({@code n > 1}, non-text content parts)
 * are refused rather than silently dropped.
 */
public final class ChatRequestReader {

    /** The answer of {@link #read}: a call, or the error to send back. */
    public sealed interface Parsed permits Ok, Rejected {}

    public record Ok(ChatCall call) implements Parsed {}

    public record Rejected(OpenAiError error) implements Parsed {}

    private static final ObjectMapper JSON = dev.detour.core.json.PooledJson.newMapper();
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    private static final Set<String> FORMATS = Set.of("text", "json_object", "json_schema");

    private ChatRequestReader() {}

    /** @param allowWebhook true on the jobs endpoint, which accepts a {@code webhook} object */
    public static Parsed read(byte[] body, boolean allowWebhook) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return new Rejected(OpenAiError.invalidJson("We could not parse the JSON body of your request: "
                    + e.getOriginalMessage()));
        } catch (IOException e) {
            return new Rejected(OpenAiError.invalidJson("We could not read the JSON body of your request."));
        }
        if (root == null || !root.isObject()) {
            return new Rejected(OpenAiError.invalidJson("The request body must be a JSON object."));
        }
        try {
            return new Ok(call((ObjectNode) root, allowWebhook));
        } catch (BadParameter e) {
            return new Rejected(OpenAiError.badParameter(e.param, e.getMessage()));
        }
    }

    private static ChatCall call(ObjectNode root, boolean allowWebhook) {
        String model = text(root, "model", true);
        List<ChatMessage> messages = messages(root.get("messages"));
        CompletionParams.Builder params = CompletionParams.newBuilder();
        Integer maxTokens = positiveInt(root, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = positiveInt(root, "max_tokens");
        }
        params.setMaxTokens(maxTokens);
        params.setTemperature(number(root, "temperature", 0, 2));
        params.setTopP(number(root, "top_p", 0, 1));
        params.setStop(stop(root.get("stop")));
        params.setResponseFormat(responseFormat(root.get("response_format")));
        JsonNode tools = root.get("tools");
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) {
                throw new BadParameter("tools", "'tools' must be an array of tool definitions.");
            }
            params.setToolsJson(tools.isEmpty() ? null : tools.toString());
        }
        JsonNode n = root.get("n");
        if (n != null && !n.isNull() && !(n.canConvertToInt() && n.isIntegralNumber() && n.asInt() == 1)) {
            throw new BadParameter("n", "Only n=1 is supported: each request is one job with one answer.");
        }
        boolean stream = bool(root, "stream");
        boolean includeUsage = false;
        JsonNode so = root.get("stream_options");
        if (so != null && !so.isNull()) {
            if (!so.isObject()) {
                throw new BadParameter("stream_options", "'stream_options' must be an object.");
            }
            includeUsage = bool((ObjectNode) so, "include_usage", "stream_options.include_usage");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode md = root.get("metadata");
        if (md != null && !md.isNull()) {
            if (!md.isObject()) {
                throw new BadParameter("metadata", "'metadata' must be an object of strings.");
            }
            md.fields().forEachRemaining(e -> {
                if (!e.getValue().isTextual()) {
                    throw new BadParameter("metadata." + e.getKey(), "metadata values must be strings.");
                }
                metadata.put(e.getKey(), e.getValue().asText());
            });
        }
        String user = text(root, "user", false);
        if (user != null) {
            metadata.put("user", user);
        }
        RoutingHints hints = hints(root.get("detour"));
        ChatCall.WebhookTarget webhook = null;
        JsonNode wh = root.get("webhook");
        if (wh != null && !wh.isNull()) {
            if (!allowWebhook) {
                throw new BadParameter("webhook", "Webhooks are available on POST /v1/jobs only.");
            }
            if (!wh.isObject()) {
                throw new BadParameter("webhook", "'webhook' must be an object with 'url' and 'secret'.");
            }
            String url = text((ObjectNode) wh, "url", true, "webhook.url");
            String secret = text((ObjectNode) wh, "secret", false, "webhook.secret");
            webhook = new ChatCall.WebhookTarget(url, secret);
        }
        return new ChatCall(model, messages, params.build(), hints, stream, includeUsage, metadata, webhook);
    }

    private static List<ChatMessage> messages(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new BadParameter("messages", "Missing required parameter: 'messages'.");
        }
        if (!node.isArray() || node.isEmpty()) {
            throw new BadParameter("messages", "'messages' must be a non-empty array.");
        }
        List<ChatMessage> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String at = "messages[" + i + "]";
            JsonNode m = node.get(i);
            if (!m.isObject()) {
                throw new BadParameter(at, "Each message must be an object with 'role' and 'content'.");
            }
            String role = text((ObjectNode) m, "role", true, at + ".role");
            if (!ROLES.contains(role)) {
                throw new BadParameter(at + ".role", "Invalid role '" + role + "'.");
            }
            if ("developer".equals(role)) {
                role = "system"; // the newer name for the same instruction slot
            }
            if ("function".equals(role)) {
                role = "tool";
            }
            String content = content(m.get("content"), at + ".content", "assistant".equals(role));
            String name = text((ObjectNode) m, "name", false, at + ".name");
            if ("tool".equals(role) && m.hasNonNull("tool_call_id")) {
                name = m.get("tool_call_id").asText();
            }
            out.add(ChatMessage.newBuilder().setRole(role).setContent(content).setName(name).build());
        }
        return out;
    }

    private static String content(JsonNode c, String at, boolean mayBeNull) {
        if (c == null || c.isNull()) {
            if (mayBeNull) {
                return ""; // an assistant turn that only called tools
            }
            throw new BadParameter(at, "Missing required parameter: '" + at + "'.");
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < c.size(); i++) {
                JsonNode part = c.get(i);
                String type = part.path("type").asText("");
                if (!"text".equals(type) || !part.path("text").isTextual()) {
                    throw new BadParameter(at + "[" + i + "]",
                            "Only text content parts are supported (got type '" + type + "').");
                }
                if (!sb.isEmpty()) {
                    sb.append('\n');
                }
                sb.append(part.get("text").asText());
            }
            return sb.toString();
        }
        throw new BadParameter(at, "'content' must be a string or an array of text parts.");
    }

    private static List<String> stop(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        if (node.isArray() && node.size() <= 4) {
            List<String> out = new ArrayList<>();
            for (JsonNode s : node) {
                if (!s.isTextual()) {
                    throw new BadParameter("stop", "'stop' must be a string or an array of up to 4 strings.");
                }
                out.add(s.asText());
            }
            return out;
        }
        throw new BadParameter("stop", "'stop' must be a string or an array of up to 4 strings.");
    }

    private static ResponseFormat responseFormat(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        String type = node.isObject() ? node.path("type").asText("") : "";
        if (!FORMATS.contains(type)) {
            throw new BadParameter("response_format.type",
                    "'response_format.type' must be one of text, json_object, json_schema.");
        }
        String schema = null;
        if ("json_schema".equals(type)) {
            JsonNode js = node.get("json_schema");
            if (js == null || !js.isObject()) {
                throw new BadParameter("response_format.json_schema", "'json_schema' is required for type json_schema.");
            }
            schema = js.toString();
        }
        return ResponseFormat.newBuilder().setType(type).setJsonSchema(schema).build();
    }

    private static RoutingHints hints(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new BadParameter("detour", "'detour' must be an object of routing hints.");
        }
        RoutingHints.Builder h = RoutingHints.newBuilder();
        String strategy = text((ObjectNode) node, "strategy", false, "detour.strategy");
        if (strategy != null) {
            try {
                h.setStrategy(Strategy.valueOf(strategy.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new BadParameter("detour.strategy", "'detour.strategy' must be cost, latency or balanced.");
            }
        }
        h.setAllowedProviders(strings(node.get("allowed_providers"), "detour.allowed_providers"));
        h.setAllowedRegions(strings(node.get("allowed_regions"), "detour.allowed_regions"));
        JsonNode max = node.get("max_price_per_million_micros");
        if (max != null && !max.isNull()) {
            if (!max.canConvertToLong() || !max.isIntegralNumber() || max.asLong() < 0) {
                throw new BadParameter("detour.max_price_per_million_micros", "must be a non-negative integer.");
            }
            h.setMaxPricePerMillionMicros(max.asLong());
        }
        return h.build();
    }

    private static List<String> strings(JsonNode node, String param) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new BadParameter(param, "'" + param + "' must be an array of strings.");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : node) {
            if (!s.isTextual()) {
                throw new BadParameter(param, "'" + param + "' must be an array of strings.");
            }
            out.add(s.asText());
        }
        return out;
    }

    private static String text(ObjectNode node, String field, boolean required) {
        return text(node, field, required, field);
    }

    private static String text(ObjectNode node, String field, boolean required, String param) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new BadParameter(param, "Missing required parameter: '" + param + "'.");
            }
            return null;
        }
        if (!v.isTextual() || (required && v.asText().isBlank())) {
            throw new BadParameter(param, "'" + param + "' must be a non-empty string.");
        }
        return v.asText();
    }

    private static Integer positiveInt(ObjectNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
            throw new BadParameter(field, "'" + field + "' must be an integer of at least 1.");
        }
        return v.asInt();
    }

    private static Double number(ObjectNode node, String field, double min, double max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw new BadParameter(field, "'" + field + "' must be a number from " + fmt(min) + " to " + fmt(max) + ".");
        }
        return v.asDouble();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static boolean bool(ObjectNode node, String field) {
        return bool(node, field, field);
    }

    private static boolean bool(ObjectNode node, String field, String param) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new BadParameter(param, "'" + param + "' must be a boolean.");
        }
        return v.asBoolean();
    }

    /** Unwinds the walk to the one place that turns it into an error value. */
    private static final class BadParameter extends RuntimeException {
        final String param;

        BadParameter(String param, String message) {
            super(message, null, false, false);
            this.param = param;
        }
    }
}
