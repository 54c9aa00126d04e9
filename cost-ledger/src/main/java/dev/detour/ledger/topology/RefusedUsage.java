package dev.detour.ledger.topology;

import dev.detour.ledger.Problem;

/** A refused usage record on its way to the problems store and the dead-letter topic, with its original bytes. */
public record RefusedUsage(Problem problem, byte[] originalKey, byte[] originalValue) {
}
