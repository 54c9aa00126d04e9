package dev.detour.cli.demo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/** Results of a demo run as they arrive, and the figures the summary and the report show. */
public final class DemoStats {
    private final ConcurrentLinkedQueue<JobSample> samples = new ConcurrentLinkedQueue<>();
    private final AtomicInteger submitted = new AtomicInteger();
    private final AtomicInteger succeeded = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger failovers = new AtomicInteger();

    public void submitted() {
        submitted.incrementAndGet();
    }

    public void add(JobSample s) {
        samples.add(s);
        (s.succeeded() ? succeeded : failed).incrementAndGet();
        if (s.failedOver()) {
            failovers.incrementAndGet();
        }
    }

    public int submittedCount() { return submitted.get(); }
    public int succeededCount() { return succeeded.get(); }
    public int failedCount() { return failed.get(); }
    public int failoverCount() { return failovers.get(); }
    public int finishedCount() { return succeeded.get() + failed.get(); }

    public List<JobSample> samples() {
        List<JobSample> all = new ArrayList<>(samples);
        all.sort(Comparator.comparingLong(JobSample::submittedAtMs));
        return all;
    }

    public Histogram latencies() {
        Histogram h = new Histogram(3_600_000L, 3);
        samples.forEach(s -> h.recordValue(Math.min(s.latencyMs(), 3_600_000L)));
        return h;
    }

    /** Cost of every attempt, by the provider that billed it, in micro-dollars. */
    public Map<String, Long> spendByProvider() {
        Map<String, Long> spend = new TreeMap<>();
        samples.forEach(s -> s.attempts().forEach(a -> spend.merge(a.provider(), a.costMicros(), Long::sum)));
        return spend;
    }

    public long totalCostMicros() {
        return samples.stream().mapToLong(JobSample::costMicros).sum();
    }
}
