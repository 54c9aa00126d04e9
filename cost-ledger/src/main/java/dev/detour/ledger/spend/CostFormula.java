package dev.detour.ledger.spend;

import dev.detour.schema.TokenUsage;
import dev.detour.schema.UnitPrices;

import java.math.BigInteger;

/**
 * Turns a token usage and list prices into micro-dollars. The ledger prices through this interface so the
 * catalog's own {@code Pricing.cost} can be plugged in; {@link #LIST_PRICE} is the same arithmetic.
 */
@FunctionalInterface
public interface CostFormula {

    long cost(TokenUsage usage, UnitPrices prices);

    /**
     * Sum of tokens x price-per-million over the four billed token kinds, divided by one million and rounded
     * half-up once per attempt (never per token kind, so sums of parts never drift from the whole).
     * Reasoning tokens are part of output tokens and are not billed again.
     */
    CostFormula LIST_PRICE = (usage, prices) -> {
        BigInteger numerator = BigInteger.valueOf(usage.getInputTokens()).multiply(BigInteger.valueOf(prices.getInputPerMillionMicros()))
                .add(BigInteger.valueOf(usage.getOutputTokens()).multiply(BigInteger.valueOf(prices.getOutputPerMillionMicros())))
                .add(BigInteger.valueOf(usage.getCachedReadTokens()).multiply(BigInteger.valueOf(prices.getCachedReadPerMillionMicros())))
                .add(BigInteger.valueOf(usage.getCacheWriteTokens()).multiply(BigInteger.valueOf(prices.getCacheWritePerMillionMicros())));
        BigInteger[] qr = numerator.divideAndRemainder(BigInteger.valueOf(1_000_000));
        BigInteger rounded = qr[1].shiftLeft(1).compareTo(BigInteger.valueOf(1_000_000)) >= 0 ? qr[0].add(BigInteger.ONE) : qr[0];
        return rounded.longValueExact();
    };
}
