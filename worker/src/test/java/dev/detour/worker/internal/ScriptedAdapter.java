package dev.detour.worker.internal;

import dev.detour.providers.ProviderAdapter;
import dev.detour.providers.ProviderReply;
import dev.detour.providers.ProviderRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Answers calls from a script; each call can also move a manual clock (the call's latency). */
final class ScriptedAdapter implements ProviderAdapter {
    private final String provider;
    private final Deque<ProviderReply> script = new ArrayDeque<>();
    private final ManualClock clock;
    private final long latencyMs;
    final List<ProviderRequest> calls = new ArrayList<>();

    ScriptedAdapter(String provider, ManualClock clock, long latencyMs, ProviderReply... replies) {
        this.provider = provider;
        this.clock = clock;
        this.latencyMs = latencyMs;
        script.addAll(List.of(replies));
    }

    @Override
    public String provider() {
        return provider;
    }

    @Override
    public synchronized CompletableFuture<ProviderReply> complete(ProviderRequest request) {
        calls.add(request);
        long spent = Math.min(latencyMs, request.timeout().toMillis());
        clock.advance(spent);
        ProviderReply next = script.isEmpty() ? null : script.poll();
        if (next == null || latencyMs > request.timeout().toMillis()) {
            return CompletableFuture.completedFuture(
                    ProviderReply.Failure.of(dev.detour.schema.ErrorClass.TIMEOUT, null, "timed out"));
        }
        return CompletableFuture.completedFuture(next);
    }
}
