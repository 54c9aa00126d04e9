package dev.detour.worker;

import dev.detour.core.catalog.CatalogIndex;
import dev.detour.schema.Catalog;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.ProviderSpec;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What the worker needs from the catalog: a deployment's prices and timeout, a provider's limits
 * and timeout. Looked up per call, so an implementation backed by the live {@code detour.config}
 * table sees catalog changes without a restart.
 */
public interface DeploymentCatalog {

    Optional<DeploymentSpec> deployment(String deploymentId);

    Optional<ProviderSpec> provider(String name);

    /** A fixed catalog. */
    static DeploymentCatalog of(Catalog catalog) {
        Map<String, DeploymentSpec> deployments = catalog.getDeployments().stream()
                .collect(Collectors.toUnmodifiableMap(DeploymentSpec::getId, Function.identity(), (a, b) -> b));
        Map<String, ProviderSpec> providers = catalog.getProviders().stream()
                .collect(Collectors.toUnmodifiableMap(ProviderSpec::getName, Function.identity(), (a, b) -> b));
        return new DeploymentCatalog() {
            @Override
            public Optional<DeploymentSpec> deployment(String id) {
                return Optional.ofNullable(deployments.get(id));
            }

            @Override
            public Optional<ProviderSpec> provider(String name) {
                return Optional.ofNullable(providers.get(name));
            }
        };
    }

    /** The core's index of a loaded catalog. */
    static DeploymentCatalog of(CatalogIndex index) {
        return new DeploymentCatalog() {
            @Override
            public Optional<DeploymentSpec> deployment(String id) {
                return index.deployment(id);
            }

            @Override
            public Optional<ProviderSpec> provider(String name) {
                return index.provider(name);
            }
        };
    }

    /** A catalog that follows whatever the supplier currently returns (e.g. the latest config record). */
    static DeploymentCatalog following(Supplier<Catalog> current) {
        return new DeploymentCatalog() {
            private Catalog seen;
            private DeploymentCatalog view = of(Catalog.newBuilder().setVersion("empty").build());

            private synchronized DeploymentCatalog view() {
                Catalog now = current.get();
                if (now != null && now != seen) {
                    seen = now;
                    view = of(now);
                }
                return view;
            }

            @Override
            public Optional<DeploymentSpec> deployment(String id) {
                return view().deployment(id);
            }

            @Override
            public Optional<ProviderSpec> provider(String name) {
                return view().provider(name);
            }
        };
    }
}
