package dev.detour.worker;

import dev.detour.core.catalog.Pricing;
import dev.detour.schema.TokenUsage;
import dev.detour.schema.UnitPrices;

/**
 * Prices billed tokens in micro-dollars. The worker's figure goes into the usage record and the
 * result; the ledger re-prices from its own catalog with the same rules.
 */
@FunctionalInterface
public interface CostFunction {

    long costMicros(TokenUsage usage, UnitPrices prices);

    /** The project's pricing rules ({@link Pricing#cost}); no prices known means no cost figure (0). */
    static CostFunction catalogPricing() {
        return (usage, prices) -> prices == null ? 0 : Pricing.cost(usage, prices);
    }
}
