package dev.detour.providers;

import java.util.concurrent.CompletableFuture;

/**
 * Calls one provider in its own wire protocol. Implementations are thread-safe and asynchronous;
 * the returned future never completes exceptionally for an expected provider fault: timeouts,
 * connection errors and malformed bodies become a {@link ProviderReply.Failure}.
 */
public interface ProviderAdapter {

    /** Name of the provider this adapter talks to (as in the catalog). */
    String provider();

    CompletableFuture<ProviderReply> complete(ProviderRequest request);
}
