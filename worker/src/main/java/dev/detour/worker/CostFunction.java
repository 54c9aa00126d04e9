package dev.detour.worker;

import dev.detour.schema.TokenUsage;
import dev.detour.schema.UnitPrices;

/**
 * Prices billed tokens in micro-dollars. The worker's figure goes into the usage record and the
 * result; the ledger re-prices from its own catalog, so this only needs to agree with it.
 */
@FunctionalInterface
public interface CostFunction {

    long costMicros(TokenUsage usage, UnitPrices prices);

    /** List-price arithmetic: tokens x price per million, rounded half up to whole micro-dollars. */
    static CostFunction listPrice() {
        return (usage, prices) -> {
            if (usage == null || prices == null) {
                return 0;
            }
            java.math.BigInteger perMillion = java.math.BigInteger.valueOf(usage.getInputTokens())
                    .multiply(java.math.BigInteger.valueOf(prices.getInputPerMillionMicros()))
                    .add(java.math.BigInteger.valueOf(usage.getOutputTokens())
                            .multiply(java.math.BigInteger.valueOf(prices.getOutputPerMillionMicros())))
                    .add(java.math.BigInteger.valueOf(usage.getCachedReadTokens())
                            .multiply(java.math.BigInteger.valueOf(prices.getCachedReadPerMillionMicros())))
                    .add(java.math.BigInteger.valueOf(usage.getCacheWriteTokens())
                            .multiply(java.math.BigInteger.valueOf(prices.getCacheWritePerMillionMicros())));
            java.math.BigInteger[] qr = perMillion.divideAndRemainder(java.math.BigInteger.valueOf(1_000_000));
            long micros = qr[0].longValueExact();
            return qr[1].compareTo(java.math.BigInteger.valueOf(500_000)) >= 0 ? micros + 1 : micros;
        };
    }
}
