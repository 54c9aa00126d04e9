package dev.detour.schemas.serde;

import dev.detour.schemas.serde.internal.CachingSchemaRegistryClient;
import dev.detour.schemas.serde.internal.InMemorySchemaRegistry;
import dev.detour.schemas.serde.internal.RestSchemaRegistryClient;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Registry clients by URL, as {@code schema.registry.url} names them. */
public final class SchemaRegistryClients {

    /** Prefix of in-memory registries; the rest of the URL is the scope they are shared by. */
    public static final String MOCK_PREFIX = "mock://";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final Map<String, InMemorySchemaRegistry> MOCKS = new ConcurrentHashMap<>();
    /**
     * One caching REST client per URL, credentials and timeout, shared by every serde of the JVM:
     * Kafka Streams builds serdes per task, and each would otherwise hold its own HTTP client,
     * selector thread and cache, asking the registry the same questions again.
     */
    private static final Map<RestKey, SchemaRegistryClient> REST_CLIENTS = new ConcurrentHashMap<>();

    private record RestKey(String urls, String basicUserInfo, Duration timeout) {
        @Override
        public String toString() {
            return "RestKey[" + urls + "]"; // never print the credentials
        }
    }

    private SchemaRegistryClients() {
    }

    /**
     * {@code mock://<scope>}: the in-memory registry of that scope, shared by every client in this
     * JVM that names it. {@code http(s)://host:port[,http(s)://...]}: a caching REST client, shared
     * by every caller naming the same URL (ids never change, so sharing the cache is safe).
     */
    public static SchemaRegistryClient forUrl(String url) {
        return forUrl(url, null, DEFAULT_TIMEOUT);
    }

    /**
     * As {@link #forUrl(String)}, with HTTP basic auth ({@code user:password}, as Confluent's
     * {@code basic.auth.user.info}) and a per-request timeout.
     */
    public static SchemaRegistryClient forUrl(String url, String basicUserInfo, Duration timeout) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("schema.registry.url is not set");
        }
        String trimmed = url.trim();
        if (trimmed.toLowerCase(Locale.ROOT).startsWith(MOCK_PREFIX)) {
            String scope = trimmed.substring(MOCK_PREFIX.length());
            return new CachingSchemaRegistryClient(MOCKS.computeIfAbsent(scope, s -> new InMemorySchemaRegistry()));
        }
        RestSchemaRegistryClient.parseUrls(trimmed); // fail fast on a malformed URL, before caching anything
        return REST_CLIENTS.computeIfAbsent(new RestKey(trimmed, basicUserInfo, timeout), key -> new CachingSchemaRegistryClient(
                new RestSchemaRegistryClient(RestSchemaRegistryClient.parseUrls(key.urls()), key.basicUserInfo(), key.timeout())));
    }

    /** Forgets the in-memory registry of a scope, so tests start empty. */
    public static void dropMock(String scope) {
        MOCKS.remove(scope);
    }

    /**
     * An empty {@code mock://} registry under a scope of its own (the label and a random suffix), for a
     * test or a demo; closing it forgets the registry (JUnit's {@code @AutoClose} on the field does that
     * after each test).
     */
    public static MockRegistry freshMock(String label) {
        String url = MOCK_PREFIX + label + "-" + java.util.UUID.randomUUID();
        return new MockRegistry(url, forUrl(url));
    }

    /** A {@code mock://} registry of its own scope: its URL, a client of it, and its end. */
    public record MockRegistry(String url, SchemaRegistryClient client) implements AutoCloseable {
        @Override
        public void close() {
            dropMock(url.substring(MOCK_PREFIX.length()));
        }
    }
}
