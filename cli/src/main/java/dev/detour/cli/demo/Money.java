package dev.detour.cli.demo;

/** Micro-dollars as people read them. */
final class Money {
    private Money() {}

    static String usd(long micros) {
        return String.format("$%,.4f", micros / 1_000_000.0);
    }
}
