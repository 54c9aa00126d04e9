package dev.detour.ledger.spend;

import dev.detour.core.catalog.CatalogIndex;
import dev.detour.schema.Catalog;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.Tier;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The catalog seen as prices: which deployment was billed, and which deployments a requested model or group
 * stands for (the savings baseline). Resolution is the catalog index's, the same the router uses.
 */
public final class PriceSheet {

    private final CatalogIndex index;

    private PriceSheet(CatalogIndex index) {
        this.index = index;
    }

    public static PriceSheet of(Catalog catalog) {
        return new PriceSheet(CatalogIndex.of(catalog));
    }

    public static PriceSheet empty() {
        return of(Catalog.newBuilder().setVersion("none").build());
    }

    public String version() {
        return index.version();
    }

    /** The billed deployment: by id when it serves the billed model, else by provider and catalog model id. */
    public Optional<DeploymentSpec> billed(String deploymentId, String provider, String model) {
        Optional<DeploymentSpec> byId = index.deployment(deploymentId).filter(d -> d.getModel().equals(model));
        if (byId.isPresent()) {
            return byId;
        }
        return index.deploymentsOfProvider(provider).stream().filter(d -> d.getModel().equals(model)).findFirst();
    }

    /**
     * Deployments the request asked for: a group, else a catalog model id (its equivalents across providers),
     * else a deployment id. Only PRIMARY-tier ones when there are any, because the baseline is what the caller
     * would have used without fallbacks or cheaper tiers.
     */
    public List<DeploymentSpec> requested(String requestedModel) {
        List<DeploymentSpec> found = index.resolve(requestedModel);
        if (found.isEmpty()) {
            found = index.deployment(requestedModel).map(List::of).orElse(List.of());
        }
        List<DeploymentSpec> primary = found.stream().filter(d -> d.getTier() == Tier.PRIMARY).toList();
        List<DeploymentSpec> chosen = primary.isEmpty() ? found : primary;
        return chosen.stream().sorted(Comparator.comparing(DeploymentSpec::getId)).toList();
    }
}
