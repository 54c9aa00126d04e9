package dev.detour.ledger.spend;

import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.TokenUsage;
import dev.detour.schema.UnitPrices;
import dev.detour.schema.UsageRecord;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * Prices one usage record from the catalog (through {@link CostFormula}, by default the catalog's Pricing). The worker's cost is kept beside the ledger's but never trusted:
 * prices come from the catalog the ledger holds. Records it cannot price are refused, never counted as zero.
 */
public final class AttemptPricer {

    private final CostFormula formula;

    public AttemptPricer(CostFormula formula) {
        this.formula = formula;
    }

    public PricingOutcome price(UsageRecord usage, PriceSheet sheet) {
        Optional<String> missing = missingField(usage);
        if (missing.isPresent()) {
            return new PricingOutcome.Refused(ProblemKind.MISSING_FIELD, "usage record without " + missing.get());
        }
        TokenUsage t = usage.getUsage();
        if (t.getInputTokens() < 0 || t.getOutputTokens() < 0 || t.getCachedReadTokens() < 0
                || t.getCacheWriteTokens() < 0 || t.getReasoningTokens() < 0) {
            return new PricingOutcome.Refused(ProblemKind.NEGATIVE_TOKENS, "negative token count in " + t);
        }
        Optional<DeploymentSpec> billed = sheet.billed(usage.getDeploymentId(), usage.getProvider(), usage.getModel());
        if (billed.isEmpty()) {
            return new PricingOutcome.Refused(ProblemKind.UNKNOWN_MODEL, "model " + usage.getModel() + " at provider "
                    + usage.getProvider() + " (deployment " + usage.getDeploymentId() + ") is not in catalog "
                    + sheet.version());
        }
        try {
            return priced(usage, sheet, billed.get());
        } catch (ArithmeticException e) {
            return new PricingOutcome.Refused(ProblemKind.OUT_OF_RANGE, "cost of " + t + " does not fit in micro-dollars");
        }
    }

    private PricingOutcome priced(UsageRecord usage, PriceSheet sheet, DeploymentSpec deployment) {
        TokenUsage t = usage.getUsage();
        UnitPrices prices = deployment.getPrices();
        long listCost = formula.cost(t, prices);
        // An answer served from the response cache costs nothing; what it would have cost is saved.
        long cost = usage.getServedFromCache() ? 0 : listCost;

        // Baseline: the same usage at the most expensive PRIMARY deployment of what was asked for. An asked-for
        // name the catalog does not know gives baseline = list cost of what ran, so no savings are claimed.
        String baselineId = deployment.getId();
        long baseline = listCost;
        List<DeploymentSpec> requested = sheet.requested(usage.getRequestedModel());
        if (!requested.isEmpty()) {
            long best = Long.MIN_VALUE;
            for (DeploymentSpec d : requested) {
                long c = formula.cost(t, d.getPrices());
                if (c > best) {
                    best = c;
                    baselineId = d.getId();
                }
            }
            baseline = best;
        }
        PricedAttempt attempt = new PricedAttempt(
                usage.getAttemptId(), usage.getJobId(), usage.getTenant(), usage.getProvider(),
                deployment.getId(), usage.getModel(), usage.getRequestedModel(),
                dayOf(usage.getBilledAtMs()), usage.getBilledAtMs(), usage.getServedFromCache(),
                new PricedAttempt.Tokens(t.getInputTokens(), t.getOutputTokens(), t.getCachedReadTokens(),
                        t.getCacheWriteTokens(), t.getReasoningTokens()),
                new PricedAttempt.Prices(prices.getInputPerMillionMicros(), prices.getOutputPerMillionMicros(),
                        prices.getCachedReadPerMillionMicros(), prices.getCacheWritePerMillionMicros()),
                cost, usage.getCostMicros(), baselineId, baseline, sheet.version());
        return new PricingOutcome.Priced(attempt);
    }

    /** UTC date of a billing instant: the day spend is booked on. */
    public static String dayOf(long epochMs) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC).toString();
    }

    private static Optional<String> missingField(UsageRecord u) {
        if (blank(u.getAttemptId())) return Optional.of("attemptId");
        if (blank(u.getJobId())) return Optional.of("jobId");
        if (blank(u.getTenant())) return Optional.of("tenant");
        if (blank(u.getModel())) return Optional.of("model");
        if (u.getUsage() == null) return Optional.of("usage");
        return Optional.empty();
    }

    private static boolean blank(CharSequence s) {
        return s == null || s.isEmpty();
    }
}
