package dev.detour.worker;

import dev.detour.providers.ApiKeySource;
import dev.detour.providers.ProviderAdapter;
import dev.detour.providers.ProviderAdapters;
import dev.detour.schema.ProviderSpec;
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
     * spec's keyEnv / keyFile, a key pool when that is a directory or numbered variables), made on first
     * use and shared; every adapter uses the one HTTP client. A provider whose spec changes in a newer
     * catalog gets a new adapter. A base URL the policy refuses (link-local, metadata service, not
     * http(s)) gives no adapter: the call is refused here, at call time, and the attempt fails over
     * instead of a key being sent there.
     */
    static AdapterRegistry forCatalog(DeploymentCatalog catalog, HttpClient http) {
        record Built(ProviderSpec spec, ProviderAdapter adapter) {}
        Map<String, Built> made = new ConcurrentHashMap<>();
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AdapterRegistry.class);
        return provider -> catalog.provider(provider).flatMap(spec -> Optional.ofNullable(made.compute(provider, (name, built) -> {
            if (built != null && built.spec().equals(spec)) {
                return built;
            }
            try {
                return new Built(spec, ProviderAdapters.create(spec, ApiKeySource.of(spec), http));
            } catch (IllegalArgumentException refused) {
                log.warn("provider {} refused: {}", name, refused.getMessage());
                return new Built(spec, null);
            }
        }).adapter()));
    }
}
