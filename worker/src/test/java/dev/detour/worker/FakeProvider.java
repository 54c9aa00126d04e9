package dev.detour.worker;

import dev.detour.providers.ProviderAdapter;
import dev.detour.providers.ProviderReply;
import dev.detour.providers.ProviderRequest;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.TokenUsage;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process provider whose answer is named by the prompt: {@code ok:..}, {@code flaky:..}
 * (500 on the first call, then fine), {@code limited:..} (429), {@code auth:..} (401),
 * {@code bad:..} (400), {@code hang:..} (answers once {@link #release()} is called).
 */
final class FakeProvider implements ProviderAdapter {
    private final String name;
    private final long latencyMs;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final CountDownLatch released = new CountDownLatch(1);
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger concurrent = new AtomicInteger();
    final AtomicInteger peakConcurrent = new AtomicInteger();

    FakeProvider(String name, long latencyMs) {
        this.name = name;
        this.latencyMs = latencyMs;
    }

    @Override
    public String provider() {
        return name;
    }

    void release() {
        released.countDown();
    }

    @Override
    public CompletableFuture<ProviderReply> complete(ProviderRequest request) {
        calls.incrementAndGet();
        peakConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
        String prompt = request.messages().get(0).getContent();
        String kind = prompt.substring(0, prompt.indexOf(':'));
        CompletableFuture<ProviderReply> answer = new CompletableFuture<>();
        Runnable reply = () -> {
            concurrent.decrementAndGet();
            answer.complete(reply(kind, prompt));
        };
        if (kind.equals("hang")) {
            Thread.ofVirtual().start(() -> {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                reply.run();
            });
        } else {
            CompletableFuture.delayedExecutor(latencyMs, TimeUnit.MILLISECONDS).execute(reply);
        }
        return answer;
    }

    private ProviderReply reply(String kind, String prompt) {
        TokenUsage usage = TokenUsage.newBuilder().setInputTokens(10).setOutputTokens(5).build();
        return switch (kind) {
            case "flaky" -> seen.add(prompt)
                    ? ProviderReply.Failure.of(ErrorClass.SERVER_ERROR, 500, "internal error")
                    : new ProviderReply.Completion("fine now", "stop", usage, null);
            case "limited" -> new ProviderReply.Failure(ErrorClass.RATE_LIMITED, 429, "rate limited", 1_000L, null, null);
            case "auth" -> ProviderReply.Failure.of(ErrorClass.AUTH, 401, "invalid api key");
            case "bad" -> ProviderReply.Failure.of(ErrorClass.INVALID_REQUEST, 400, "invalid request");
            default -> new ProviderReply.Completion("echo " + prompt, "stop", usage, null);
        };
    }
}
