package dev.detour.gateway.support;

import dev.detour.schema.ApiFamily;
import dev.detour.schema.AttemptSummary;
import dev.detour.schema.Catalog;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.FailureReason;
import dev.detour.schema.ModelGroup;
import dev.detour.schema.ProviderSpec;
import dev.detour.schema.ResultStatus;
import dev.detour.schema.Tier;
import dev.detour.schema.TokenUsage;
import dev.detour.schema.UnitPrices;
import java.util.List;
import java.util.Map;

/** A small catalog and scripted results for gateway tests. */
public final class Catalogs {
    private Catalogs() {}

    /** Group "chat" served by alpha/small-a and beta/small-b; model "big-x" (group "smart") by alpha. */
    public static Catalog small() {
        return Catalog.newBuilder()
                .setVersion("gw-test-1")
                .setProviders(List.of(provider("alpha"), provider("beta")))
                .setDeployments(List.of(
                        deployment("alpha", "small-a", "chat"),
                        deployment("beta", "small-b", "chat"),
                        deployment("alpha", "big-x", "smart")))
                .setGroups(List.of(
                        ModelGroup.newBuilder().setName("chat").setDescription("cheap chat").setModels(List.of("small-a", "small-b")).build(),
                        ModelGroup.newBuilder().setName("smart").setModels(List.of("big-x")).build()))
                .build();
    }

    private static ProviderSpec provider(String name) {
        return ProviderSpec.newBuilder().setName(name).setApiFamily(ApiFamily.OPENAI_COMPATIBLE)
                .setBaseUrl("https://" + name + ".example.invalid/v1").setRegion("us").build();
    }

    private static DeploymentSpec deployment(String provider, String model, String group) {
        return DeploymentSpec.newBuilder().setId(provider + "/" + model).setProvider(provider).setModel(model)
                .setProviderModel(model).setGroups(List.of(group)).setTier(Tier.PRIMARY).setContextWindow(128_000)
                .setPrices(UnitPrices.newBuilder().setInputPerMillionMicros(100_000).setOutputPerMillionMicros(400_000).build())
                .build();
    }

    /**
     * The stand-in pipeline's script: tenant "broke" is over budget; a message containing "outage"
     * fails on alpha and succeeds on beta; "never" stays unanswered; anything else is answered by alpha.
     */
    public static CompletionResult script(CompletionRequest r) {
        String text = r.getMessages().get(r.getMessages().size() - 1).getContent();
        long now = System.currentTimeMillis();
        CompletionResult.Builder b = CompletionResult.newBuilder()
                .setJobId(r.getJobId()).setTenant(r.getTenant()).setRequestedModel(r.getModel())
                .setSubmittedAtMs(r.getSubmittedAtMs()).setCompletedAtMs(now).setMetadata(Map.of());
        if (r.getTenant().equals("broke")) {
            return b.setStatus(ResultStatus.FAILED).setFailureReason(FailureReason.BUDGET)
                    .setFailureMessage("budget of tenant 'broke' exhausted for day:2026-11-25 (spent 5000000 micros)").build();
        }
        if (text.contains("never")) {
            return null;
        }
        TokenUsage usage = TokenUsage.newBuilder().setInputTokens(7).setCachedReadTokens(3).setOutputTokens(11)
                .setReasoningTokens(4).build();
        if (text.contains("outage")) {
            AttemptSummary failed = AttemptSummary.newBuilder().setAttempt(1).setAttemptId(r.getJobId() + "#1")
                    .setProvider("alpha").setDeploymentId("alpha/small-a").setModel("small-a").setSucceeded(false)
                    .setErrorClass(ErrorClass.SERVER_ERROR).setHttpStatus(503).setMessage("alpha.internal:8443 down").build();
            AttemptSummary ok = AttemptSummary.newBuilder().setAttempt(2).setAttemptId(r.getJobId() + "#2")
                    .setProvider("beta").setDeploymentId("beta/small-b").setModel("small-b").setSucceeded(true)
                    .setCostMicros(12).setUsage(usage).build();
            return b.setStatus(ResultStatus.SUCCEEDED).setContent("answer from beta: " + text).setFinishReason("stop")
                    .setUsage(usage).setCostMicros(12).setProvider("beta").setDeploymentId("beta/small-b")
                    .setModel("small-b").setAttempts(List.of(failed, ok)).build();
        }
        AttemptSummary ok = AttemptSummary.newBuilder().setAttempt(1).setAttemptId(r.getJobId() + "#1")
                .setProvider("alpha").setDeploymentId("alpha/small-a").setModel("small-a").setSucceeded(true)
                .setCostMicros(9).setUsage(usage).build();
        return b.setStatus(ResultStatus.SUCCEEDED).setContent("answer to " + text).setFinishReason("stop")
                .setUsage(usage).setCostMicros(9).setProvider("alpha").setDeploymentId("alpha/small-a")
                .setModel("small-a").setAttempts(List.of(ok)).build();
    }
}
