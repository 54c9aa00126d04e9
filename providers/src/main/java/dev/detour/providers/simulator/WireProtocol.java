package dev.detour.providers.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.detour.providers.internal.Json;
import dev.detour.schema.ErrorClass;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three wire protocols the simulator speaks, with success and error bodies shaped as the real APIs
 * send them (OpenAI and Azure OpenAI Chat Completions, Anthropic Messages, Gemini generateContent).
 */
enum WireProtocol {
    OPENAI, AZURE, ANTHROPIC, GEMINI;

    /** One parsed request: model, prompt text, output cap, and the key it carried. */
    record Call(String provider, String model, List<String[]> messages, Integer maxTokens, String key, String requestId) {
        long promptChars() {
            long n = 0;
            for (String[] m : messages) {
                n += m[1].length();
            }
            return n;
        }

        long inputTokens() {
            // ~4 characters per token plus a few tokens of per-message framing, as tokenizers do.
            return Math.max(1, (promptChars() + 3) / 4 + 3L * messages.size());
        }
    }

    /** Reads the request this protocol expects; throws IllegalArgumentException for a bad one. */
    Call parse(String provider, String modelFromPath, JsonNode body, Map<String, List<String>> headers, String rawQuery, String requestId) {
        List<String[]> msgs = new ArrayList<>();
        Integer max = null;
        String model = modelFromPath;
        switch (this) {
            case OPENAI, AZURE -> {
                if (this == OPENAI) {
                    model = Json.text(body, "model");
                    if (model == null) {
                        throw new IllegalArgumentException("you must provide a model parameter");
                    }
                }
                JsonNode m = body.path("messages");
                if (!m.isArray() || m.isEmpty()) {
                    throw new IllegalArgumentException("'messages' must be a non-empty array");
                }
                for (JsonNode x : m) {
                    msgs.add(new String[] {String.valueOf(Json.text(x, "role")), textOf(x.get("content"))});
                }
                if (body.hasNonNull("max_completion_tokens")) {
                    max = body.get("max_completion_tokens").asInt();
                } else if (body.hasNonNull("max_tokens")) {
                    max = body.get("max_tokens").asInt();
                }
            }
            case ANTHROPIC -> {
                model = Json.text(body, "model");
                if (model == null) {
                    throw new IllegalArgumentException("model: Field required");
                }
                if (!body.hasNonNull("max_tokens")) {
                    throw new IllegalArgumentException("max_tokens: Field required");
                }
                max = body.get("max_tokens").asInt();
                JsonNode system = body.get("system");
                if (system != null && !system.isNull()) {
                    msgs.add(new String[] {"system", textOf(system)});
                }
                JsonNode m = body.path("messages");
                if (!m.isArray() || m.isEmpty()) {
                    throw new IllegalArgumentException("messages: at least one message is required");
                }
                for (JsonNode x : m) {
                    msgs.add(new String[] {String.valueOf(Json.text(x, "role")), textOf(x.get("content"))});
                }
            }
            case GEMINI -> {
                JsonNode sys = Json.at(body, "systemInstruction", "parts");
                if (sys != null) {
                    msgs.add(new String[] {"system", partsText(sys)});
                }
                JsonNode c = body.path("contents");
                if (!c.isArray() || c.isEmpty()) {
                    throw new IllegalArgumentException("* GenerateContentRequest.contents: contents is not specified");
                }
                for (JsonNode x : c) {
                    msgs.add(new String[] {Json.text(x, "role") == null ? "user" : Json.text(x, "role"), partsText(x.path("parts"))});
                }
                JsonNode g = Json.at(body, "generationConfig", "maxOutputTokens");
                if (g != null && g.isNumber()) {
                    max = g.asInt();
                }
            }
        }
        return new Call(provider, model, msgs, max, key(headers, rawQuery), requestId);
    }

