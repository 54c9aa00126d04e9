package dev.detour.ledger.budget;

import dev.detour.schema.TenantPolicy;

/** A tenant's spending limits in micro-dollars; null means no limit for that period. */
public record BudgetLimits(Long dailyMicros, Long monthlyMicros) {

    public static final BudgetLimits NONE = new BudgetLimits(null, null);

    public static BudgetLimits of(TenantPolicy policy) {
        return policy == null ? NONE : new BudgetLimits(policy.getDailyBudgetMicros(), policy.getMonthlyBudgetMicros());
    }

    public boolean any() {
        return dailyMicros != null || monthlyMicros != null;
    }
}
