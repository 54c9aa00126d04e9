package dev.detour.ledger;

import dev.detour.schema.ApiFamily;
import dev.detour.schema.Catalog;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.ModelGroup;
import dev.detour.schema.ProviderSpec;
import dev.detour.schema.TenantPolicy;
import dev.detour.schema.Tier;
import dev.detour.schema.TokenUsage;
import dev.detour.schema.UnitPrices;
import dev.detour.schema.UsageRecord;

import java.time.Instant;
import java.util.List;

/** A small catalog with known prices and builders of usage records. */
public final class Fixtures {

    private Fixtures() {
    }

    public static final long DAY1 = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();

    public static UnitPrices prices(long in, long out) {
        return UnitPrices.newBuilder().setInputPerMillionMicros(in).setOutputPerMillionMicros(out).build();
    }

    public static DeploymentSpec deployment(String provider, String model, Tier tier, UnitPrices p, String... groups) {
        return DeploymentSpec.newBuilder().setId(provider + "/" + model).setProvider(provider).setModel(model)
                .setProviderModel(model).setTier(tier).setPrices(p).setGroups(List.of(groups)).build();
    }

    /** gpt-4o 2.50/10.00 and claude-sonnet 3.00/15.00 (PRIMARY), deepseek-chat 0.27/1.10 (SECONDARY), group "smart". */
    public static Catalog catalog() {
        return catalog("v1", prices(270_000, 1_100_000));
    }

    public static Catalog catalog(String version, UnitPrices deepseekPrices) {
        return Catalog.newBuilder().setVersion(version)
                .setProviders(List.of(
                        provider("openai", ApiFamily.values()[0]),
                        provider("anthropic", ApiFamily.values()[0]),
                        provider("deepseek", ApiFamily.values()[0])))
                .setDeployments(List.of(
                        deployment("openai", "gpt-4o", Tier.PRIMARY, prices(2_500_000, 10_000_000), "smart"),
                        deployment("anthropic", "claude-sonnet", Tier.PRIMARY, prices(3_000_000, 15_000_000), "smart"),
                        deployment("deepseek", "deepseek-chat", Tier.SECONDARY, deepseekPrices, "smart")))
                .setGroups(List.of(ModelGroup.newBuilder().setName("smart")
                        .setModels(List.of("gpt-4o", "claude-sonnet", "deepseek-chat")).build()))
                .build();
    }

    private static ProviderSpec provider(String name, ApiFamily family) {
        return ProviderSpec.newBuilder().setName(name).setApiFamily(family).setBaseUrl("http://127.0.0.1/" + name).build();
    }

    public static ConfigRecord catalogRecord(Catalog c) {
        return ConfigRecord.newBuilder().setCatalog(c).build();
    }

    public static ConfigRecord tenantRecord(String tenant, Long dailyMicros, Long monthlyMicros) {
        return ConfigRecord.newBuilder().setTenant(TenantPolicy.newBuilder().setTenant(tenant)
                .setDailyBudgetMicros(dailyMicros).setMonthlyBudgetMicros(monthlyMicros).build()).build();
    }

    public static UsageRecord usage(String attemptId, String jobId, String tenant, String provider, String model,
                                    String requested, long in, long out, long billedAtMs) {
        return UsageRecord.newBuilder().setAttemptId(attemptId).setJobId(jobId).setTenant(tenant).setProvider(provider)
                .setDeploymentId(provider + "/" + model).setModel(model).setRequestedModel(requested)
                .setUsage(TokenUsage.newBuilder().setInputTokens(in).setOutputTokens(out).build())
                .setBilledAtMs(billedAtMs).build();
    }
}
