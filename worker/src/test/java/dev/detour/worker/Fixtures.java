package dev.detour.worker;

import dev.detour.schema.ApiFamily;
import dev.detour.schema.Catalog;
import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionParams;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.DeploymentRef;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.ProviderLimits;
import dev.detour.schema.ProviderSpec;
import dev.detour.schema.RoutedRequest;
import dev.detour.schema.TokenUsage;
import dev.detour.schema.UnitPrices;
import java.util.List;
import java.util.Map;

/** Records used across the worker's tests. */
public final class Fixtures {
    public static final String PROVIDER = "acme";
    public static final String DEPLOYMENT = "acme/small";
    /** $1 per million input tokens, $2 per million output tokens. */
    public static final UnitPrices PRICES = UnitPrices.newBuilder()
            .setInputPerMillionMicros(1_000_000).setOutputPerMillionMicros(2_000_000).build();

    private Fixtures() {}

    public static CompletionRequest request(String jobId, Long deadlineMs) {
        return CompletionRequest.newBuilder()
                .setJobId(jobId)
                .setTenant("tenant-1")
                .setModel("small")
                .setMessages(List.of(ChatMessage.newBuilder().setRole("user").setContent("hello").build()))
                .setParams(CompletionParams.newBuilder().setMaxTokens(16).build())
                .setDeadlineMs(deadlineMs)
                .setSubmittedAtMs(1L)
                .setMetadata(Map.of("k", "v"))
                .build();
    }

    public static RoutedRequest routed(String jobId, int attempt, Long deadlineMs) {
        return routed(jobId, attempt, deadlineMs, PROVIDER, DEPLOYMENT);
    }

    public static RoutedRequest routed(String jobId, int attempt, Long deadlineMs, String provider, String deploymentId) {
        return RoutedRequest.newBuilder()
                .setRequest(request(jobId, deadlineMs))
                .setAttempt(attempt)
                .setAttemptId(jobId + "#" + attempt)
                .setDeployment(DeploymentRef.newBuilder().setProvider(provider).setDeploymentId(deploymentId)
                        .setModel("small").setProviderModel("small-2026").build())
                .setRoutedAtMs(1L)
                .build();
    }

    public static TokenUsage usage(long in, long out) {
        return TokenUsage.newBuilder().setInputTokens(in).setOutputTokens(out).build();
    }

    public static ProviderSpec provider(String name, String baseUrl, ProviderLimits limits) {
        return ProviderSpec.newBuilder().setName(name).setApiFamily(ApiFamily.OPENAI_COMPATIBLE).setBaseUrl(baseUrl)
                .setLimits(limits).build();
    }

    public static DeploymentSpec deployment(String provider, String id, Long timeoutMs) {
        return DeploymentSpec.newBuilder().setId(id).setProvider(provider).setModel("small")
                .setProviderModel("small-2026").setPrices(PRICES).setTimeoutMs(timeoutMs).build();
    }

    public static DeploymentCatalog catalog(Long timeoutMs, ProviderLimits limits) {
        return DeploymentCatalog.of(Catalog.newBuilder().setVersion("test")
                .setProviders(List.of(provider(PROVIDER, "http://localhost:1", limits)))
                .setDeployments(List.of(deployment(PROVIDER, DEPLOYMENT, timeoutMs)))
                .build());
    }
}