    private String key(Map<String, List<String>> headers, String rawQuery) {
        return switch (this) {
            case OPENAI -> {
                String auth = header(headers, "authorization");
                yield auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
            }
            case AZURE -> header(headers, "api-key");
            case ANTHROPIC -> {
                String k = header(headers, "x-api-key");
                if (k == null) {
                    String auth = header(headers, "authorization");
                    k = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
                }
                yield k;
            }
            case GEMINI -> {
                String k = header(headers, "x-goog-api-key");
                if (k == null && rawQuery != null) {
                    for (String p : rawQuery.split("&")) {
                        if (p.startsWith("key=")) {
                            k = java.net.URLDecoder.decode(p.substring(4), java.nio.charset.StandardCharsets.UTF_8);
                        }
                    }
                }
                yield k;
            }
        };
    }

    static String header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    private static String textOf(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        if (content.isArray()) {
            for (JsonNode part : content) {
                if (part.isTextual()) {
                    sb.append(part.asText());
                } else if (Json.text(part, "text") != null) {
                    sb.append(Json.text(part, "text"));
                }
            }
        }
        return sb.toString();
    }

    private static String partsText(JsonNode parts) {
        StringBuilder sb = new StringBuilder();
        if (parts != null && parts.isArray()) {
            for (JsonNode p : parts) {
                if (Json.text(p, "text") != null) {
                    sb.append(Json.text(p, "text"));
                }
            }
        }
        return sb.toString();
    }

    // ---- success -----------------------------------------------------------------------------------

    /**
     * @param finish one of stop, length, content_filter
     */
    ObjectNode success(Call call, String text, long outputTokens, String finish, long createdEpochSec) {
        long input = call.inputTokens();
        ObjectNode o = Json.object();
        switch (this) {
            case OPENAI, AZURE -> {
                o.put("id", "chatcmpl-" + call.requestId());
                o.put("object", "chat.completion");
                o.put("created", createdEpochSec);
                o.put("model", call.model());
                ObjectNode choice = o.putArray("choices").addObject();
                choice.put("index", 0);
                ObjectNode msg = choice.putObject("message");
                msg.put("role", "assistant");
                if (finish.equals("content_filter")) {
                    msg.putNull("content");
                } else {
                    msg.put("content", text);
                }
                msg.putNull("refusal");
                msg.putArray("annotations");
                choice.putNull("logprobs");
                choice.put("finish_reason", finish);
                if (this == AZURE) {
                    ObjectNode cfr = choice.putObject("content_filter_results");
                    cfr.putObject("hate").put("filtered", finish.equals("content_filter")).put("severity", finish.equals("content_filter") ? "high" : "safe");
                }
                ObjectNode u = o.putObject("usage");
                u.put("prompt_tokens", input);
                u.put("completion_tokens", outputTokens);
                u.put("total_tokens", input + outputTokens);
                u.putObject("prompt_tokens_details").put("cached_tokens", 0).put("audio_tokens", 0);
                u.putObject("completion_tokens_details").put("reasoning_tokens", 0).put("audio_tokens", 0)
                        .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
                o.put("service_tier", "default");
                o.put("system_fingerprint", "fp_sim0001");
            }
            case ANTHROPIC -> {
                o.put("id", "msg_" + call.requestId());
                o.put("type", "message");
                o.put("role", "assistant");
                o.put("model", call.model());
                ArrayNode content = o.putArray("content");
                if (!finish.equals("content_filter")) {
                    content.addObject().put("type", "text").put("text", text);
                }
                o.put("stop_reason", switch (finish) {
                    case "length" -> "max_tokens";
                    case "content_filter" -> "refusal";
                    default -> "end_turn";
                });
                o.putNull("stop_sequence");
                ObjectNode u = o.putObject("usage");
                u.put("input_tokens", input);
                u.put("cache_creation_input_tokens", 0);
                u.put("cache_read_input_tokens", 0);
                u.put("output_tokens", outputTokens);
                u.put("service_tier", "standard");
            }
            case GEMINI -> {
                ObjectNode cand = o.putArray("candidates").addObject();
                if (finish.equals("content_filter")) {
                    cand.put("finishReason", "SAFETY");
                    ArrayNode ratings = cand.putArray("safetyRatings");
                    ratings.addObject().put("category", "HARM_CATEGORY_DANGEROUS_CONTENT").put("probability", "HIGH").put("blocked", true);
                } else {
                    ObjectNode content = cand.putObject("content");
                    content.putArray("parts").addObject().put("text", text);
                    content.put("role", "model");
                    cand.put("finishReason", finish.equals("length") ? "MAX_TOKENS" : "STOP");
                }
                cand.put("index", 0);
                ObjectNode u = o.putObject("usageMetadata");
                u.put("promptTokenCount", input);
                u.put("candidatesTokenCount", outputTokens);
                u.put("totalTokenCount", input + outputTokens);
                u.putArray("promptTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", input);
                o.put("modelVersion", call.model());
                o.put("responseId", call.requestId());
            }
        }
        return o;
    }

