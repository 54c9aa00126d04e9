package dev.detour.registry;

import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionParams;
import dev.detour.schema.CompletionRequest;

import java.util.List;
import java.util.Map;

/** A realistic request to send through the registry. */
final class RegistryTestRecords {

    private RegistryTestRecords() {
    }

    static CompletionRequest request() {
        return CompletionRequest.newBuilder()
                .setJobId("job-1").setTenant("acme").setModel("chat-fast")
                .setMessages(List.of(ChatMessage.newBuilder().setRole("user").setContent("Hello, Detour").build()))
                .setParams(CompletionParams.newBuilder().setMaxTokens(64).build())
                .setSubmittedAtMs(1_795_600_000_000L)
                .setMetadata(Map.of("team", "core"))
                .build();
    }
}
