package dev.detour.core.catalog;

import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.TokenUsage;
import dev.detour.schema.UnitPrices;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Cost of one attempt in integer micro-dollars, exactly.
 *
 * <p>Rules (the ledger, the router's estimates and the tests all rely on them):
 * <ol>
 *   <li>Each token kind is multiplied by its price in micro-dollars per million tokens:
 *       {@code inputTokens x input + cachedReadTokens x cachedRead + cacheWriteTokens x cacheWrite
 *       + outputTokens x output}. The sum is in micro-dollars x 10^6 ("pico-dollars"), an exact integer.</li>
 *   <li>That sum is divided by 1,000,000 and rounded half-up <em>once per attempt</em>. Rounding each
 *       kind separately would drift by up to two micro-dollars per attempt and make the total depend on
 *       how usage is split; rounding once keeps the cost of an attempt a function of its usage only.</li>
 *   <li>{@code inputTokens} are the prompt tokens billed at the input price, cached reads already
 *       excluded (adapters normalize this, see TokenUsage). {@code reasoningTokens} are part of
 *       {@code outputTokens} and are not added again.</li>
 *   <li>A cached-read or cache-write price of 0 means "not listed" and falls back to the input price.
 *       Providers that cache bill cache traffic at some price; charging the input price when the
 *       catalog lacks one over-estimates rather than hides spend. (Self-hosted deployments have an
 *       input price of 0, so they stay free.)</li>
 *   <li>Arithmetic is overflow-checked; sums beyond {@code long} are carried in BigInteger, and a
 *       result beyond {@code long} micro-dollars (about 9.2 trillion dollars) throws ArithmeticException.
 *       Negative token counts are refused.</li>
 * </ol>
 */
public final class Pricing {

    private static final long PER_MILLION = 1_000_000L;
    private static final BigInteger MILLION = BigInteger.valueOf(PER_MILLION);

    private Pricing() {}

    public static long cost(TokenUsage usage, DeploymentSpec deployment) {
        return cost(usage, deployment.getPrices());
    }

    public static long cost(TokenUsage usage, UnitPrices prices) {
        if (usage == null) {
            return 0L;
        }
        long input = prices.getInputPerMillionMicros();
        long cachedRead = prices.getCachedReadPerMillionMicros() == 0 ? input : prices.getCachedReadPerMillionMicros();
        long cacheWrite = prices.getCacheWritePerMillionMicros() == 0 ? input : prices.getCacheWritePerMillionMicros();
        long inputTokens = tokens(usage.getInputTokens(), "inputTokens");
        long cachedReadTokens = tokens(usage.getCachedReadTokens(), "cachedReadTokens");
        long cacheWriteTokens = tokens(usage.getCacheWriteTokens(), "cacheWriteTokens");
        long outputTokens = tokens(usage.getOutputTokens(), "outputTokens");
        long output = prices.getOutputPerMillionMicros();
        // Plain longs, no arrays of terms: the router prices every candidate of every decision.
        try {
            long sum = Math.multiplyExact(inputTokens, input);
            sum = Math.addExact(sum, Math.multiplyExact(cachedReadTokens, cachedRead));
            sum = Math.addExact(sum, Math.multiplyExact(cacheWriteTokens, cacheWrite));
            sum = Math.addExact(sum, Math.multiplyExact(outputTokens, output));
            // Half-up on a non-negative sum: add half the divisor before the (flooring) division.
            return Math.addExact(sum, PER_MILLION / 2) / PER_MILLION;
        } catch (ArithmeticException overflow) {
            BigInteger sum = product(inputTokens, input).add(product(cachedReadTokens, cachedRead))
                    .add(product(cacheWriteTokens, cacheWrite)).add(product(outputTokens, output));
            return new java.math.BigDecimal(sum).divide(new java.math.BigDecimal(MILLION), 0, RoundingMode.HALF_UP)
                    .toBigIntegerExact().longValueExact();
        }
    }

    private static BigInteger product(long tokens, long price) {
        return BigInteger.valueOf(tokens).multiply(BigInteger.valueOf(price));
    }

    /** Expected cost of a call with these token counts, for routing estimates. */
    public static long estimate(long inputTokens, long outputTokens, UnitPrices prices) {
        return cost(TokenUsage.newBuilder().setInputTokens(inputTokens).setOutputTokens(outputTokens).build(), prices);
    }

    /** Dollars with six decimals, for reports: 1234567 -> "$1.234567". */
    public static String formatUsd(long micros) {
        String sign = micros < 0 ? "-" : "";
        BigInteger abs = BigInteger.valueOf(micros).abs();
        BigInteger[] qr = abs.divideAndRemainder(MILLION);
        return sign + "$" + qr[0] + "." + String.format("%06d", qr[1].longValue());
    }

    private static long tokens(long n, String kind) {
        if (n < 0) {
            throw new IllegalArgumentException(kind + " must not be negative: " + n);
        }
        return n;
    }
}
