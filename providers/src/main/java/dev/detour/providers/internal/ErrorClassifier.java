package dev.detour.providers.internal;

import dev.detour.schema.ErrorClass;

/**
 * HTTP status + error body -> {@link ErrorClass}. Status decides first; the body refines where
 * providers overload a status:
 * <ul>
 *   <li>429 is RATE_LIMITED, except QUOTA_EXHAUSTED when the account is out of money or quota: OpenAI
 *       {@code insufficient_quota}, a per-day limit, wording about billing or credit (not for Gemini, which
 *       words every 429 so), or a Gemini
 *       {@code RESOURCE_EXHAUSTED} whose QuotaFailure names a per-day quota (a per-minute quota recovers
 *       within a minute, a daily one does not, so only the latter makes the provider useless for this
 *       job).</li>
 *   <li>400/413/422 become CONTEXT_LENGTH when the provider says the prompt is too long (OpenAI
 *       {@code context_length_exceeded}, Anthropic "prompt is too long", Gemini "exceeds the maximum
 *       number of tokens"), CONTENT_FILTER for Azure/OpenAI content-policy errors, QUOTA_EXHAUSTED for
 *       Anthropic's "credit balance is too low"; otherwise INVALID_REQUEST.</li>
 *   <li>503 and 529 (and Anthropic's {@code overloaded_error} under any status) are OVERLOADED; 500 and
 *       502 SERVER_ERROR; 504 TIMEOUT (the upstream gave up waiting for the model); 408 TIMEOUT.</li>
 *   <li>401 and 403 are AUTH; 402 QUOTA_EXHAUSTED; 404 INVALID_REQUEST (unknown model or path); 409
 *       SERVER_ERROR (OpenAI retries it).</li>
 * </ul>
 */
public final class ErrorClassifier {

    private ErrorClassifier() {}

    public static ErrorClass classify(int status, ErrorBody body) {
        String h = body.haystack();
        if (h.contains("overloaded_error") || (status >= 500 && h.contains("overloaded"))) {
            return ErrorClass.OVERLOADED;
        }
        if ((status == 400 || status == 401 || status == 403) && isBadKey(h)) {
            // Gemini answers a wrong key with 400 INVALID_ARGUMENT (reason API_KEY_INVALID), not 401.
            return ErrorClass.AUTH;
        }
        if (status == 429) {
            // Gemini words every 429 as "exceeded your current quota ... billing": only its QuotaFailure tells.
            boolean gemini = "RESOURCE_EXHAUSTED".equals(body.status());
            boolean quota = h.contains("insufficient_quota") || body.dailyQuota() || h.contains("per day")
                    || (!gemini && (h.contains("billing") || h.contains("credit balance")));
            return quota ? ErrorClass.QUOTA_EXHAUSTED : ErrorClass.RATE_LIMITED;
        }
        if (status == 400 || status == 413 || status == 422) {
            if (isContextLength(h) || status == 413) {
                return ErrorClass.CONTEXT_LENGTH;
            }
            if (isContentFilter(h)) {
                return ErrorClass.CONTENT_FILTER;
            }
            if (h.contains("credit balance") || h.contains("billing")) {
                return ErrorClass.QUOTA_EXHAUSTED;
            }
            return ErrorClass.INVALID_REQUEST;
        }
        return switch (status) {
            case 401, 403 -> isContentFilter(h) ? ErrorClass.CONTENT_FILTER : ErrorClass.AUTH;
            case 402 -> ErrorClass.QUOTA_EXHAUSTED;
            case 404, 405 -> ErrorClass.INVALID_REQUEST;
            case 408, 504 -> ErrorClass.TIMEOUT;
            case 409, 500, 502 -> ErrorClass.SERVER_ERROR;
            case 503, 529 -> ErrorClass.OVERLOADED;
            default -> status >= 500 ? ErrorClass.SERVER_ERROR : status >= 400 ? ErrorClass.INVALID_REQUEST : ErrorClass.UNKNOWN;
        };
    }

    static boolean isBadKey(String h) {
        return h.contains("api_key_invalid") || h.contains("api key not valid") || h.contains("invalid_api_key")
                || h.contains("authentication_error") || h.contains("incorrect api key");
    }

    static boolean isContextLength(String h) {
        return h.contains("context_length_exceeded") || h.contains("prompt is too long") || h.contains("maximum context length")
                || h.contains("context window") || h.contains("context_window") || h.contains("input token count")
                || (h.contains("exceeds") && h.contains("token") && (h.contains("maximum") || h.contains("limit")));
    }

    static boolean isContentFilter(String h) {
        return h.contains("content_filter") || h.contains("content_policy_violation") || h.contains("responsibleaipolicyviolation")
                || h.contains("content management policy");
    }
}
