package dev.detour.cli.demo;

/** A stretch of the scenario, marked on the report's charts. Offsets are from the run's start. */
public record Phase(String label, long fromMs, long toMs, String kind) {
    public boolean contains(long offsetMs) {
        return offsetMs >= fromMs && offsetMs < toMs;
    }
}