    // ---- errors ------------------------------------------------------------------------------------

    /** Status and body of an error of this class, as this API sends it. */
    Reply error(ErrorClass cls, Call call, Long retryAfterMs, String detail) {
        String model = call == null || call.model() == null ? "unknown" : call.model();
        return switch (this) {
            case OPENAI, AZURE -> openAiError(cls, model, retryAfterMs, detail, call);
            case ANTHROPIC -> anthropicError(cls, retryAfterMs, detail, call);
            case GEMINI -> geminiError(cls, retryAfterMs, detail);
        };
    }

    record Reply(int status, ObjectNode body, Map<String, String> headers) {}

    private Reply openAiError(ErrorClass cls, String model, Long retryAfterMs, String detail, Call call) {
        int status;
        String message;
        String type;
        String code;
        String param = null;
        switch (cls) {
            case RATE_LIMITED -> {
                status = 429;
                message = "Rate limit reached for " + model + " in organization org-simulated on requests per min (RPM): " + detail
                        + ". Please try again in " + seconds(retryAfterMs) + "s. Visit https://platform.openai.com/account/rate-limits to learn more.";
                type = "requests";
                code = "rate_limit_exceeded";
            }
            case QUOTA_EXHAUSTED -> {
                status = 429;
                message = "You exceeded your current quota, please check your plan and billing details. For more information on this error, "
                        + "read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.";
                type = "insufficient_quota";
                code = "insufficient_quota";
            }
            case OVERLOADED -> {
                status = 503;
                message = "The server is overloaded or not ready yet.";
                type = "server_error";
                code = null;
            }
            case AUTH -> {
                if (this == AZURE) {
                    ObjectNode b = Json.object();
                    b.putObject("error").put("code", "401").put("message", "Access denied due to invalid subscription key or wrong API endpoint. "
                            + "Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.");
                    return new Reply(401, b, Map.of());
                }
                status = 401;
                message = "Incorrect API key provided: " + masked(call == null ? null : call.key())
                        + ". You can find your API key at https://platform.openai.com/account/api-keys.";
                type = "invalid_request_error";
                code = "invalid_api_key";
            }
            case CONTEXT_LENGTH -> {
                status = 400;
                message = "This model's maximum context length is " + detail + " tokens. However, your messages resulted in "
                        + (call == null ? 0 : call.inputTokens()) + " tokens. Please reduce the length of the messages.";
                type = "invalid_request_error";
                code = "context_length_exceeded";
                param = "messages";
            }
            case CONTENT_FILTER -> { // only Azure sends this as an error (a filtered prompt)
                status = 400;
                ObjectNode b = Json.object();
                ObjectNode e = b.putObject("error");
                e.put("message", "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. "
                        + "Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: "
                        + "https://go.microsoft.com/fwlink/?linkid=2198766");
                e.putNull("type");
                e.put("param", "prompt");
                e.put("code", "content_filter");
                e.put("status", 400);
                ObjectNode inner = e.putObject("innererror");
                inner.put("code", "ResponsibleAIPolicyViolation");
                inner.putObject("content_filter_result").putObject("hate").put("filtered", true).put("severity", "high");
                return new Reply(400, b, Map.of());
            }
            case INVALID_REQUEST -> {
                status = detail != null && detail.startsWith("404") ? 404 : 400;
                message = detail != null && detail.startsWith("404") ? "The model `" + model + "` does not exist or you do not have access to it."
                        : detail == null ? "Invalid request." : detail;
                type = "invalid_request_error";
                code = status == 404 ? "model_not_found" : null;
            }
            default -> { // SERVER_ERROR and anything else
                status = 500;
                message = "The server had an error while processing your request. Sorry about that!";
                type = "server_error";
                code = null;
            }
        }
        ObjectNode b = Json.object();
        ObjectNode e = b.putObject("error");
        e.put("message", message);
        e.put("type", type);
        e.put("param", param);
        e.put("code", code);
        return new Reply(status, b, retryHeaders(retryAfterMs, true));
    }

