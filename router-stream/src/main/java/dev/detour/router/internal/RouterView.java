package dev.detour.router.internal;

import dev.detour.core.config.ConfigKeys;
import dev.detour.router.policy.DeploymentHealth;
import dev.detour.router.policy.ProbeLedger;
import dev.detour.router.policy.RoutingCatalog;
import dev.detour.router.policy.RoutingState;
import dev.detour.schema.BudgetState;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.CachedAnswer;
import dev.detour.schema.HealthSnapshot;
import dev.detour.schema.TenantPolicy;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy's view of the world, read from the global stores (config, health, budgets), so a change
 * there reaches the next decision. Two layers of caching keep that off the per-request cost:
 * <ul>
 *   <li>what was read is kept until the {@link GlobalStateVersion} moves (any global store changed), so
 *       while nothing changes a decision reads no store at all (with RocksDB global stores a read is a
 *       native call returning a fresh copy of the bytes);</li>
 *   <li>decoded values are cached against their bytes: once the version moved, an entry whose bytes did
 *       not change is not decoded again, a changed one is decoded once.</li>
 * </ul>
 */
final class RouterView implements RoutingState {
    private static final Logger log = LoggerFactory.getLogger(RouterView.class);

    static final String CATALOG_KEY = ConfigKeys.CATALOG;

    private final ReadOnlyKeyValueStore<String, byte[]> config;
    private final ReadOnlyKeyValueStore<String, byte[]> health;
    private final ReadOnlyKeyValueStore<String, byte[]> budgets;
    private final Deserializer<ConfigRecord> configDecoder;
    private final Deserializer<HealthSnapshot> healthDecoder;
    private final Deserializer<BudgetState> budgetDecoder;
    private final ProbeLedger probes;
    private final GlobalStateVersion stateVersion;
    private ReadOnlyKeyValueStore<String, byte[]> cache;
    private Deserializer<CachedAnswer> cacheDecoder;

    private final Decoded<RoutingCatalog> catalog = new Decoded<>();
    private final Map<String, Decoded<DeploymentHealth>> healthCache = new HashMap<>();
    private final Map<String, Decoded<ConfigRecord>> configCache = new HashMap<>();
    private final Map<String, Decoded<BudgetState>> budgetCache = new HashMap<>();

    /** What was read at {@link #readAtVersion}; null values are kept too (an absent entry is an answer). */
    private long readAtVersion = Long.MIN_VALUE;
    private RoutingCatalog catalogRead;
    private final Map<String, DeploymentHealth> healthRead = new HashMap<>();
    private final Map<String, ConfigRecord> configRead = new HashMap<>();
    private final Map<String, BudgetState> budgetRead = new HashMap<>();
    /** Config keys derived per tenant and provider, so a lookup does not build and hash a new string. */
    private final Map<String, String> tenantKeys = new HashMap<>();
    private final Map<String, String> drainKeys = new HashMap<>();
    /**
     * Tenant names come from requests: the maps keyed by them start over past this size, so a producer
     * sending ever new names costs decoding again, never unbounded memory.
     */
    static final int MAX_KEYED_ENTRIES = 10_000;

    RouterView(ReadOnlyKeyValueStore<String, byte[]> config, ReadOnlyKeyValueStore<String, byte[]> health,
               ReadOnlyKeyValueStore<String, byte[]> budgets, Deserializer<ConfigRecord> configDecoder,
               Deserializer<HealthSnapshot> healthDecoder, Deserializer<BudgetState> budgetDecoder, ProbeLedger probes,
               GlobalStateVersion stateVersion) {
        this.config = config;
        this.health = health;
        this.budgets = budgets;
        this.configDecoder = configDecoder;
        this.healthDecoder = healthDecoder;
        this.budgetDecoder = budgetDecoder;
        this.probes = probes;
        this.stateVersion = stateVersion;
    }

    /**
     * Forgets what was read when a global store changed since. The version is read before the stores,
     * and an updater writes its store before bumping the version, so a value read here is never older
     * than the version it is kept under.
     */
    private void sync() {
        long v = stateVersion.current();
        if (v != readAtVersion) {
            readAtVersion = v;
            catalogRead = null;
            healthRead.clear();
            configRead.clear();
            budgetRead.clear();
        }
    }

    @Override
    public RoutingCatalog catalog() {
        sync();
        if (catalogRead == null) {
            catalogRead = readCatalog();
        }
        return catalogRead;
    }

