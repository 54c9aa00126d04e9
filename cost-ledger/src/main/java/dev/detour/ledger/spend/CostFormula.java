package dev.detour.ledger.spend;

import dev.detour.schema.TokenUsage;
import dev.detour.schema.UnitPrices;

import dev.detour.core.catalog.Pricing;

/**
 * Turns a token usage and list prices into micro-dollars. The ledger prices through this interface so the
 * catalog's own {@code Pricing.cost} can be plugged in; {@link #LIST_PRICE} is the catalog's rule.
 */
@FunctionalInterface
public interface CostFormula {

    long cost(TokenUsage usage, UnitPrices prices);

    /**
     * The catalog's pricing rule ({@link Pricing#cost}): tokens x price-per-million summed over the billed token
     * kinds, divided by one million and rounded half-up once per attempt; a cache price of 0 falls back to the
     * input price. Throws ArithmeticException past {@code long} micro-dollars.
     */
    CostFormula LIST_PRICE = Pricing::cost;
}
