package dev.detour.router.health;

import java.util.Arrays;

/**
 * Mergeable latency histogram with logarithmic buckets (relative error about 5%).
 *
 * <p>Chosen over HdrHistogram for the health window because a window keeps one sketch per bucket and
 * the whole aggregate is written to a changelogged store on every update: a few hundred bytes of
 * sparse counts beat HdrHistogram's kilobytes, and merging is plain addition.
 */
public final class LatencySketch {
    static final double GAMMA = 1.1;
    private static final double LOG_GAMMA = Math.log(GAMMA);
    /** Bucket 0 holds 0-1 ms; the last bucket everything above ~1.3 hours. */
    static final int BUCKETS = 180;

    private final long[] counts = new long[BUCKETS];
    private long total;

    public void record(long latencyMs) {
        counts[indexOf(latencyMs)]++;
        total++;
    }

    public void merge(LatencySketch other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
    }

    public long count() {
        return total;
    }

    /** Quantile q in [0,1]; -1 when empty. Returns the upper bound of the bucket holding the rank. */
    public long quantile(double q) {
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(Math.max(0.0, Math.min(1.0, q)) * total);
        rank = Math.max(rank, 1);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return upperBound(i);
            }
        }
        return upperBound(BUCKETS - 1);
    }

    public void clear() {
        Arrays.fill(counts, 0);
        total = 0;
    }

    static int indexOf(long latencyMs) {
        if (latencyMs <= 1) {
            return 0;
        }
        int i = (int) Math.ceil(Math.log(latencyMs) / LOG_GAMMA);
        return Math.min(Math.max(i, 1), BUCKETS - 1);
    }

    static long upperBound(int index) {
        return index == 0 ? 1 : (long) Math.floor(Math.pow(GAMMA, index));
    }

    /** Non-empty buckets as (index, count) pairs, for compact persistence. */
    public int[] nonEmptyIndexes() {
        return java.util.stream.IntStream.range(0, BUCKETS).filter(i -> counts[i] > 0).toArray();
    }

    public long countAt(int index) {
        return counts[index];
    }

    public void addAt(int index, long count) {
        counts[index] += count;
        total += count;
    }
}
