package dev.detour.bench.report;

/**
 * One target of the brief checked against what was measured.
 *
 * @param name what is measured, e.g. "router / passthrough (at_least_once)"
 * @param goal the target as written, e.g. "&gt;= 0.8"
 * @param measured the measured value
 * @param met whether the measured value meets the goal
 */
public record TargetCheck(String name, String goal, double measured, boolean met) {

    public static TargetCheck atLeast(String name, double goal, double measured) {
        return new TargetCheck(name, ">= " + Figures.format(goal), measured, measured >= goal);
    }

    public static TargetCheck atMost(String name, double goal, double measured) {
        return new TargetCheck(name, "<= " + Figures.format(goal), measured, !Double.isNaN(measured) && measured <= goal);
    }
}
