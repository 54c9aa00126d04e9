package dev.detour.worker;

import dev.detour.providers.ProviderAdapter;
import java.util.Map;
import java.util.Optional;

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
}
