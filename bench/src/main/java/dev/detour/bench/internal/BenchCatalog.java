package dev.detour.bench.internal;

import dev.detour.schema.ApiFamily;
import dev.detour.schema.Catalog;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.ModelGroup;
import dev.detour.schema.ProviderSpec;
import dev.detour.schema.Tier;
import dev.detour.schema.UnitPrices;
import java.util.ArrayList;
import java.util.List;

/** Catalogs of simulated providers serving the group {@value Workload#GROUP}. */
public final class BenchCatalog {
    private BenchCatalog() {}

    /**
     * One simulated provider and model in a catalog.
     *
     * @param provider provider name (also the simulator path prefix and topic suffix)
     * @param model model id
     * @param tier tier of the deployment
     * @param inputPrice micro-dollars per million input tokens
     * @param outputPrice micro-dollars per million output tokens
     */
    public record Entry(String provider, String model, Tier tier, long inputPrice, long outputPrice) {
        public String deploymentId() {
            return provider + "/" + model;
        }
    }

    /**
     * @param baseUrlOf base URL of each provider (the simulator's, or a placeholder the router never calls)
     */
    public static Catalog of(List<Entry> entries, java.util.function.Function<String, String> baseUrlOf) {
        List<ProviderSpec> providers = new ArrayList<>();
        List<DeploymentSpec> deployments = new ArrayList<>();
        for (Entry e : entries) {
            providers.add(ProviderSpec.newBuilder()
                    .setName(e.provider())
                    .setApiFamily(ApiFamily.OPENAI_COMPATIBLE)
                    .setBaseUrl(baseUrlOf.apply(e.provider()))
                    .setRegion("us")
                    .build());
            deployments.add(DeploymentSpec.newBuilder()
                    .setId(e.deploymentId())
                    .setProvider(e.provider())
                    .setModel(e.model())
                    .setProviderModel(e.model())
                    .setGroups(List.of(Workload.GROUP))
                    .setTier(e.tier())
                    .setContextWindow(128_000)
                    .setMaxOutputTokens(null)
                    .setPrices(UnitPrices.newBuilder().setInputPerMillionMicros(e.inputPrice())
                            .setOutputPerMillionMicros(e.outputPrice()).build())
                    .setTimeoutMs(null)
                    .build());
        }
        return Catalog.newBuilder()
                .setVersion("bench-1")
                .setProviders(providers)
                .setDeployments(deployments)
                .setGroups(List.of(ModelGroup.newBuilder().setName(Workload.GROUP).setModels(List.of()).build()))
                .build();
    }

    /** One provider the router routes everything to (the passthrough ladder never calls it). */
    public static Catalog single(String provider) {
        return of(List.of(new Entry(provider, "model-a", Tier.PRIMARY, 150_000, 600_000)),
                p -> "http://127.0.0.1:9/" + p + "/v1");
    }
}
