package dev.detour.ledger.topology;

/** What a step of the ledger hands on: a record to count further, or a refused one. Never serialized. */
sealed interface IntakeEvent {

    record Accepted(byte[] value) implements IntakeEvent {
    }

    record Counted(dev.detour.ledger.spend.PricedAttempt attempt) implements IntakeEvent {
    }

    record Refused(RefusedUsage refused) implements IntakeEvent {
    }
}
