package dev.detour.ledger;

import dev.detour.schema.BudgetLevel;
import dev.detour.schema.BudgetState;

import java.util.Arrays;
import java.util.List;

/**
 * Budget state of a tenant as the ledger last evaluated it; the Avro {@link BudgetState} is what the router reads
 * from detour.budgets. {@code limitMicros} is null when the tenant has no budget.
 */
public record BudgetStatus(String tenant, String level, String period, long spentMicros, Long limitMicros, long updatedAtMs)
        implements Tabular {

    public BudgetState toAvro() {
        return BudgetState.newBuilder().setTenant(tenant).setLevel(BudgetLevel.valueOf(level)).setPeriod(period)
                .setSpentMicros(spentMicros).setLimitMicros(limitMicros).setUpdatedAtMs(updatedAtMs).build();
    }

    /** Same level, period and limit: nothing the router needs to hear about. */
    public boolean sameDecision(BudgetStatus other) {
        return other != null && level.equals(other.level) && period.equals(other.period)
                && java.util.Objects.equals(limitMicros, other.limitMicros);
    }

    @Override
    public List<String> tableColumns() {
        return List.of("tenant", "level", "period", "spentMicros", "limitMicros", "updatedAtMs");
    }

    @Override
    public List<List<Object>> tableRows() {
        return List.of(Arrays.asList(tenant, level, period, spentMicros, limitMicros, updatedAtMs));
    }
}
