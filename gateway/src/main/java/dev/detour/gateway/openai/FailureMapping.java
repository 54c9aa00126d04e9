package dev.detour.gateway.openai;

import dev.detour.schema.AttemptSummary;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.FailureReason;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns a failed job into the HTTP error an OpenAI SDK expects, so its retry logic does the right
 * thing: 429 {@code insufficient_quota} with {@code x-should-retry: false} for a refused budget (a
 * retry cannot succeed), 503 with {@code retry-after} when every provider stayed down past the
 * deadline (a retry later may), 400 for what the caller must fix, 5xx otherwise.
 *
 * <p>Messages are fixed texts per reason; the pipeline's own failure text is only passed on for
 * invalid requests (the caller needs it), with anything looking like a URL or host:port removed.
 */
public final class FailureMapping {

    /** Retry-after when the attempts carry no hint of their own. */
    public static final int DEFAULT_RETRY_AFTER_SECONDS = 5;
    private static final Pattern URL = Pattern.compile("\\b[a-zA-Z][a-zA-Z0-9+.-]*://\\S+");
    private static final Pattern HOST_PORT = Pattern.compile("\\b[\\w.-]+\\.[a-zA-Z]{2,}(:\\d+)?\\b|\\b\\d{1,3}(\\.\\d{1,3}){3}(:\\d+)?\\b");

    private FailureMapping() {}

    public static OpenAiError toError(CompletionResult r) {
        FailureReason reason = r.getFailureReason() == null ? FailureReason.INTERNAL : r.getFailureReason();
        return switch (reason) {
            case BUDGET -> OpenAiError.budgetExhausted();
            case DEADLINE, NO_ROUTE, MAX_ATTEMPTS -> OpenAiError.unavailable("providers_unavailable",
                    "No provider could answer before the deadline; the request may be retried.", retryAfter(r.getAttempts()));
            case INVALID_REQUEST -> invalid(r, "invalid_request");
            case NON_RETRYABLE -> nonRetryable(r);
            case QUALITY -> OpenAiError.upstream("quality_gate_failed", "No answer passed the quality checks.");
            case UNDECODABLE, INTERNAL -> OpenAiError.internal();
        };
    }

    private static OpenAiError nonRetryable(CompletionResult r) {
        List<AttemptSummary> attempts = r.getAttempts();
        ErrorClass last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).getErrorClass();
        if (last == null) {
            return invalid(r, "invalid_request");
        }
        return switch (last) {
            case CONTEXT_LENGTH -> new OpenAiError(400, "invalid_request_error", "context_length_exceeded", "messages",
                    "The messages exceed the context window of every eligible model.", null, false);
            case CONTENT_FILTER -> new OpenAiError(400, "invalid_request_error", "content_filter", null,
                    "The request was refused by the provider's content policy.", null, false);
            case INVALID_REQUEST -> invalid(r, "invalid_request");
            // A provider refused our own credentials: not the caller's fault, and not theirs to see.
            case AUTH -> OpenAiError.upstream("upstream_unavailable", "The upstream provider refused the call.");
            default -> OpenAiError.upstream("upstream_error", "The upstream provider failed the call.");
        };
    }

    private static OpenAiError invalid(CompletionResult r, String code) {
        String detail = r.getFailureMessage() == null ? "" : ": " + scrub(r.getFailureMessage());
        return new OpenAiError(400, "invalid_request_error", code, null, "The request was refused" + detail, null, false);
    }

    /** Removes URLs and host names from a pipeline message before it leaves the process. */
    public static String scrub(String message) {
        String s = URL.matcher(message).replaceAll("<url>");
        s = HOST_PORT.matcher(s).replaceAll("<host>");
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    static int retryAfter(List<AttemptSummary> attempts) {
        long max = 0;
        for (AttemptSummary a : attempts) {
            if (a.getRetryAfterMs() != null) {
                max = Math.max(max, a.getRetryAfterMs());
            }
        }
        if (max <= 0) {
            return DEFAULT_RETRY_AFTER_SECONDS;
        }
        return (int) Math.min(600, Math.max(1, (max + 999) / 1000));
    }
}
