package dev.detour.ledger.spend;

/**
 * One billed attempt as the ledger counts it: tokens, the unit prices it was charged at (micro-dollars per
 * million tokens), the ledger's cost, the worker's own figure, and the baseline cost at the requested model.
 */
public record PricedAttempt(
        String attemptId,
        String jobId,
        String tenant,
        String provider,
        String deploymentId,
        String model,
        String requestedModel,
        String day,
        long billedAtMs,
        boolean servedFromCache,
        Tokens tokens,
        Prices prices,
        long costMicros,
        long workerCostMicros,
        String baselineDeploymentId,
        long baselineMicros,
        String catalogVersion) {

    public long savingsMicros() {
        return baselineMicros - costMicros;
    }

    /** True when the worker's cost differs from the ledger's; the ledger's number is the one counted. */
    public boolean workerDisagrees() {
        return workerCostMicros != costMicros;
    }

    public record Tokens(long input, long output, long cachedRead, long cacheWrite, long reasoning) {
        public Tokens plus(Tokens o) {
            return new Tokens(input + o.input, output + o.output, cachedRead + o.cachedRead,
                    cacheWrite + o.cacheWrite, reasoning + o.reasoning);
        }

        public static final Tokens ZERO = new Tokens(0, 0, 0, 0, 0);
    }

    public record Prices(long inputPerMillionMicros, long outputPerMillionMicros,
                         long cachedReadPerMillionMicros, long cacheWritePerMillionMicros) {
    }
}
