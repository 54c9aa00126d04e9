package dev.detour.providers;

import dev.detour.core.catalog.BaseUrlPolicy;
import dev.detour.providers.internal.AnthropicMessagesAdapter;
import dev.detour.providers.internal.GeminiGenerateContentAdapter;
import dev.detour.providers.internal.GuardedHttpClient;
import dev.detour.providers.internal.OpenAiChatAdapter;
import dev.detour.schema.ProviderSpec;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Builds the adapter for a catalog provider. The base URL comes from the {@link ProviderSpec} (that is,
 * from configuration), and is checked again here against link-local and metadata addresses: an adapter
 * sends API keys to it.
 */
public final class ProviderAdapters {

    private ProviderAdapters() {}

    public static ProviderAdapter create(ProviderSpec spec, ApiKeySource keys, HttpClient http) {
        return create(spec, keys, http, Clock.systemUTC(), false);
    }

    /**
     * @param allowPrivateBaseUrl the catalog's {@code allowPrivateBaseUrl}: accept link-local and
     *                            metadata addresses
     */
    public static ProviderAdapter create(ProviderSpec spec, ApiKeySource keys, HttpClient http, Clock clock, boolean allowPrivateBaseUrl) {
        return create(spec, keys, http, clock, allowPrivateBaseUrl, BaseUrlPolicy.HostResolver.SYSTEM);
    }

    /**
     * @param resolver how host names are resolved, at creation and again right before every request
     *                 (unless private base URLs are allowed): a name that resolves to a link-local or
     *                 metadata address gets no adapter, and a name that starts resolving to one later
     *                 (DNS rebinding) gets no request; tests pass their own resolver
     */
    public static ProviderAdapter create(ProviderSpec spec, ApiKeySource keys, HttpClient http, Clock clock, boolean allowPrivateBaseUrl,
                                         BaseUrlPolicy.HostResolver resolver) {
        BaseUrlPolicy.problem(spec.getBaseUrl(), allowPrivateBaseUrl, resolver).ifPresent(problem -> {
            throw new IllegalArgumentException("provider " + spec.getName() + ": " + problem);
        });
        if (!allowPrivateBaseUrl) {
            http = new GuardedHttpClient(http, resolver);
        }
        return switch (spec.getApiFamily()) {
            case OPENAI -> new OpenAiChatAdapter(spec, keys, http, clock, OpenAiChatAdapter.Flavor.OPENAI);
            case AZURE_OPENAI -> new OpenAiChatAdapter(spec, keys, http, clock, OpenAiChatAdapter.Flavor.AZURE);
            case OPENAI_COMPATIBLE -> new OpenAiChatAdapter(spec, keys, http, clock, OpenAiChatAdapter.Flavor.COMPATIBLE);
            case ANTHROPIC -> new AnthropicMessagesAdapter(spec, keys, http, clock);
            case GEMINI -> new GeminiGenerateContentAdapter(spec, keys, http, clock);
        };
    }

    /**
     * One adapter per provider of a catalog, by provider name.
     *
     * @param keys where each provider's key comes from: {@code ApiKeySource::of} in production (env or
     *             file as the catalog says), a literal for the demo against the simulator
     */
    public static Map<String, ProviderAdapter> forCatalog(dev.detour.schema.Catalog catalog, Function<ProviderSpec, ApiKeySource> keys,
                                                          HttpClient http) {
        Map<String, ProviderAdapter> out = new LinkedHashMap<>();
        for (ProviderSpec p : catalog.getProviders()) {
            out.put(p.getName(), create(p, keys.apply(p), http));
        }
        return Map.copyOf(out);
    }

    /**
     * The HTTP client adapters should share: HTTP/2 where the server offers it (over TLS via ALPN; plain
     * http stays on HTTP/1.1), a connect timeout, and no redirects, because a redirect could carry the
     * key's header to a host the configuration never named.
     */
    public static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }
}
