package dev.detour.providers;

import dev.detour.schema.ErrorClass;
import dev.detour.schema.RateLimitSnapshot;
import dev.detour.schema.TokenUsage;

/**
 * A provider's answer, normalized: either a completion or an error with a class. Errors are values
 * here, not exceptions: every provider failure the pipeline expects ends up as a {@link Failure}.
 */
public sealed interface ProviderReply {

    /** Rate-limit headers of the response, or null when the provider sent none. */
    RateLimitSnapshot rateLimit();

    /** Tokens the provider billed (a failed call may still bill), or null. */
    TokenUsage usage();

    record Completion(String content, String finishReason, TokenUsage usage, RateLimitSnapshot rateLimit)
            implements ProviderReply {}

    /**
     * @param message normalized, secret-free text (never echoes a key or a full upstream URL)
     * @param retryAfterMs from retry-after / retry-after-ms, or null
     */
    record Failure(ErrorClass errorClass, Integer httpStatus, String message, Long retryAfterMs,
                   RateLimitSnapshot rateLimit, TokenUsage usage) implements ProviderReply {

        public static Failure of(ErrorClass errorClass, Integer httpStatus, String message) {
            return new Failure(errorClass, httpStatus, message, null, null, null);
        }
    }
}
