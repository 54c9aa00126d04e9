package dev.detour.gateway.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * An error as OpenAI's API reports it, with the HTTP status that goes with it. SDKs decide whether to
 * retry from the status (and from {@code x-should-retry}), so the status is part of the contract.
 *
 * @param status HTTP status
 * @param type OpenAI error type ({@code invalid_request_error}, {@code insufficient_quota}, ...)
 * @param code machine-readable code, or null
 * @param param the request parameter at fault, or null
 * @param message text for people; never a stack trace, never an internal host name
 * @param retryAfterSeconds value of the {@code retry-after} header, or null
 * @param shouldRetry value of {@code x-should-retry}, or null to let the SDK decide from the status
 */
public record OpenAiError(int status, String type, String code, String param, String message,
                          Integer retryAfterSeconds, Boolean shouldRetry) {

    private static final ObjectMapper JSON = dev.detour.core.json.PooledJson.newMapper();

    public static OpenAiError badParameter(String param, String message) {
        return new OpenAiError(400, "invalid_request_error", "invalid_value", param, message, null, false);
    }

    public static OpenAiError invalidJson(String message) {
        return new OpenAiError(400, "invalid_request_error", "invalid_json", null, message, null, false);
    }

    public static OpenAiError unknownModel(String model) {
        return new OpenAiError(400, "invalid_request_error", "model_not_found", "model",
                "The model '" + model + "' does not exist or is not in the catalog.", null, false);
    }

    public static OpenAiError modelNotAllowed(String model) {
        return new OpenAiError(403, "invalid_request_error", "model_not_allowed", "model",
                "This API key may not use the model '" + model + "'.", null, false);
    }

    public static OpenAiError invalidKey() {
        return new OpenAiError(401, "invalid_request_error", "invalid_api_key", null,
                "Incorrect API key provided.", null, false);
    }

    public static OpenAiError missingKey() {
        return new OpenAiError(401, "invalid_request_error", "missing_api_key", null,
                "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.", null, false);
    }

    public static OpenAiError bodyTooLarge(long limit) {
        return new OpenAiError(413, "invalid_request_error", "request_too_large", null,
                "The request body exceeds the limit of " + limit + " bytes.", null, false);
    }

    public static OpenAiError notFound(String what) {
        return new OpenAiError(404, "invalid_request_error", "not_found", null, what, null, false);
    }

    public static OpenAiError methodNotAllowed(String method) {
        return new OpenAiError(405, "invalid_request_error", "method_not_allowed", null,
                "Method " + method + " is not allowed here.", null, false);
    }

    /** A refusal that no retry can fix until the tenant's budget changes. */
    public static OpenAiError budgetExhausted() {
        return new OpenAiError(429, "insufficient_quota", "insufficient_quota", null,
                "You exceeded your current quota: the tenant's budget is exhausted.", null, false);
    }

    public static OpenAiError unavailable(String code, String message, int retryAfterSeconds) {
        return new OpenAiError(503, "server_error", code, null, message, retryAfterSeconds, true);
    }

    public static OpenAiError internal() {
        return new OpenAiError(500, "server_error", "internal_error", null,
                "The gateway could not complete the request.", null, true);
    }

    public static OpenAiError upstream(String code, String message) {
        return new OpenAiError(502, "server_error", code, null, message, null, true);
    }

    public Optional<Integer> retryAfter() {
        return Optional.ofNullable(retryAfterSeconds);
    }

    /** {@code {"error":{"message","type","param","code"}}} */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", message);
        e.put("type", type);
        e.put("param", param);
        e.put("code", code);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }
}
