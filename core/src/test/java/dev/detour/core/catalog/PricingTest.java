package dev.detour.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.detour.schema.TokenUsage;
import dev.detour.schema.UnitPrices;
import org.junit.jupiter.api.Test;

class PricingTest {

    private static TokenUsage usage(long in, long out, long cachedRead, long cacheWrite, long reasoning) {
        return TokenUsage.newBuilder().setInputTokens(in).setOutputTokens(out).setCachedReadTokens(cachedRead)
                .setCacheWriteTokens(cacheWrite).setReasoningTokens(reasoning).build();
    }

    private static UnitPrices prices(long in, long out, long cachedRead, long cacheWrite) {
        return new UnitPrices(in, out, cachedRead, cacheWrite);
    }

    @Test
    void roundsHalfUpOncePerAttemptNotPerTokenKind() {
        UnitPrices p = prices(1_500_000, 1_500_000, 0, 0); // $1.50 per million
        // 1 input + 1 output = 3.0 micro-dollars; rounding per kind would give 2 + 2 = 4.
        assertThat(Pricing.cost(usage(1, 1, 0, 0, 0), p)).isEqualTo(3L);
        // 1 token at $0.50/M = 0.5 micro -> rounds up to 1; 0.4999 rounds down.
        assertThat(Pricing.cost(usage(1, 0, 0, 0, 0), prices(500_000, 0, 0, 0))).isEqualTo(1L);
        assertThat(Pricing.cost(usage(1, 0, 0, 0, 0), prices(499_999, 0, 0, 0))).isEqualTo(0L);
    }

    @Test
    void reasoningTokensAreInsideOutputAndNotChargedTwice() {
        UnitPrices p = prices(1_000_000, 10_000_000, 0, 0);
        assertThat(Pricing.cost(usage(0, 1000, 0, 0, 800), p)).isEqualTo(Pricing.cost(usage(0, 1000, 0, 0, 0), p)).isEqualTo(10_000L);
    }

    @Test
    void cachedPricesFallBackToInputWhenNotListed() {
        assertThat(Pricing.cost(usage(0, 0, 1_000_000, 0, 0), prices(2_000_000, 0, 0, 0))).isEqualTo(2_000_000L);
        assertThat(Pricing.cost(usage(0, 0, 1_000_000, 0, 0), prices(2_000_000, 0, 500_000, 0))).isEqualTo(500_000L);
        assertThat(Pricing.cost(usage(0, 0, 0, 1_000_000, 0), prices(3_000_000, 0, 0, 3_750_000))).isEqualTo(3_750_000L);
        assertThat(Pricing.cost(usage(0, 0, 0, 1_000_000, 0), prices(3_000_000, 0, 0, 0))).isEqualTo(3_000_000L);
        assertThat(Pricing.cost(usage(5, 5, 5, 5, 0), prices(0, 0, 0, 0))).isZero();
    }

    @Test
    void largeProductsAreExactBeyondLongIntermediates() {
        // 10^13 tokens x 10^8 micros/M = 10^21 > Long.MAX: carried in BigInteger, result 10^15 fits.
        long tokens = 10_000_000_000_000L;
        assertThat(Pricing.cost(usage(tokens, 0, 0, 0, 0), prices(100_000_000, 0, 0, 0))).isEqualTo(1_000_000_000_000_000L);
        assertThatThrownBy(() -> Pricing.cost(usage(Long.MAX_VALUE, Long.MAX_VALUE, 0, 0, 0), prices(Long.MAX_VALUE, Long.MAX_VALUE, 0, 0)))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void negativeTokensAreRefusedAndNullUsageCostsNothing() {
        assertThatThrownBy(() -> Pricing.cost(usage(-1, 0, 0, 0, 0), prices(1, 1, 1, 1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(Pricing.cost((TokenUsage) null, prices(1, 1, 1, 1))).isZero();
    }

    @Test
    void formatsDollars() {
        assertThat(Pricing.formatUsd(1_234_567)).isEqualTo("$1.234567");
        assertThat(Pricing.formatUsd(5)).isEqualTo("$0.000005");
        assertThat(Pricing.formatUsd(-2_000_000)).isEqualTo("-$2.000000");
    }
}
