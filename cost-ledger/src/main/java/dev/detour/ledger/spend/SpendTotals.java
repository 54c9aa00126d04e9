package dev.detour.ledger.spend;

/**
 * Running totals of one spend bucket, all integers: micro-dollars and tokens. {@code cachedAnswers} counts
 * attempts answered from the response cache; {@code workerDisagreements} counts attempts whose worker-side
 * cost differed from the ledger's price (the ledger's is counted; the worker's sum is kept for audit).
 */
public record SpendTotals(
        long attempts,
        long inputTokens,
        long outputTokens,
        long cachedReadTokens,
        long cacheWriteTokens,
        long reasoningTokens,
        long costMicros,
        long baselineMicros,
        long workerCostMicros,
        long cachedAnswers,
        long workerDisagreements) {

    public static final SpendTotals ZERO = new SpendTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public long savingsMicros() {
        return baselineMicros - costMicros;
    }

    public SpendTotals plus(PricedAttempt a) {
        PricedAttempt.Tokens t = a.tokens();
        return new SpendTotals(
                attempts + 1,
                Math.addExact(inputTokens, t.input()),
                Math.addExact(outputTokens, t.output()),
                Math.addExact(cachedReadTokens, t.cachedRead()),
                Math.addExact(cacheWriteTokens, t.cacheWrite()),
                Math.addExact(reasoningTokens, t.reasoning()),
                Math.addExact(costMicros, a.costMicros()),
                Math.addExact(baselineMicros, a.baselineMicros()),
                Math.addExact(workerCostMicros, a.workerCostMicros()),
                cachedAnswers + (a.servedFromCache() ? 1 : 0),
                workerDisagreements + (a.workerDisagrees() ? 1 : 0));
    }

    public SpendTotals plus(SpendTotals o) {
        return new SpendTotals(
                attempts + o.attempts,
                Math.addExact(inputTokens, o.inputTokens),
                Math.addExact(outputTokens, o.outputTokens),
                Math.addExact(cachedReadTokens, o.cachedReadTokens),
                Math.addExact(cacheWriteTokens, o.cacheWriteTokens),
                Math.addExact(reasoningTokens, o.reasoningTokens),
                Math.addExact(costMicros, o.costMicros),
                Math.addExact(baselineMicros, o.baselineMicros),
                Math.addExact(workerCostMicros, o.workerCostMicros),
                cachedAnswers + o.cachedAnswers,
                workerDisagreements + o.workerDisagreements);
    }
}
