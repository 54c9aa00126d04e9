package dev.detour.providers.internal;

import java.util.Locale;

/**
 * Normalized finish reasons (the values of CompletionResult.finishReason): {@code stop}, {@code length},
 * {@code content_filter}, {@code tool_calls}, {@code other}. Each API's own values map as documented in
 * docs/providers.md.
 */
public final class FinishReason {
    public static final String STOP = "stop";
    public static final String LENGTH = "length";
    public static final String CONTENT_FILTER = "content_filter";
    public static final String TOOL_CALLS = "tool_calls";
    public static final String OTHER = "other";

    private FinishReason() {}

    public static String openAi(String v) {
        if (v == null) {
            return OTHER;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "stop", "eos", "end_turn", "stop_sequence" -> STOP;
            case "length", "model_length", "max_tokens" -> LENGTH;
            case "content_filter" -> CONTENT_FILTER;
            case "tool_calls", "function_call", "tool_use" -> TOOL_CALLS;
            default -> OTHER;
        };
    }

    public static String anthropic(String v) {
        if (v == null) {
            return OTHER;
        }
        return switch (v) {
            case "end_turn", "stop_sequence" -> STOP;
            case "max_tokens", "model_context_window_exceeded" -> LENGTH;
            case "tool_use" -> TOOL_CALLS;
            case "refusal" -> CONTENT_FILTER;
            default -> OTHER; // pause_turn and future values
        };
    }

    public static String gemini(String v) {
        if (v == null) {
            return OTHER;
        }
        return switch (v) {
            case "STOP" -> STOP;
            case "MAX_TOKENS" -> LENGTH;
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT",
                    "IMAGE_RECITATION" -> CONTENT_FILTER;
            case "UNEXPECTED_TOOL_CALL", "MALFORMED_FUNCTION_CALL" -> OTHER;
            default -> OTHER; // LANGUAGE, OTHER, FINISH_REASON_UNSPECIFIED, ...
        };
    }
}
