package dev.detour.gateway.openai;

import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionParams;
import dev.detour.schema.RoutingHints;
import java.util.List;
import java.util.Map;

/**
 * What an OpenAI chat-completions body asks for, in Detour's terms.
 *
 * @param webhook where to announce the result (jobs endpoint only), or null
 */
public record ChatCall(String model, List<ChatMessage> messages, CompletionParams params, RoutingHints hints,
                       boolean stream, boolean includeUsage, Map<String, String> metadata, WebhookTarget webhook) {

    /** A webhook the caller asked for: the URL and the name of a secret configured in the gateway. */
    public record WebhookTarget(String url, String secretName) {}
}
