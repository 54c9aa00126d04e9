package dev.detour.bench.internal;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Open-loop load: event i is due at {@code start + i / rate}, whether or not earlier events have been
 * answered. A sender that falls behind sends late but keeps the due time, and latency is measured from
 * the due time, so a stall shows up in the percentiles instead of silently lowering the load
 * (no coordinated omission).
 */
public final class OpenLoop {
    private OpenLoop() {}

    /** Sends one event; {@code dueNanos} is its scheduled {@link System#nanoTime()}. */
    @FunctionalInterface
    public interface Sender {
        void send(int index, long dueNanos) throws Exception;
    }

    /**
     * Runs the schedule on the calling thread until {@code count} events are sent.
     *
     * @return the due time of event 0
     */
    public static long run(double ratePerSecond, int count, Sender sender) throws Exception {
        double intervalNanos = 1e9 / ratePerSecond;
        long start = System.nanoTime() + 1_000_000;
        for (int i = 0; i < count; i++) {
            long due = start + (long) (i * intervalNanos);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                while (System.nanoTime() < due) {
                    Thread.onSpinWait(); // parkNanos wakes early on some kernels
                }
            }
            sender.send(i, due);
        }
        return start;
    }

    /**
     * Waits until {@code answered} reaches {@code expected} or {@code atMost} has passed, whichever comes
     * first; the caller reads what was answered (a row reports the missing ones rather than failing).
     */
    public static void awaitAnswers(LongSupplier answered, long expected, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (answered.getAsLong() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
