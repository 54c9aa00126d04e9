package dev.detour.ledger.spend;

/** Why a usage record was not counted. */
public enum ProblemKind {
    UNDECODABLE,
    UNKNOWN_MODEL,
    NEGATIVE_TOKENS,
    MISSING_FIELD,
    /** Token counts whose cost does not fit in a long of micro-dollars. */
    OUT_OF_RANGE
}
