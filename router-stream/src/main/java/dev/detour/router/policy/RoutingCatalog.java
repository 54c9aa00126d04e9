package dev.detour.router.policy;

import dev.detour.core.catalog.CatalogIndex;
import dev.detour.schema.Catalog;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.ProviderSpec;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The router's view of the {@link Catalog}: which deployments serve a model id or a group, and where
 * their providers are. A thin facade over {@link CatalogIndex}, so the policy depends on the three
 * questions it asks rather than on the whole index.
 */
public final class RoutingCatalog {
    private static final RoutingCatalog EMPTY = new RoutingCatalog(
            CatalogIndex.of(Catalog.newBuilder().setVersion("").build()));

    private final CatalogIndex index;

    private RoutingCatalog(CatalogIndex index) {
        this.index = index;
    }

    public static RoutingCatalog empty() {
        return EMPTY;
    }

    public static RoutingCatalog of(Catalog catalog) {
        return new RoutingCatalog(CatalogIndex.of(catalog));
    }

    public boolean isEmpty() {
        return index.deployments().isEmpty();
    }

    public String version() {
        return index.version();
    }

    /** Whether the name is a catalog model id or a group. */
    public boolean knows(String modelOrGroup) {
        return index.isKnownModelOrGroup(modelOrGroup);
    }

    /** Deployments serving a group (first) or a model id; fallback order of the catalog. */
    public List<DeploymentSpec> serving(String modelOrGroup) {
        return index.resolve(modelOrGroup);
    }

    public Optional<DeploymentSpec> deployment(String id) {
        return index.deployment(id);
    }

    public Optional<ProviderSpec> provider(String name) {
        return index.provider(name);
    }

    /** Region of the deployment's provider ("global" when the provider is not described). */
    public String region(DeploymentSpec d) {
        return index.provider(d.getProvider()).map(ProviderSpec::getRegion).orElse("global");
    }

    public Collection<String> providerNames() {
        Set<String> names = new LinkedHashSet<>();
        index.providers().forEach(p -> names.add(p.getName()));
        index.deployments().forEach(d -> names.add(d.getProvider()));
        return names;
    }
}
