package dev.detour.ledger.spend;

import dev.detour.ledger.Fixtures;
import dev.detour.schema.TokenUsage;
import dev.detour.schema.UnitPrices;
import dev.detour.schema.UsageRecord;
import org.junit.jupiter.api.Test;

import static dev.detour.ledger.Fixtures.DAY1;
import static dev.detour.ledger.Fixtures.catalog;
import static dev.detour.ledger.Fixtures.usage;
import static org.assertj.core.api.Assertions.assertThat;

class AttemptPricerTest {

    private final AttemptPricer pricer = new AttemptPricer(CostFormula.LIST_PRICE);
    private final PriceSheet sheet = PriceSheet.of(catalog());

    @Test
    void costIsRoundedHalfUpOncePerAttemptNotPerTokenKind() {
        UnitPrices p = UnitPrices.newBuilder().setInputPerMillionMicros(1).setOutputPerMillionMicros(1)
                .setCachedReadPerMillionMicros(1).setCacheWritePerMillionMicros(1).build();
        // Each kind alone is 0.4 micro-dollars (rounds to 0); together 1.6 -> 2.
        TokenUsage u = TokenUsage.newBuilder().setInputTokens(400_000).setOutputTokens(400_000)
                .setCachedReadTokens(400_000).setCacheWriteTokens(400_000).build();
        assertThat(CostFormula.LIST_PRICE.cost(u, p)).isEqualTo(2);
        TokenUsage half = TokenUsage.newBuilder().setInputTokens(500_000).build();
        assertThat(CostFormula.LIST_PRICE.cost(half, p)).isEqualTo(1);
        TokenUsage under = TokenUsage.newBuilder().setInputTokens(499_999).build();
        assertThat(CostFormula.LIST_PRICE.cost(under, p)).isZero();
    }

    @Test
    void largeUsageDoesNotOverflow() {
        TokenUsage u = TokenUsage.newBuilder().setInputTokens(4_000_000_000_000L).setOutputTokens(0).build();
        UnitPrices p = Fixtures.prices(75_000_000, 0);   // $75 per million
        assertThat(CostFormula.LIST_PRICE.cost(u, p)).isEqualTo(300_000_000_000_000L);   // the product 3e20 overflows a long; the result does not
    }

    @Test
    void baselineOfAGroupIsItsDearestPrimaryDeploymentAndOfAModelItsOwnPrice() {
        UsageRecord asGroup = usage("a", "j", "t", "deepseek", "deepseek-chat", "smart", 1_000_000, 1_000_000, DAY1);
        PricedAttempt g = ((PricingOutcome.Priced) pricer.price(asGroup, sheet)).attempt();
        assertThat(g.costMicros()).isEqualTo(1_370_000);
        assertThat(g.baselineDeploymentId()).isEqualTo("anthropic/claude-sonnet");
        assertThat(g.baselineMicros()).isEqualTo(18_000_000);
        assertThat(g.day()).isEqualTo("2026-11-20");

        UsageRecord asModel = usage("a", "j", "t", "deepseek", "deepseek-chat", "gpt-4o", 1_000_000, 1_000_000, DAY1);
        PricedAttempt m = ((PricingOutcome.Priced) pricer.price(asModel, sheet)).attempt();
        assertThat(m.baselineMicros()).isEqualTo(12_500_000);

        UsageRecord unknownAsk = usage("a", "j", "t", "deepseek", "deepseek-chat", "who-knows", 1_000_000, 0, DAY1);
        PricedAttempt u = ((PricingOutcome.Priced) pricer.price(unknownAsk, sheet)).attempt();
        assertThat(u.savingsMicros()).isZero();
    }

    @Test
    void refusalsNameTheirReason() {
        assertThat(pricer.price(usage("a", "j", "t", "openai", "gpt-5", "smart", 1, 1, DAY1), sheet))
                .isInstanceOfSatisfying(PricingOutcome.Refused.class, r -> assertThat(r.kind()).isEqualTo(ProblemKind.UNKNOWN_MODEL));
        UsageRecord neg = usage("a", "j", "t", "openai", "gpt-4o", "smart", 1, 1, DAY1);
        neg.getUsage().setCacheWriteTokens(-1);
        assertThat(pricer.price(neg, sheet))
                .isInstanceOfSatisfying(PricingOutcome.Refused.class, r -> assertThat(r.kind()).isEqualTo(ProblemKind.NEGATIVE_TOKENS));
        assertThat(pricer.price(usage("a", "j", "", "openai", "gpt-4o", "smart", 1, 1, DAY1), sheet))
                .isInstanceOfSatisfying(PricingOutcome.Refused.class, r -> assertThat(r.kind()).isEqualTo(ProblemKind.MISSING_FIELD));
        assertThat(pricer.price(usage("a", "j", "t", "openai", "gpt-4o", "smart", 1, 1, DAY1), PriceSheet.empty()))
                .isInstanceOf(PricingOutcome.Refused.class);
    }
}
