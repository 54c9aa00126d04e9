package dev.detour.router.policy;

import dev.detour.schema.BudgetState;
import dev.detour.schema.TenantPolicy;

/** What the policy reads about the world: catalog, health, drains, tenants, budgets and probe slots. */
public interface RoutingState {
    RoutingCatalog catalog();

    DeploymentHealth health(String deploymentId);

    boolean drained(String provider);

    /** The tenant's policy, or null for defaults. */
    TenantPolicy tenant(String tenant);

    /** The tenant's budget state, or null when unknown. */
    BudgetState budget(String tenant);

    boolean probeAvailable(String deploymentId, DeploymentHealth health, long nowMs);
}
