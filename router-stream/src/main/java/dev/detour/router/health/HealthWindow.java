package dev.detour.router.health;

import dev.detour.schema.ErrorClass;
import java.util.EnumMap;
import java.util.Map;

/**
 * Time-bucketed sliding window of call outcomes: calls, failures by class, latency of successes.
 * The window slides one bucket at a time; old buckets are recycled.
 */
public final class HealthWindow {
    private static final ErrorClass[] CLASSES = ErrorClass.values();

    private final long bucketMs;
    private final Bucket[] buckets;

    public HealthWindow(HealthWindowConfig config) {
        this.bucketMs = config.bucketMs();
        this.buckets = new Bucket[config.buckets()];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new Bucket();
        }
    }

    public void record(long nowMs, ErrorClass errorClassOrNull, long latencyMs) {
        Bucket b = bucketFor(nowMs);
        b.calls++;
        if (errorClassOrNull == null) {
            b.latency.record(latencyMs);
        } else {
            b.errors[errorClassOrNull.ordinal()]++;
        }
    }

    /**
     * Drops the failures counted so far (calls stay, as successes-free traffic): called when the breaker
     * closes, since failures from before a recovery say nothing about the deployment now.
     */
    public void forgetFailures() {
        for (Bucket b : buckets) {
            long failed = 0;
            for (long e : b.errors) {
                failed += e;
            }
            b.calls -= failed;
            java.util.Arrays.fill(b.errors, 0);
        }
    }

    private Bucket bucketFor(long nowMs) {
        long start = Math.floorDiv(nowMs, bucketMs) * bucketMs;
        Bucket b = buckets[(int) Math.floorMod(Math.floorDiv(nowMs, bucketMs), (long) buckets.length)];
        if (b.startMs != start) {
            b.reset(start);
        }
        return b;
    }

    /** Aggregate of the buckets still inside the window at {@code nowMs}. */
    public Stats stats(long nowMs) {
        long current = Math.floorDiv(nowMs, bucketMs) * bucketMs;
        long oldest = current - (buckets.length - 1) * bucketMs;
        long recentFrom = current - (RECENT_BUCKETS - 1) * bucketMs;
        long calls = 0;
        long recentCalls = 0;
        long[] errors = new long[CLASSES.length];
        long[] recentErrors = new long[CLASSES.length];
        LatencySketch latency = new LatencySketch();
        for (Bucket b : buckets) {
            if (b.startMs >= oldest && b.startMs <= nowMs && b.calls > 0) {
                boolean recent = b.startMs >= recentFrom;
                calls += b.calls;
                recentCalls += recent ? b.calls : 0;
                for (int i = 0; i < errors.length; i++) {
                    errors[i] += b.errors[i];
                    recentErrors[i] += recent ? b.errors[i] : 0;
                }
                latency.merge(b.latency);
            }
        }
        return new Stats(calls, byClass(errors), recentCalls, byClass(recentErrors), latency.quantile(0.5),
                latency.quantile(0.99));
    }

    /** The newest buckets, for signals that must react faster than the whole window (rate-limit pressure). */
    static final int RECENT_BUCKETS = 2;

    private static Map<ErrorClass, Long> byClass(long[] errors) {
        Map<ErrorClass, Long> byClass = new EnumMap<>(ErrorClass.class);
        for (int i = 0; i < errors.length; i++) {
            if (errors[i] > 0) {
                byClass.put(CLASSES[i], errors[i]);
            }
        }
        return byClass;
    }

    /**
     * Window statistics.
     *
     * @param recentCalls calls in the newest {@value #RECENT_BUCKETS} buckets
     * @param recentErrorsByClass failures in the newest buckets
     * @param p50Ms -1 when no successful call is in the window
     * @param p99Ms -1 when no successful call is in the window
     */
    public record Stats(long calls, Map<ErrorClass, Long> errorsByClass, long recentCalls,
                        Map<ErrorClass, Long> recentErrorsByClass, long p50Ms, long p99Ms) {
        public long errors(ErrorClass c) {
            return errorsByClass.getOrDefault(c, 0L);
        }
    }

    // --- persistence ---

    public int bucketCount() { return buckets.length; }

    public Bucket bucket(int i) { return buckets[i]; }

    /** One slice of the window. Mutable: owned by its window. */
    public static final class Bucket {
        long startMs = Long.MIN_VALUE;
        long calls;
        final long[] errors = new long[CLASSES.length];
        final LatencySketch latency = new LatencySketch();

        void reset(long start) {
            startMs = start;
            calls = 0;
            java.util.Arrays.fill(errors, 0);
            latency.clear();
        }

        public long startMs() { return startMs; }
        public long calls() { return calls; }
        public long[] errors() { return errors; }
        public LatencySketch latency() { return latency; }

        public void restore(long startMs, long calls) {
            this.startMs = startMs;
            this.calls = calls;
        }
    }
}
