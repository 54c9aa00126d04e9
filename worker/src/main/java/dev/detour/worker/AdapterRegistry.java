package dev.detour.worker;

import dev.detour.providers.ApiKeySource;
import dev.detour.providers.ProviderAdapter;
import dev.detour.providers.ProviderAdapters;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the worker gets the adapter of a provider. Adapters carry the keys (read from env or files
 * by the providers module); the worker only ever sees the adapter.
 */
@FunctionalInterface
public interface AdapterRegistry {

    Optional<ProviderAdapter> adapterFor(String provider);

    static AdapterRegistry of(Map<String, ? extends ProviderAdapter> adapters) {
        Map<String, ProviderAdapter> copy = Map.copyOf(adapters);
        return provider -> Optional.ofNullable(copy.get(provider));
    }

    /**
     * Adapters built from the catalog's provider specs (base URL from configuration, key from the
     * spec's keyEnv / keyFile), made on first use and shared; every adapter uses the one HTTP client.
     */
    static AdapterRegistry forCatalog(DeploymentCatalog catalog, HttpClient http) {
        Map<String, ProviderAdapter> made = new ConcurrentHashMap<>();
        return provider -> Optional.ofNullable(made.computeIfAbsent(provider, name -> catalog.provider(name)
                .map(spec -> ProviderAdapters.create(spec, ApiKeySource.of(spec), http))
                .orElse(null)));
    }
}
