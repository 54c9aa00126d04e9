package dev.detour.schemas.serde;

import dev.detour.schema.ApiFamily;
import dev.detour.schema.AttemptOutcome;
import dev.detour.schema.AttemptSummary;
import dev.detour.schema.BudgetAction;
import dev.detour.schema.BudgetLevel;
import dev.detour.schema.BudgetState;
import dev.detour.schema.CacheMode;
import dev.detour.schema.Callback;
import dev.detour.schema.Catalog;
import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionParams;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.DeadLetter;
import dev.detour.schema.DeploymentRef;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.FailureReason;
import dev.detour.schema.ModelGroup;
import dev.detour.schema.ProviderLimits;
import dev.detour.schema.ProviderSpec;
import dev.detour.schema.RateLimitSnapshot;
import dev.detour.schema.ResponseFormat;
import dev.detour.schema.ResultStatus;
import dev.detour.schema.RoutedRequest;
import dev.detour.schema.RoutingHints;
import dev.detour.schema.ScoreBreakdown;
import dev.detour.schema.Strategy;
import dev.detour.schema.TenantPolicy;
import dev.detour.schema.Tier;
import dev.detour.schema.TokenUsage;
import dev.detour.schema.UnitPrices;
import dev.detour.schema.UsageRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Realistic records of every type the pipeline writes. */
final class Samples {

    static final long T0 = 1_795_600_000_000L;

    private Samples() {
    }

    static CompletionRequest request() {
        return CompletionRequest.newBuilder()
                .setJobId("job-7f3a9c")
                .setTenant("acme")
                .setModel("chat-fast")
                .setMessages(List.of(
                        ChatMessage.newBuilder().setRole("system").setContent("You are a terse assistant. Ünïcödé ✓").build(),
                        ChatMessage.newBuilder().setRole("user").setContent("Summarise the Q3 report in two lines.")
                                .setName("analyst-42").build()))
                .setParams(CompletionParams.newBuilder()
                        .setMaxTokens(256).setTemperature(0.2).setTopP(0.9).setStop(List.of("\n\n", "END"))
                        .setResponseFormat(ResponseFormat.newBuilder().setType("json_schema")
                                .setJsonSchema("{\"type\":\"object\"}").build())
                        .setToolsJson("[{\"type\":\"function\",\"function\":{\"name\":\"lookup\"}}]")
                        .build())
                .setHints(RoutingHints.newBuilder()
                        .setTier(Tier.SECONDARY).setStrategy(Strategy.COST)
                        .setMaxPricePerMillionMicros(15_000_000L)
                        .setAllowedProviders(List.of("openai", "anthropic"))
                        .setAllowedRegions(List.of("eu"))
                        .setCache(CacheMode.FALLBACK).build())
                .setDeadlineMs(T0 + 30_000)
                .setCallback(Callback.newBuilder().setReplyTopic("acme.replies")
                        .setCorrelation(Map.of("traceparent", "00-4bf92f-00f067-01")).build())
                .setSubmittedAtMs(T0)
                .setMetadata(Map.of("team", "finance", "ticket", "FIN-88"))
                .build();
    }

    static AttemptSummary failedAttempt() {
        return AttemptSummary.newBuilder()
                .setAttempt(1).setAttemptId("job-7f3a9c#1").setProvider("openai").setDeploymentId("openai/gpt-4o-mini")
                .setModel("gpt-4o-mini").setSucceeded(false).setErrorClass(ErrorClass.RATE_LIMITED).setHttpStatus(429)
                .setMessage("rate limited: retry after 2s").setRetryAfterMs(2_000L).setCostMicros(0)
                .setStartedAtMs(T0 + 5).setEndedAtMs(T0 + 180).build();
    }

    static TokenUsage usage() {
        return TokenUsage.newBuilder().setInputTokens(1_200).setOutputTokens(310).setCachedReadTokens(512)
                .setCacheWriteTokens(0).setReasoningTokens(64).build();
    }

    static RoutedRequest routed() {
        return RoutedRequest.newBuilder()
                .setRequest(request())
                .setAttempt(2).setAttemptId("job-7f3a9c#2")
                .setDeployment(DeploymentRef.newBuilder().setProvider("anthropic").setDeploymentId("anthropic/haiku")
                        .setModel("claude-haiku").setProviderModel("claude-3-5-haiku-latest").setTier(Tier.SECONDARY).build())
                .setScore(ScoreBreakdown.newBuilder().setTotal(0.41).setExpectedCostMicros(1_830).setCostScore(0.2)
                        .setLatencyScore(0.15).setRiskScore(0.06).setTierPenalty(0.0).setComplexity(0.3)
                        .setStrategy(Strategy.COST).setCandidates(3).setNote("openai excluded: breaker open").build())
                .setTried(List.of(failedAttempt()))
                .setRoutedAtMs(T0 + 200).setNotBeforeMs(T0 + 2_180).setRouterInstance("router-1")
                .build();
    }

    static AttemptOutcome outcome() {
        return AttemptOutcome.newBuilder()
                .setAttemptId("job-7f3a9c#2").setJobId("job-7f3a9c").setTenant("acme").setProvider("anthropic")
                .setDeploymentId("anthropic/haiku").setModel("claude-haiku").setSucceeded(true).setHttpStatus(200)
                .setLatencyMs(842).setStartedAtMs(T0 + 2_200).setEndedAtMs(T0 + 3_042)
                .setRateLimit(RateLimitSnapshot.newBuilder().setRequestsLimit(4_000L).setRequestsRemaining(3_999L)
                        .setRequestsResetMs(60_000L).setTokensLimit(400_000L).setTokensRemaining(398_490L).build())
                .setUsage(usage()).setWorkerInstance("worker-3").build();
    }

