package dev.detour.ledger;

import dev.detour.ledger.spend.SpendTotals;

import java.util.Arrays;
import java.util.List;

/** One group of a spend report; a dimension not grouped by is null. Money in micro-dollars. */
public record SpendRow(
        String tenant,
        String day,
        String provider,
        String model,
        long attempts,
        long inputTokens,
        long outputTokens,
        long cachedReadTokens,
        long cacheWriteTokens,
        long reasoningTokens,
        long costMicros,
        long baselineMicros,
        long savingsMicros,
        long cachedAnswers,
        long workerCostMicros,
        long workerDisagreements) {

    static final List<String> COLUMNS = List.of("tenant", "day", "provider", "model", "attempts", "inputTokens", "outputTokens",
            "cachedReadTokens", "cacheWriteTokens", "reasoningTokens", "costMicros", "baselineMicros", "savingsMicros",
            "cachedAnswers", "workerCostMicros", "workerDisagreements");

    public static SpendRow of(String tenant, String day, String provider, String model, SpendTotals t) {
        return new SpendRow(tenant, day, provider, model, t.attempts(), t.inputTokens(), t.outputTokens(), t.cachedReadTokens(),
                t.cacheWriteTokens(), t.reasoningTokens(), t.costMicros(), t.baselineMicros(), t.savingsMicros(),
                t.cachedAnswers(), t.workerCostMicros(), t.workerDisagreements());
    }

    /** The totals of this row (savings is derived, so it is not carried). */
    public SpendTotals totals() {
        return new SpendTotals(attempts, inputTokens, outputTokens, cachedReadTokens, cacheWriteTokens, reasoningTokens,
                costMicros, baselineMicros, workerCostMicros, cachedAnswers, workerDisagreements);
    }

    List<Object> cells() {
        return Arrays.asList(tenant, day, provider, model, attempts, inputTokens, outputTokens, cachedReadTokens, cacheWriteTokens,
                reasoningTokens, costMicros, baselineMicros, savingsMicros, cachedAnswers, workerCostMicros, workerDisagreements);
    }
}
