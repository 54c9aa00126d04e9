package dev.detour.ledger.spend;

/** The outcome of pricing one usage record: counted, or refused with a reason (an expected error, so a value). */
public sealed interface PricingOutcome {

    record Priced(PricedAttempt attempt) implements PricingOutcome {
    }

    record Refused(ProblemKind kind, String message) implements PricingOutcome {
    }
}
