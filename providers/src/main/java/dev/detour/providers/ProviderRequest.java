package dev.detour.providers;

import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionParams;
import java.time.Duration;
import java.util.List;

/**
 * One call to a provider, in the pipeline's own terms. The adapter turns it into the provider's
 * wire format; the base URL and key come from configuration, never from here.
 *
 * @param providerModel   model name as the provider's API expects it
 * @param timeout         the whole call's budget (the smaller of the deployment timeout and the job's
 *                        time left)
 * @param maxOutputTokens the deployment's output limit (catalog {@code maxOutputTokens}), or null; used
 *                        where the API requires a maximum (Anthropic) and the request gave none
 */
public record ProviderRequest(String providerModel, List<ChatMessage> messages, CompletionParams params, Duration timeout,
                              Integer maxOutputTokens) {
    public ProviderRequest {
        messages = List.copyOf(messages);
    }

    public ProviderRequest(String providerModel, List<ChatMessage> messages, CompletionParams params, Duration timeout) {
        this(providerModel, messages, params, timeout, null);
    }
}
