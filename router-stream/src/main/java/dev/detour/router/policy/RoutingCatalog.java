package dev.detour.router.policy;

import dev.detour.schema.Catalog;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.ModelGroup;
import dev.detour.schema.ProviderSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The router's lookup view of the {@link Catalog}: which deployments serve a model id or a group.
 *
 * <p>Small on purpose: when {@code dev.detour.core.catalog.CatalogIndex} lands, this class can delegate
 * to it or be replaced by it; the policy only uses {@link #serving}, {@link #knows} and {@link #region}.
 */
public final class RoutingCatalog {
    private static final RoutingCatalog EMPTY = new RoutingCatalog("", Map.of(), List.of(), Map.of());

    private final String version;
    private final Map<String, ProviderSpec> providers;
    private final List<DeploymentSpec> deployments;
    private final Map<String, List<DeploymentSpec>> byModelOrGroup;

    private RoutingCatalog(String version, Map<String, ProviderSpec> providers, List<DeploymentSpec> deployments,
                           Map<String, List<DeploymentSpec>> byModelOrGroup) {
        this.version = version;
        this.providers = providers;
        this.deployments = deployments;
        this.byModelOrGroup = byModelOrGroup;
    }

    public static RoutingCatalog empty() {
        return EMPTY;
    }

    public static RoutingCatalog of(Catalog catalog) {
        Map<String, ProviderSpec> providers = new LinkedHashMap<>();
        for (ProviderSpec p : catalog.getProviders()) {
            providers.put(p.getName(), p);
        }
        // Deterministic order: by deployment id, whatever the catalog's order.
        List<DeploymentSpec> deployments = new ArrayList<>(catalog.getDeployments());
        deployments.sort(java.util.Comparator.comparing(DeploymentSpec::getId));
        Map<String, Set<DeploymentSpec>> index = new LinkedHashMap<>();
        for (DeploymentSpec d : deployments) {
            index.computeIfAbsent(d.getModel(), k -> new LinkedHashSet<>()).add(d);
            for (String g : d.getGroups()) {
                index.computeIfAbsent(g, k -> new LinkedHashSet<>()).add(d);
            }
        }
        for (ModelGroup g : catalog.getGroups()) {
            Set<DeploymentSpec> members = index.computeIfAbsent(g.getName(), k -> new LinkedHashSet<>());
            for (String model : g.getModels()) {
                for (DeploymentSpec d : deployments) {
                    if (d.getModel().equals(model)) {
                        members.add(d);
                    }
                }
            }
        }
        Map<String, List<DeploymentSpec>> byName = new LinkedHashMap<>();
        index.forEach((k, v) -> byName.put(k, v.stream()
                .sorted(java.util.Comparator.comparing(DeploymentSpec::getId)).toList()));
        return new RoutingCatalog(catalog.getVersion(), Map.copyOf(providers), List.copyOf(deployments), Map.copyOf(byName));
    }

    public boolean isEmpty() {
        return deployments.isEmpty();
    }

    public String version() {
        return version;
    }

    /** Whether the name is a catalog model id or a group. */
    public boolean knows(String modelOrGroup) {
        return byModelOrGroup.containsKey(modelOrGroup);
    }

    /** Deployments serving a model id or a group, ordered by deployment id. */
    public List<DeploymentSpec> serving(String modelOrGroup) {
        return byModelOrGroup.getOrDefault(modelOrGroup, List.of());
    }

    public Optional<ProviderSpec> provider(String name) {
        return Optional.ofNullable(providers.get(name));
    }

    /** Region of the deployment's provider ("global" when the provider is not described). */
    public String region(DeploymentSpec d) {
        ProviderSpec p = providers.get(d.getProvider());
        return p == null ? "global" : p.getRegion();
    }

    public Collection<String> providerNames() {
        Set<String> names = new LinkedHashSet<>(providers.keySet());
        deployments.forEach(d -> names.add(d.getProvider()));
        return names;
    }

    public List<DeploymentSpec> deployments() {
        return deployments;
    }
}
