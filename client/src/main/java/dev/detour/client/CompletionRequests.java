package dev.detour.client;

import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionParams;
import dev.detour.schema.CompletionRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Short ways to build a {@link CompletionRequest}; the generated Avro builder remains for full control. */
public final class CompletionRequests {
    private CompletionRequests() {}

    /** A single user message to a model or model group, with a fresh job id and a deadline. */
    public static CompletionRequest userMessage(String tenant, String model, String text, Duration deadline) {
        long now = System.currentTimeMillis();
        return CompletionRequest.newBuilder()
                .setJobId(UUID.randomUUID().toString())
                .setTenant(tenant)
                .setModel(model)
                .setMessages(List.of(ChatMessage.newBuilder().setRole("user").setContent(text).build()))
                .setParams(CompletionParams.newBuilder().build())
                .setDeadlineMs(now + deadline.toMillis())
                .setSubmittedAtMs(now)
                .setMetadata(Map.of())
                .build();
    }
}