    private Reply anthropicError(ErrorClass cls, Long retryAfterMs, String detail, Call call) {
        int status;
        String type;
        String message;
        switch (cls) {
            case RATE_LIMITED -> {
                status = 429;
                type = "rate_limit_error";
                message = "This request would exceed the rate limit for your organization (org-simulated) of " + detail
                        + " requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.";
            }
            case QUOTA_EXHAUSTED -> {
                status = 400;
                type = "invalid_request_error";
                message = "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.";
            }
            case OVERLOADED -> {
                status = 529;
                type = "overloaded_error";
                message = "Overloaded";
            }
            case AUTH -> {
                status = 401;
                type = "authentication_error";
                message = "invalid x-api-key";
            }
            case CONTEXT_LENGTH -> {
                status = 400;
                type = "invalid_request_error";
                message = "prompt is too long: " + (call == null ? 0 : call.inputTokens()) + " tokens > " + detail + " maximum";
            }
            case INVALID_REQUEST, CONTENT_FILTER -> {
                status = detail != null && detail.startsWith("404") ? 404 : 400;
                type = status == 404 ? "not_found_error" : "invalid_request_error";
                message = status == 404 ? "model: " + (call == null ? "" : call.model()) : detail == null ? "Invalid request" : detail;
            }
            default -> {
                status = 500;
                type = "api_error";
                message = "Internal server error";
            }
        }
        ObjectNode b = Json.object();
        b.put("type", "error");
        b.putObject("error").put("type", type).put("message", message);
        b.put("request_id", "req_" + (call == null ? "sim" : call.requestId()));
        return new Reply(status, b, retryHeaders(retryAfterMs, false));
    }

    private Reply geminiError(ErrorClass cls, Long retryAfterMs, String detail) {
        int status;
        String grpc;
        String message;
        ObjectNode b = Json.object();
        ObjectNode e = b.putObject("error");
        ArrayNode details = Json.MAPPER.createArrayNode();
        switch (cls) {
            case RATE_LIMITED, QUOTA_EXHAUSTED -> {
                status = 429;
                grpc = "RESOURCE_EXHAUSTED";
                message = "You exceeded your current quota, please check your plan and billing details. For more information on this error, "
                        + "head to: https://ai.google.dev/gemini-api/docs/rate-limits.";
                ObjectNode qf = details.addObject();
                qf.put("@type", "type.googleapis.com/google.rpc.QuotaFailure");
                ObjectNode v = qf.putArray("violations").addObject();
                boolean daily = cls == ErrorClass.QUOTA_EXHAUSTED;
                v.put("quotaMetric", "generativelanguage.googleapis.com/generate_content_paid_tier_requests");
                v.put("quotaId", daily ? "GenerateRequestsPerDayPerProjectPerModel" : "GenerateRequestsPerMinutePerProjectPerModel");
                v.put("quotaValue", detail == null ? "1000" : detail);
                details.addObject().put("@type", "type.googleapis.com/google.rpc.Help").putArray("links").addObject()
                        .put("description", "Learn more about Gemini API quotas").put("url", "https://ai.google.dev/gemini-api/docs/rate-limits");
                if (retryAfterMs != null) {
                    details.addObject().put("@type", "type.googleapis.com/google.rpc.RetryInfo").put("retryDelay", seconds(retryAfterMs) + "s");
                }
            }
            case OVERLOADED -> {
                status = 503;
                grpc = "UNAVAILABLE";
                message = "The model is overloaded. Please try again later.";
            }
            case AUTH -> {
                status = 400;
                grpc = "INVALID_ARGUMENT";
                message = "API key not valid. Please pass a valid API key.";
                ObjectNode info = details.addObject();
                info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
                info.put("reason", "API_KEY_INVALID");
                info.put("domain", "googleapis.com");
                info.putObject("metadata").put("service", "generativelanguage.googleapis.com");
            }
            case CONTEXT_LENGTH -> {
                status = 400;
                grpc = "INVALID_ARGUMENT";
                message = "The input token count exceeds the maximum number of tokens allowed " + detail + ".";
            }
            case INVALID_REQUEST, CONTENT_FILTER -> {
                boolean notFound = detail != null && detail.startsWith("404");
                status = notFound ? 404 : 400;
                grpc = notFound ? "NOT_FOUND" : "INVALID_ARGUMENT";
                message = notFound ? "models/unknown is not found for API version v1beta, or is not supported for generateContent."
                        : detail == null ? "Request contains an invalid argument." : detail;
            }
            default -> {
                status = 500;
                grpc = "INTERNAL";
                message = "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting";
            }
        }
        e.put("code", status);
        e.put("message", message);
        e.put("status", grpc);
        if (!details.isEmpty()) {
            e.set("details", details);
        }
        // Gemini sends no retry-after header; the delay is in RetryInfo.
        return new Reply(status, b, Map.of());
    }

