package dev.detour.core.catalog;

import dev.detour.schema.Catalog;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.ModelGroup;
import dev.detour.schema.ProviderSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Read-only lookups over a {@link Catalog}. Built once per catalog version (cheap: a few maps), shared
 * by threads. Lists of deployments come in fallback order: tier first (primary, secondary, tertiary),
 * then the order of the catalog file, so "the first healthy one" is a sensible default.
 *
 * <p>The Avro records handed out belong to the catalog; callers must not modify them.
 */
public final class CatalogIndex {

    private static final Comparator<DeploymentSpec> FALLBACK_ORDER = Comparator.comparing(DeploymentSpec::getTier);

    private final Catalog catalog;
    private final Map<String, ProviderSpec> providers = new LinkedHashMap<>();
    private final Map<String, DeploymentSpec> deployments = new LinkedHashMap<>();
    private final Map<String, List<DeploymentSpec>> byModel = new LinkedHashMap<>();
    private final Map<String, List<DeploymentSpec>> byProvider = new LinkedHashMap<>();
    private final Map<String, ModelGroup> groups = new LinkedHashMap<>();
    private final Map<String, List<DeploymentSpec>> byGroup = new LinkedHashMap<>();

    private CatalogIndex(Catalog catalog) {
        this.catalog = catalog;
        for (ProviderSpec p : catalog.getProviders()) {
            providers.putIfAbsent(p.getName(), p);
        }
        for (DeploymentSpec d : catalog.getDeployments()) {
            deployments.putIfAbsent(d.getId(), d);
            byModel.computeIfAbsent(d.getModel(), k -> new ArrayList<>()).add(d);
            byProvider.computeIfAbsent(d.getProvider(), k -> new ArrayList<>()).add(d);
        }
        byModel.replaceAll((k, v) -> sorted(v));
        byProvider.replaceAll((k, v) -> List.copyOf(v));
        for (ModelGroup g : catalog.getGroups()) {
            groups.putIfAbsent(g.getName(), g);
        }
        for (ModelGroup g : groups.values()) {
            Set<DeploymentSpec> members = new LinkedHashSet<>();
            for (String model : g.getModels()) {
                members.addAll(byModel.getOrDefault(model, List.of()));
            }
            byGroup.put(g.getName(), sorted(new ArrayList<>(members)));
        }
        // A deployment may name a group its models list does not (a Catalog built in code, not loaded).
        for (DeploymentSpec d : catalog.getDeployments()) {
            for (String g : d.getGroups()) {
                List<DeploymentSpec> list = byGroup.getOrDefault(g, List.of());
                if (!list.contains(d)) {
                    List<DeploymentSpec> grown = new ArrayList<>(list);
                    grown.add(d);
                    byGroup.put(g, sorted(grown));
                }
            }
        }
    }

    public static CatalogIndex of(Catalog catalog) {
        return new CatalogIndex(catalog);
    }

    public Catalog catalog() {
        return catalog;
    }

    public String version() {
        return catalog.getVersion();
    }

    /** Deployments serving exactly this catalog model id (its equivalents across providers). */
    public List<DeploymentSpec> deploymentsForModel(String model) {
        return byModel.getOrDefault(model, List.of());
    }

    /** Deployments of every model in the group. */
    public List<DeploymentSpec> deploymentsForGroup(String group) {
        return byGroup.getOrDefault(group, List.of());
    }

    /**
     * What a request's "model" field may name: a group first (groups are the classes requests ask for),
     * otherwise a model id. Empty when it names neither.
     */
    public List<DeploymentSpec> resolve(String modelOrGroup) {
        if (byGroup.containsKey(modelOrGroup)) {
            return byGroup.get(modelOrGroup);
        }
        return deploymentsForModel(modelOrGroup);
    }

    public List<DeploymentSpec> deploymentsOfProvider(String provider) {
        return byProvider.getOrDefault(provider, List.of());
    }

    public Optional<DeploymentSpec> deployment(String id) {
        return Optional.ofNullable(deployments.get(id));
    }

    public Optional<ProviderSpec> provider(String name) {
        return Optional.ofNullable(providers.get(name));
    }

    public Optional<ModelGroup> group(String name) {
        return Optional.ofNullable(groups.get(name));
    }

    public boolean isKnownModel(String model) {
        return byModel.containsKey(model);
    }

    public boolean isGroup(String name) {
        return byGroup.containsKey(name);
    }

    /** Whether a request may ask for this name: a model id or a group. */
    public boolean isKnownModelOrGroup(String name) {
        return isKnownModel(name) || isGroup(name);
    }

    public Set<String> models() {
        return java.util.Collections.unmodifiableSet(byModel.keySet());
    }

    public Collection<ProviderSpec> providers() {
        return java.util.Collections.unmodifiableCollection(providers.values());
    }

    public Collection<DeploymentSpec> deployments() {
        return java.util.Collections.unmodifiableCollection(deployments.values());
    }

    public Collection<ModelGroup> groups() {
        return java.util.Collections.unmodifiableCollection(groups.values());
    }

    private static List<DeploymentSpec> sorted(List<DeploymentSpec> list) {
        List<DeploymentSpec> copy = new ArrayList<>(list);
        copy.sort(FALLBACK_ORDER); // stable: keeps file order within a tier
        return List.copyOf(copy);
    }
}
