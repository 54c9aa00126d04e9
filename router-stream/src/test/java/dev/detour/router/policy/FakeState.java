package dev.detour.router.policy;

import dev.detour.schema.BudgetState;
import dev.detour.schema.Catalog;
import dev.detour.schema.CircuitState;
import dev.detour.schema.TenantPolicy;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** A hand-set world for policy tests. */
final class FakeState implements RoutingState {
    RoutingCatalog catalog;
    final Map<String, DeploymentHealth> health = new HashMap<>();
    final Set<String> drained = new HashSet<>();
    TenantPolicy tenant;
    BudgetState budget;
    boolean probesFree = true;

    FakeState(Catalog catalog) {
        this.catalog = RoutingCatalog.of(catalog);
    }

    static DeploymentHealth healthy(long p50, long p99) {
        return new DeploymentHealth(CircuitState.CLOSED, 0, 0, 2, 100, 0.0, 0.0, p50, p99, 0);
    }

    static DeploymentHealth failing(double errorRate) {
        return new DeploymentHealth(CircuitState.CLOSED, 0, 0, 2, 100, errorRate, 0.0, 500, 900, 0);
    }

    static DeploymentHealth pressured(double pressure) {
        return new DeploymentHealth(CircuitState.CLOSED, 0, 0, 2, 100, 0.0, pressure, 500, 900, 0);
    }

    static DeploymentHealth open(long until) {
        return new DeploymentHealth(CircuitState.OPEN, until - 5_000, until, 2, 10, 1.0, 0.0, -1, -1, 0);
    }

    @Override public RoutingCatalog catalog() { return catalog; }
    @Override public DeploymentHealth health(String id) { return health.getOrDefault(id, DeploymentHealth.unknown()); }
    @Override public boolean drained(String provider) { return drained.contains(provider); }
    @Override public TenantPolicy tenant(String t) { return tenant; }
    @Override public BudgetState budget(String t) { return budget; }
    @Override public boolean probeAvailable(String id, DeploymentHealth h, long now) { return probesFree; }
}
