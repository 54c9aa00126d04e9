package dev.detour.bench.internal;

import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionParams;
import dev.detour.schema.CompletionRequest;
import java.util.List;
import java.util.Map;

/** The requests the suites send. */
public final class Workload {
    public static final String TENANT = "bench";
    public static final String GROUP = "chat";

    private Workload() {}

    /** A request of about 1 KB on the wire (Avro): one user message of ~900 characters. */
    public static CompletionRequest kilobyteRequest(String jobId) {
        return request(jobId, GROUP, PADDING_900, 64);
    }

    public static CompletionRequest request(String jobId, String model, String prompt, int maxTokens) {
        return CompletionRequest.newBuilder()
                .setJobId(jobId)
                .setTenant(TENANT)
                .setModel(model)
                .setMessages(List.of(ChatMessage.newBuilder().setRole("user").setContent(prompt).build()))
                .setParams(CompletionParams.newBuilder().setMaxTokens(maxTokens).build())
                .setSubmittedAtMs(System.currentTimeMillis())
                .setMetadata(Map.of())
                .build();
    }

    private static final String PADDING_900 = ("Summarise this note in one sentence. "
            + "The quarterly report shows steady growth in every region and no change in staffing. ").repeat(8)
            .substring(0, 900);
}
