package dev.detour.router.testing;

import dev.detour.schema.ApiFamily;
import dev.detour.schema.AttemptOutcome;
import dev.detour.schema.AttemptSummary;
import dev.detour.schema.Catalog;
import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionParams;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.ModelGroup;
import dev.detour.schema.ProviderSpec;
import dev.detour.schema.Tier;
import dev.detour.schema.UnitPrices;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builders of catalogs, requests and feedback for tests. */
public final class Fixtures {
    private Fixtures() {}

    public static DeploymentSpec deployment(String provider, String model, Tier tier, long inPrice, long outPrice,
                                            String... groups) {
        return DeploymentSpec.newBuilder()
                .setId(provider + "/" + model)
                .setProvider(provider)
                .setModel(model)
                .setProviderModel(model)
                .setGroups(List.of(groups))
                .setTier(tier)
                .setContextWindow(128_000)
                .setMaxOutputTokens(null)
                .setPrices(UnitPrices.newBuilder().setInputPerMillionMicros(inPrice)
                        .setOutputPerMillionMicros(outPrice).build())
                .setTimeoutMs(null)
                .build();
    }

    public static ProviderSpec provider(String name, String region) {
        return ProviderSpec.newBuilder().setName(name).setApiFamily(ApiFamily.OPENAI_COMPATIBLE)
                .setBaseUrl("http://localhost/" + name).setRegion(region).build();
    }

    /** Three providers serving group "chat": alpha cheapest, then beta, then gamma. */
    public static Catalog threeProviders() {
        return Catalog.newBuilder()
                .setVersion("test-1")
                .setProviders(List.of(provider("alpha", "us"), provider("beta", "eu"), provider("gamma", "us")))
                .setDeployments(List.of(
                        deployment("alpha", "small-a", Tier.PRIMARY, 100_000, 400_000, "chat"),
                        deployment("beta", "small-b", Tier.PRIMARY, 150_000, 600_000, "chat"),
                        deployment("gamma", "small-c", Tier.PRIMARY, 200_000, 800_000, "chat")))
                .setGroups(List.of(ModelGroup.newBuilder().setName("chat").setModels(List.of()).build()))
                .build();
    }

    public static CompletionRequest request(String jobId, String model, long submittedAt) {
        return CompletionRequest.newBuilder()
                .setJobId(jobId)
                .setTenant("acme")
                .setModel(model)
                .setMessages(List.of(ChatMessage.newBuilder().setRole("user").setContent("Say hello").build()))
                .setParams(CompletionParams.newBuilder().setMaxTokens(100).build())
                .setSubmittedAtMs(submittedAt)
                .setMetadata(Map.of())
                .build();
    }

    public static AttemptOutcome outcome(String deploymentId, boolean ok, ErrorClass errorClass, long latencyMs, long endedAt,
                                         Long retryAfterMs) {
        String provider = deploymentId.substring(0, deploymentId.indexOf('/'));
        return AttemptOutcome.newBuilder()
                .setAttemptId("x#1")
                .setJobId("x")
                .setTenant("acme")
                .setProvider(provider)
                .setDeploymentId(deploymentId)
                .setModel(deploymentId.substring(deploymentId.indexOf('/') + 1))
                .setSucceeded(ok)
                .setErrorClass(errorClass)
                .setLatencyMs(latencyMs)
                .setStartedAtMs(endedAt - latencyMs)
                .setEndedAtMs(endedAt)
                .setRetryAfterMs(retryAfterMs)
                .build();
    }

    public static AttemptSummary failedAttempt(int attempt, String jobId, String deploymentId, ErrorClass c,
                                               Long retryAfterMs, long endedAt) {
        String provider = deploymentId.substring(0, deploymentId.indexOf('/'));
        return AttemptSummary.newBuilder()
                .setAttempt(attempt)
                .setAttemptId(jobId + "#" + attempt)
                .setProvider(provider)
                .setDeploymentId(deploymentId)
                .setModel(deploymentId.substring(deploymentId.indexOf('/') + 1))
                .setSucceeded(false)
                .setErrorClass(c)
                .setRetryAfterMs(retryAfterMs)
                .setStartedAtMs(endedAt - 10)
                .setEndedAtMs(endedAt)
                .build();
    }

    public static List<AttemptSummary> list(AttemptSummary... a) {
        return new ArrayList<>(List.of(a));
    }
}