    private RoutingCatalog readCatalog() {
        RoutingCatalog c = catalog.get(config.get(CATALOG_KEY), bytes -> {
            ConfigRecord r = configDecoder.deserialize(null, bytes);
            return r.getCatalog() == null ? RoutingCatalog.empty() : RoutingCatalog.of(r.getCatalog());
        }, "catalog");
        return c == null ? RoutingCatalog.empty() : c;
    }

    @Override
    public DeploymentHealth health(String deploymentId) {
        sync();
        DeploymentHealth h = healthRead.get(deploymentId);
        if (h == null) {
            h = readHealth(deploymentId);
            healthRead.put(deploymentId, h);
        }
        return h;
    }

    private DeploymentHealth readHealth(String deploymentId) {
        DeploymentHealth h = healthCache.computeIfAbsent(deploymentId, k -> new Decoded<>())
                .get(health.get(deploymentId), bytes -> DeploymentHealth.of(healthDecoder.deserialize(null, bytes)),
                        "health of " + deploymentId);
        return h == null ? DeploymentHealth.unknown() : h;
    }

    @Override
    public boolean drained(String provider) {
        ConfigRecord r = configRecord(drainKeys.computeIfAbsent(provider, ConfigKeys::drain));
        return r != null && r.getDrain() != null && r.getDrain().getDrained();
    }

    @Override
    public TenantPolicy tenant(String tenant) {
        String key = tenantKeys.get(tenant);
        if (key == null) {
            startOverPastLimit(tenantKeys);
            key = ConfigKeys.tenant(tenant);
            tenantKeys.put(tenant, key);
        }
        ConfigRecord r = configRecord(key);
        return r == null ? null : r.getTenant();
    }

    @Override
    public BudgetState budget(String tenant) {
        sync();
        if (budgetRead.containsKey(tenant)) {
            return budgetRead.get(tenant);
        }
        BudgetState b = readBudget(tenant);
        startOverPastLimit(budgetRead);
        budgetRead.put(tenant, b);
        return b;
    }

    private BudgetState readBudget(String tenant) {
        startOverPastLimit(budgetCache);
        return budgetCache.computeIfAbsent(tenant, k -> new Decoded<>())
                .get(budgets.get(tenant), bytes -> budgetDecoder.deserialize(null, bytes), "budget of " + tenant);
    }

    /** The cached answer under {@code key}, or null (absent or undecodable). */
    CachedAnswer cached(String key) {
        if (cache == null) {
            return null;
        }
        byte[] bytes = cache.get(key);
        if (bytes == null) {
            return null;
        }
        try {
            return cacheDecoder.deserialize(null, bytes);
        } catch (RuntimeException e) {
            log.warn("ignoring undecodable cache entry {}: {}", key, e.toString());
            return null;
        }
    }

    void cache(ReadOnlyKeyValueStore<String, byte[]> store, Deserializer<CachedAnswer> decoder) {
        this.cache = store;
        this.cacheDecoder = decoder;
    }

    @Override
    public boolean probeAvailable(String deploymentId, DeploymentHealth h, long nowMs) {
        return probes.available(deploymentId, h.probeEpoch(), h.permittedProbes(), nowMs);
    }

    private ConfigRecord configRecord(String key) {
        sync();
        if (configRead.containsKey(key)) {
            return configRead.get(key);
        }
        ConfigRecord r = readConfigRecord(key);
        startOverPastLimit(configRead);
        configRead.put(key, r);
        return r;
    }

    private ConfigRecord readConfigRecord(String key) {
        startOverPastLimit(configCache);
        return configCache.computeIfAbsent(key, k -> new Decoded<>())
                .get(config.get(key), bytes -> configDecoder.deserialize(null, bytes), "config " + key);
    }

    /** Entries of every map keyed by a requested name (tests). */
    int keyedEntries() {
        return tenantKeys.size() + configCache.size() + configRead.size() + budgetCache.size() + budgetRead.size();
    }

    private static void startOverPastLimit(Map<String, ?> byRequestedName) {
        if (byRequestedName.size() >= MAX_KEYED_ENTRIES) {
            byRequestedName.clear();
        }
    }

    /** One cached decoded value and the bytes it came from. */
    private static final class Decoded<T> {
        private byte[] bytes;
        private T value;

        T get(byte[] current, Function<byte[], T> decode, String what) {
            if (current == null) {
                bytes = null;
                value = null;
                return null;
            }
            if (bytes != current && !Arrays.equals(bytes, current)) {
                bytes = current;
                try {
                    value = decode.apply(current);
                } catch (RuntimeException e) {
                    // A bad entry in a compacted topic must not stop routing: treat it as absent.
                    log.warn("ignoring undecodable {}: {}", what, e.toString());
                    value = null;
                }
            }
            return value;
        }
    }
}