    private static Map<String, String> retryHeaders(Long retryAfterMs, boolean withMs) {
        if (retryAfterMs == null) {
            return Map.of();
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("retry-after", String.valueOf(seconds(retryAfterMs)));
        if (withMs) {
            h.put("retry-after-ms", String.valueOf(retryAfterMs));
        }
        return h;
    }

    static long seconds(Long ms) {
        return ms == null ? 1 : Math.max(1, (ms + 999) / 1000);
    }

    /** OpenAI's way of echoing a wrong key: a prefix, stars, the last four characters. */
    private static String masked(String key) {
        if (key == null || key.isEmpty()) {
            return "<none>";
        }
        if (key.length() <= 8) {
            return "*".repeat(key.length());
        }
        return key.substring(0, 3) + "*".repeat(Math.min(30, key.length() - 7)) + key.substring(key.length() - 4);
    }

    /** Rate-limit headers of this API for a bucket state. */
    Map<String, String> rateLimitHeaders(long limitPerMinute, long remaining, long resetMs, Instant now) {
        Map<String, String> h = new LinkedHashMap<>();
        switch (this) {
            case OPENAI, AZURE -> {
                h.put("x-ratelimit-limit-requests", String.valueOf(limitPerMinute));
                h.put("x-ratelimit-remaining-requests", String.valueOf(remaining));
                h.put("x-ratelimit-reset-requests", goDuration(resetMs));
                h.put("x-ratelimit-limit-tokens", "2000000");
                h.put("x-ratelimit-remaining-tokens", "1999000");
                h.put("x-ratelimit-reset-tokens", "30ms");
            }
            case ANTHROPIC -> {
                String reset = now.plusMillis(resetMs).toString();
                h.put("anthropic-ratelimit-requests-limit", String.valueOf(limitPerMinute));
                h.put("anthropic-ratelimit-requests-remaining", String.valueOf(remaining));
                h.put("anthropic-ratelimit-requests-reset", reset);
                h.put("anthropic-ratelimit-tokens-limit", "2000000");
                h.put("anthropic-ratelimit-tokens-remaining", "1999000");
                h.put("anthropic-ratelimit-tokens-reset", now.toString());
            }
            case GEMINI -> {
                // The Gemini API sends no rate-limit headers.
            }
        }
        return h;
    }

    /** Milliseconds as OpenAI writes them: "20ms", "1s", "6m0s". */
    static String goDuration(long ms) {
        if (ms < 1000) {
            return ms + "ms";
        }
        long s = ms / 1000;
        long rest = ms % 1000;
        String secs = rest == 0 ? String.valueOf(s % 60) : String.format(java.util.Locale.ROOT, "%.3f", (s % 60) + rest / 1000.0);
        return s >= 60 ? (s / 60) + "m" + secs + "s" : secs + "s";
    }

    /** Headers every answer of this API carries. */
    Map<String, String> standardHeaders(String requestId) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("content-type", "application/json");
        switch (this) {
            case OPENAI -> {
                h.put("x-request-id", "req_" + requestId);
                h.put("openai-processing-ms", "1");
                h.put("openai-version", "2020-10-01");
            }
            case AZURE -> h.put("apim-request-id", requestId);
            case ANTHROPIC -> h.put("request-id", "req_" + requestId);
            case GEMINI -> h.put("content-type", "application/json; charset=UTF-8");
        }
        return h;
    }
}
