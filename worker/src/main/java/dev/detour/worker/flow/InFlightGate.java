package dev.detour.worker.flow;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * Counts calls in flight per provider and in total, and says when to stop fetching and when to
 * fetch again. Admission happens on the poll thread only, so a bound is never overshot; releases
 * come from call threads. The worker turns "full" into pausing partitions (Kafka holds the
 * backlog, not our heap) and resumes them once the count drops below a low-water mark, so it does
 * not flap between pause and resume at every completion.
 */
public final class InFlightGate {
    private final int maxTotal;
    private final int lowWaterTotal;
    private final ToIntFunction<String> maxPerProvider;
    private final double lowWaterRatio;
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final Map<String, AtomicInteger> perProvider = new ConcurrentHashMap<>();

    /**
     * @param maxPerProvider bound for a provider (may change as the catalog changes)
     * @param lowWaterRatio  resume when in flight is at or below this share of the bound (0..1)
     */
    public InFlightGate(int maxTotal, ToIntFunction<String> maxPerProvider, double lowWaterRatio) {
        if (maxTotal < 1 || lowWaterRatio < 0 || lowWaterRatio > 1) {
            throw new IllegalArgumentException("maxTotal >= 1 and 0 <= lowWaterRatio <= 1");
        }
        this.maxTotal = maxTotal;
        this.lowWaterRatio = lowWaterRatio;
        this.lowWaterTotal = lowWater(maxTotal, lowWaterRatio);
        this.maxPerProvider = maxPerProvider;
    }

    private static int lowWater(int max, double ratio) {
        return Math.min(max - 1, (int) Math.floor(max * ratio));
    }

    /** Takes a slot for a call to this provider, or returns false when a bound is reached. */
    public boolean tryAdmit(String provider) {
        AtomicInteger p = counter(provider);
        if (total.get() >= maxTotal || p.get() >= maxPerProvider.applyAsInt(provider)) {
            return false;
        }
        p.incrementAndGet();
        int now = total.incrementAndGet();
        peak.accumulateAndGet(now, Math::max);
        return true;
    }

    public void release(String provider) {
        counter(provider).decrementAndGet();
        total.decrementAndGet();
    }

    /** Whether a paused partition of this provider may be fetched again. */
    public boolean mayResume(String provider) {
        return total.get() <= lowWaterTotal
                && counter(provider).get() <= lowWater(maxPerProvider.applyAsInt(provider), lowWaterRatio);
    }

    /** Whether a new call to this provider would be refused now. */
    public boolean full(String provider) {
        return total.get() >= maxTotal || counter(provider).get() >= maxPerProvider.applyAsInt(provider);
    }

    public int inFlight() {
        return total.get();
    }

    public int inFlight(String provider) {
        return counter(provider).get();
    }

    /** Highest total in flight ever seen: the number the backpressure test holds against the bound. */
    public int peak() {
        return peak.get();
    }

    public int maxTotal() {
        return maxTotal;
    }

    private AtomicInteger counter(String provider) {
        return perProvider.computeIfAbsent(provider, k -> new AtomicInteger());
    }
}
