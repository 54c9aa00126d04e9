package dev.detour.bench.internal;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Latencies in microseconds in an HdrHistogram (3 significant digits, up to an hour), read in ms. */
public final class LatencyStats {
    private final Histogram histogram = new ConcurrentHistogram(3_600_000_000L, 3);

    public void recordNanos(long nanos) {
        histogram.recordValue(Math.max(0, Math.min(nanos / 1000, 3_600_000_000L)));
    }

    /** Adds every latency of another set (e.g. the runs of one path). */
    public void add(LatencyStats other) {
        histogram.add(other.histogram);
    }

    public long count() {
        return histogram.getTotalCount();
    }

    /** Percentile in milliseconds (NaN when nothing was recorded). */
    public double percentileMs(double p) {
        return count() == 0 ? Double.NaN : histogram.getValueAtPercentile(p) / 1000.0;
    }

    public double p50() {
        return percentileMs(50);
    }

    public double p99() {
        return percentileMs(99);
    }

    public double p999() {
        return percentileMs(99.9);
    }

    public double maxMs() {
        return count() == 0 ? Double.NaN : histogram.getMaxValue() / 1000.0;
    }
}
