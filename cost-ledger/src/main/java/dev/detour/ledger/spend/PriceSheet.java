package dev.detour.ledger.spend;

import dev.detour.schema.Catalog;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.ModelGroup;
import dev.detour.schema.Tier;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The catalog seen as prices: which deployment was billed, and which deployments a requested model or group
 * stands for (the savings baseline). Built once per catalog version.
 */
public final class PriceSheet {

    private final Catalog catalog;

    private PriceSheet(Catalog catalog) {
        this.catalog = catalog;
    }

    public static PriceSheet of(Catalog catalog) {
        return new PriceSheet(catalog);
    }

    public static PriceSheet empty() {
        return new PriceSheet(Catalog.newBuilder().setVersion("none").build());
    }

    public String version() {
        return catalog.getVersion();
    }

    public Catalog catalog() {
        return catalog;
    }

    /** The billed deployment: by id first, else by provider and catalog model id. */
    public Optional<DeploymentSpec> billed(String deploymentId, String provider, String model) {
        for (DeploymentSpec d : catalog.getDeployments()) {
            if (d.getId().equals(deploymentId) && d.getModel().equals(model)) {
                return Optional.of(d);
            }
        }
        for (DeploymentSpec d : catalog.getDeployments()) {
            if (d.getProvider().equals(provider) && d.getModel().equals(model)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /**
     * Deployments the request asked for: a group name (deployments tagged with the group, or serving one of
     * its models), else a catalog model id, else a deployment id. Only PRIMARY-tier ones when there are any,
     * because the baseline is what the caller would have used without fallbacks.
     */
    public List<DeploymentSpec> requested(String requestedModel) {
        List<DeploymentSpec> found = new ArrayList<>();
        Optional<ModelGroup> group = catalog.getGroups().stream().filter(g -> g.getName().equals(requestedModel)).findFirst();
        for (DeploymentSpec d : catalog.getDeployments()) {
            boolean inGroup = group.isPresent()
                    && (d.getGroups().contains(requestedModel) || group.get().getModels().contains(d.getModel()));
            if (inGroup) {
                found.add(d);
            }
        }
        if (found.isEmpty()) {
            for (DeploymentSpec d : catalog.getDeployments()) {
                if (d.getModel().equals(requestedModel) || d.getId().equals(requestedModel)) {
                    found.add(d);
                }
            }
        }
        List<DeploymentSpec> primary = found.stream().filter(d -> d.getTier() == Tier.PRIMARY).toList();
        List<DeploymentSpec> chosen = primary.isEmpty() ? found : primary;
        return chosen.stream().sorted(Comparator.comparing(DeploymentSpec::getId)).toList();
    }
}