    static CompletionResult result() {
        return CompletionResult.newBuilder()
                .setJobId("job-7f3a9c").setTenant("acme").setStatus(ResultStatus.SUCCEEDED)
                .setContent("Revenue up 12% on cloud; margins flat.\nGuidance raised for Q4.")
                .setFinishReason("stop").setUsage(usage()).setCostMicros(1_642).setProvider("anthropic")
                .setDeploymentId("anthropic/haiku").setModel("claude-haiku").setRequestedModel("chat-fast")
                .setAttempts(List.of(failedAttempt(), AttemptSummary.newBuilder(failedAttempt()).setAttempt(2)
                        .setAttemptId("job-7f3a9c#2").setProvider("anthropic").setDeploymentId("anthropic/haiku")
                        .setModel("claude-haiku").setSucceeded(true).setErrorClass(null).setHttpStatus(200)
                        .setMessage(null).setRetryAfterMs(null).setCostMicros(1_642).setUsage(usage()).build()))
                .setSubmittedAtMs(T0).setCompletedAtMs(T0 + 3_050)
                .setMetadata(Map.of("team", "finance"))
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setJobId("job-7f3a9c").setTenant("acme").setReason(FailureReason.NON_RETRYABLE)
                .setErrorClass(ErrorClass.CONTEXT_LENGTH).setMessage("prompt exceeds the context window of every deployment")
                .setComponent("worker").setProvider("openai").setRequest(request())
                .setAttempts(List.of(failedAttempt()))
                .setSourceTopic("detour.provider.openai").setSourcePartition(4).setSourceOffset(981_223L)
                .setOriginalKey(ByteBuffer.wrap("job-7f3a9c".getBytes(StandardCharsets.UTF_8)))
                .setOriginalValue(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 7, 2, 4, 6}))
                .setFailedAtMs(T0 + 400).build();
    }

    static UsageRecord usageRecord() {
        return UsageRecord.newBuilder()
                .setAttemptId("job-7f3a9c#2").setJobId("job-7f3a9c").setTenant("acme").setProvider("anthropic")
                .setDeploymentId("anthropic/haiku").setModel("claude-haiku").setRequestedModel("chat-fast")
                .setUsage(usage())
                .setUnitPrices(UnitPrices.newBuilder().setInputPerMillionMicros(800_000).setOutputPerMillionMicros(4_000_000)
                        .setCachedReadPerMillionMicros(80_000).setCacheWritePerMillionMicros(1_000_000).build())
                .setCostMicros(1_642).setBilledAtMs(T0 + 3_042).setServedFromCache(false).build();
    }

    static ConfigRecord catalogConfig() {
        UnitPrices prices = UnitPrices.newBuilder().setInputPerMillionMicros(150_000).setOutputPerMillionMicros(600_000).build();
        return ConfigRecord.newBuilder()
                .setCatalog(Catalog.newBuilder().setVersion("2026-11-25.1").setSource("catalog.yaml")
                        .setProviders(List.of(ProviderSpec.newBuilder().setName("openai").setApiFamily(ApiFamily.OPENAI)
                                .setBaseUrl("https://api.openai.com/v1").setKeyEnv("OPENAI_API_KEY").setRegion("us")
                                .setLimits(ProviderLimits.newBuilder().setRequestsPerMinute(5_000L).setMaxInFlight(64).build())
                                .setTimeoutMs(60_000L).build()))
                        .setDeployments(List.of(DeploymentSpec.newBuilder().setId("openai/gpt-4o-mini").setProvider("openai")
                                .setModel("gpt-4o-mini").setProviderModel("gpt-4o-mini-2024-07-18")
                                .setGroups(List.of("chat-fast")).setTier(Tier.PRIMARY).setContextWindow(128_000)
                                .setMaxOutputTokens(16_384).setPrices(prices).build()))
                        .setGroups(List.of(ModelGroup.newBuilder().setName("chat-fast").setDescription("cheap chat")
                                .setModels(List.of("gpt-4o-mini", "claude-haiku")).build()))
                        .build())
                .setUpdatedAtMs(T0)
                .build();
    }

    static ConfigRecord tenantConfig() {
        return ConfigRecord.newBuilder()
                .setTenant(TenantPolicy.newBuilder().setTenant("acme").setStrategy(Strategy.COST).setAllowCheaperTier(true)
                        .setDailyBudgetMicros(50_000_000L).setOnBudgetExhausted(BudgetAction.DOWNGRADE)
                        .setCache(CacheMode.FALLBACK).setCacheTtlMs(3_600_000L).setMaxAttempts(4).build())
                .setUpdatedAtMs(T0 + 1)
                .build();
    }

    static BudgetState budget() {
        return BudgetState.newBuilder().setTenant("acme").setLevel(BudgetLevel.WARNING).setPeriod("day:2026-11-25")
                .setSpentMicros(41_250_000L).setLimitMicros(50_000_000L).setUpdatedAtMs(T0 + 60_000).build();
    }
}
