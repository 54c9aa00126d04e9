package dev.detour.ledger;

/** Actual spend, baseline (the same usage at the requested model) and their difference, for one UTC day. */
public record SavingsRow(String day, long attempts, long costMicros, long baselineMicros, long savingsMicros, long cachedAnswers) {
}
