package dev.detour.core.catalog;

import dev.detour.schema.Catalog;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.ModelGroup;
import dev.detour.schema.ProviderLimits;
import dev.detour.schema.ProviderSpec;
import dev.detour.schema.UnitPrices;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Consistency rules of a {@link Catalog}, whether it came from a YAML file or from detour.config (a
 * reader of the config topic should check a catalog before acting on it). Problems are values with the
 * offending key; the caller decides whether to throw.
 */
public final class CatalogValidator {

    private CatalogValidator() {}

    /** Host names of base URLs are resolved with the JVM's resolver (see {@link BaseUrlPolicy}). */
    public static List<CatalogProblem> problems(Catalog catalog, boolean allowPrivateBaseUrl) {
        return problems(catalog, allowPrivateBaseUrl, BaseUrlPolicy.HostResolver.SYSTEM);
    }

    public static List<CatalogProblem> problems(Catalog catalog, boolean allowPrivateBaseUrl, BaseUrlPolicy.HostResolver resolver) {
        List<CatalogProblem> out = new ArrayList<>();
        if (catalog.getVersion() == null || catalog.getVersion().isBlank()) {
            out.add(new CatalogProblem("version", "required"));
        }
        Set<String> providers = new HashSet<>();
        List<ProviderSpec> ps = catalog.getProviders();
        for (int i = 0; i < ps.size(); i++) {
            ProviderSpec p = ps.get(i);
            String key = "providers[" + i + "]";
            String name = p.getName();
            if (name == null || name.isBlank()) {
                out.add(new CatalogProblem(key + ".name", "required"));
                continue;
            }
            key = "providers[" + i + "](" + name + ")";
            if (!name.matches("[a-z0-9][a-z0-9._-]*")) {
                out.add(new CatalogProblem(key + ".name", "must be lower-case letters, digits, '.', '_' or '-' (it names a Kafka topic)"));
            }
            if (!providers.add(name)) {
                out.add(new CatalogProblem(key + ".name", "duplicate provider '" + name + "'"));
            }
            final String k = key;
            BaseUrlPolicy.problem(p.getBaseUrl(), allowPrivateBaseUrl, resolver).ifPresent(msg -> out.add(new CatalogProblem(k + ".baseUrl", msg)));
            if (p.getTimeoutMs() != null && p.getTimeoutMs() <= 0) {
                out.add(new CatalogProblem(key + ".timeoutMs", "must be positive"));
            }
            ProviderLimits l = p.getLimits();
            if (l != null) {
                if (l.getRequestsPerMinute() != null && l.getRequestsPerMinute() <= 0) {
                    out.add(new CatalogProblem(key + ".limits.rpm", "must be positive"));
                }
                if (l.getTokensPerMinute() != null && l.getTokensPerMinute() <= 0) {
                    out.add(new CatalogProblem(key + ".limits.tpm", "must be positive"));
                }
                if (l.getMaxInFlight() != null && l.getMaxInFlight() <= 0) {
                    out.add(new CatalogProblem(key + ".limits.maxInFlight", "must be positive"));
                }
            }
        }

        Set<String> ids = new HashSet<>();
        Set<String> models = new HashSet<>();
        Set<String> groupNames = new HashSet<>();
        for (ModelGroup g : catalog.getGroups()) {
            groupNames.add(g.getName());
        }
        List<DeploymentSpec> ds = catalog.getDeployments();
        for (int i = 0; i < ds.size(); i++) {
            DeploymentSpec d = ds.get(i);
            String key = "deployments[" + i + "]" + (d.getId() == null || d.getId().isBlank() ? "" : "(" + d.getId() + ")");
            if (d.getId() == null || d.getId().isBlank()) {
                out.add(new CatalogProblem(key + ".id", "required"));
            } else if (!ids.add(d.getId())) {
                out.add(new CatalogProblem(key + ".id", "duplicate deployment id '" + d.getId() + "'"));
            }
            if (d.getProvider() == null || d.getProvider().isBlank()) {
                out.add(new CatalogProblem(key + ".provider", "required"));
            } else {
                if (!providers.contains(d.getProvider())) {
                    out.add(new CatalogProblem(key + ".provider", "unknown provider '" + d.getProvider() + "'"));
                }
                if (d.getId() != null && !d.getId().startsWith(d.getProvider() + "/")) {
                    out.add(new CatalogProblem(key + ".id", "must start with '" + d.getProvider() + "/' (ids are provider/model)"));
                }
            }
            if (d.getModel() == null || d.getModel().isBlank()) {
                out.add(new CatalogProblem(key + ".model", "required"));
            } else {
                models.add(d.getModel());
            }
            if (d.getProviderModel() == null || d.getProviderModel().isBlank()) {
                out.add(new CatalogProblem(key + ".providerModel", "required"));
            }
            if (d.getContextWindow() < 0) {
                out.add(new CatalogProblem(key + ".contextWindow", "must not be negative"));
            }
            if (d.getMaxOutputTokens() != null && d.getMaxOutputTokens() <= 0) {
                out.add(new CatalogProblem(key + ".maxOutputTokens", "must be positive"));
            }
            if (d.getTimeoutMs() != null && d.getTimeoutMs() <= 0) {
                out.add(new CatalogProblem(key + ".timeoutMs", "must be positive"));
            }
            UnitPrices pr = d.getPrices();
            if (pr == null) {
                out.add(new CatalogProblem(key + ".prices", "required"));
            } else {
                negative(out, key + ".prices.input", pr.getInputPerMillionMicros());
                negative(out, key + ".prices.output", pr.getOutputPerMillionMicros());
                negative(out, key + ".prices.cachedRead", pr.getCachedReadPerMillionMicros());
                negative(out, key + ".prices.cacheWrite", pr.getCacheWritePerMillionMicros());
            }
            for (String g : d.getGroups()) {
                if (!groupNames.contains(g)) {
                    out.add(new CatalogProblem(key + ".groups", "unknown group '" + g + "'"));
                }
            }
        }

        Set<String> seenGroups = new HashSet<>();
        List<ModelGroup> gs = catalog.getGroups();
        for (int i = 0; i < gs.size(); i++) {
            ModelGroup g = gs.get(i);
            String key = "groups[" + i + "]";
            if (g.getName() == null || g.getName().isBlank()) {
                out.add(new CatalogProblem(key + ".name", "required"));
                continue;
            }
            key = key + "(" + g.getName() + ")";
            if (!seenGroups.add(g.getName())) {
                out.add(new CatalogProblem(key + ".name", "duplicate group '" + g.getName() + "'"));
            }
            for (String m : g.getModels()) {
                if (!models.contains(m)) {
                    out.add(new CatalogProblem(key + ".models", "unknown model '" + m + "' (no deployment serves it)"));
                }
            }
        }
        return out;
    }

    private static void negative(List<CatalogProblem> out, String key, long value) {
        if (value < 0) {
            out.add(new CatalogProblem(key, "must not be negative"));
        }
    }
}
