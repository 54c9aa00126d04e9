package dev.detour.worker.flow;

/**
 * A generic cell rate limiter (GCRA): spends {@code intervalMs} of "theoretical time" per unit and
 * lets a burst of {@code burst} units through at once. Reservation style: a caller learns how long to
 * wait and its slot is booked, so waiting callers queue fairly without polling.
 */
final class Pace {
    private final double intervalMs;
    private final double toleranceMs;
    private double theoreticalArrival;

    Pace(double intervalMs, double burst) {
        this.intervalMs = intervalMs;
        this.toleranceMs = intervalMs * Math.max(0, burst - 1);
    }

    static Pace perMinute(long units, double burstSeconds) {
        double interval = 60_000.0 / units;
        double burst = Math.max(1, units / 60.0 * burstSeconds);
        return new Pace(interval, burst);
    }

    /** Books {@code units} and returns the milliseconds to wait before using them. */
    long reserve(long nowMs, long units) {
        double start = Math.max(theoreticalArrival, nowMs);
        long wait = (long) Math.ceil(Math.max(0, start - toleranceMs - nowMs));
        theoreticalArrival = start + intervalMs * units;
        return wait;
    }

    /** Milliseconds a reservation of one unit would wait now, without booking it. */
    long peek(long nowMs) {
        double start = Math.max(theoreticalArrival, nowMs);
        return (long) Math.ceil(Math.max(0, start - toleranceMs - nowMs));
    }
}
