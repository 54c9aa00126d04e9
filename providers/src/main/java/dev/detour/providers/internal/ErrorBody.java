package dev.detour.providers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * The parts of a provider error body that decide its class, from any of the shapes providers send:
 * OpenAI/Azure/compatible {@code {"error":{"message","type","code","param"}}}, Anthropic
 * {@code {"type":"error","error":{"type","message"}}}, Gemini
 * {@code {"error":{"code","message","status","details":[...]}}} (sometimes wrapped in an array), and
 * the flat {@code {"message","type","code"}} / {@code {"detail"}} of some compatible servers.
 *
 * @param retryDelayMs Gemini's {@code google.rpc.RetryInfo.retryDelay}, when present
 * @param dailyQuota   Gemini's {@code google.rpc.QuotaFailure} names a per-day quota
 */
public record ErrorBody(String code, String type, String status, String message, String innerCode, Long retryDelayMs,
                        boolean dailyQuota) {

    public static final ErrorBody EMPTY = new ErrorBody(null, null, null, null, null, null, false);

    public static ErrorBody parse(byte[] body) {
        if (body == null || body.length == 0) {
            return EMPTY;
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (Exception notJson) {
            return EMPTY;
        }
        if (root == null) {
            return EMPTY;
        }
        if (root.isArray() && !root.isEmpty()) {
            root = root.get(0);
        }
        JsonNode err = root.path("error").isObject() ? root.get("error") : root;
        String message = Json.text(err, "message");
        if (message == null) {
            message = Json.text(root, "detail");
        }
        if (message == null && root.path("error").isTextual()) {
            message = root.get("error").asText();
        }
        String inner = Json.text(err, "innererror", "code");
        Long retryDelay = null;
        boolean daily = false;
        JsonNode details = err.path("details");
        if (details.isArray()) {
            for (JsonNode d : details) {
                String t = Json.text(d, "@type");
                if (t == null) {
                    continue;
                }
                if (t.endsWith("google.rpc.ErrorInfo") && inner == null) {
                    inner = Json.text(d, "reason");
                } else if (t.endsWith("google.rpc.RetryInfo")) {
                    retryDelay = RateLimitHeaders.goDurationMs(Json.text(d, "retryDelay"));
                } else if (t.endsWith("google.rpc.QuotaFailure")) {
                    for (JsonNode v : d.path("violations")) {
                        String q = Json.text(v, "quotaId");
                        if (q != null && q.contains("PerDay")) {
                            daily = true;
                        }
                    }
                }
            }
        }
        return new ErrorBody(Json.text(err, "code"), Json.text(err, "type"), Json.text(err, "status"), message,
                inner, retryDelay, daily);
    }

    /** Lower-cased concatenation of every identifying field, for keyword checks. */
    String haystack() {
        return (nz(code) + " " + nz(type) + " " + nz(status) + " " + nz(innerCode) + " " + nz(message)).toLowerCase(Locale.ROOT);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
