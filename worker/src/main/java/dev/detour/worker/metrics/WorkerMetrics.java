package dev.detour.worker.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import dev.detour.schema.ErrorClass;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The worker's metrics, in a Dropwizard registry. The benchmark and tests read
 * {@link #callsInFlight()}, {@link #peakInFlight()} and {@link #jobsEnded()}.
 */
public final class WorkerMetrics {
    public static final String IN_FLIGHT = "detour_worker_calls_in_flight";
    public static final String IN_FLIGHT_PEAK = "detour_worker_calls_in_flight_peak";
    public static final String PAUSED = "detour_worker_paused_partitions";
    public static final String CALL_LATENCY = "detour_worker_call_latency";
    public static final String CALL_ERRORS = "detour_worker_call_errors";
    public static final String RETRIES = "detour_worker_same_deployment_retries";
    public static final String QUALITY_FAILED = "detour_worker_quality_gate_failures";
    public static final String THROTTLED = "detour_worker_throttled_calls";
    public static final String JOBS = "detour_worker_jobs";
    public static final String UNDECODABLE = "detour_worker_undecodable_records";
    public static final String ABANDONED = "detour_worker_abandoned_calls";
    public static final String PUBLISH_FAILURES = "detour_worker_publish_failures";
    public static final String SKIPPED = "detour_worker_skipped_finished_records";

    /** How a record's processing ended, as counted in {@value #JOBS}. */
    public enum JobEnd { SUCCEEDED, FAILED, FAILED_OVER }

    private final MetricRegistry registry;
    private final Counter undecodable;
    private final Counter abandoned;
    private final Counter publishFailures;
    private final Counter ended;

    public WorkerMetrics(MetricRegistry registry) {
        this.registry = registry;
        this.undecodable = registry.counter(UNDECODABLE);
        this.abandoned = registry.counter(ABANDONED);
        this.publishFailures = registry.counter(PUBLISH_FAILURES);
        this.ended = registry.counter(MetricName.of(JOBS + "_ended"));
    }

    public MetricRegistry registry() {
        return registry;
    }

    public void gauges(IntSupplier inFlight, IntSupplier peak, IntSupplier paused) {
        registry.gauge(IN_FLIGHT, () -> (Gauge<Integer>) inFlight::getAsInt);
        registry.gauge(IN_FLIGHT_PEAK, () -> (Gauge<Integer>) peak::getAsInt);
        registry.gauge(PAUSED, () -> (Gauge<Integer>) paused::getAsInt);
    }

    public void providerInFlight(String provider, IntSupplier inFlight) {
        registry.gauge(MetricName.of(IN_FLIGHT, "provider", provider), () -> (Gauge<Integer>) inFlight::getAsInt);
    }

    /** One HTTP call ended; {@code errorClass} is null on success. */
    public void call(String deploymentId, long latencyMs, ErrorClass errorClass) {
        registry.timer(MetricName.of(CALL_LATENCY, "deployment", deploymentId)).update(latencyMs, TimeUnit.MILLISECONDS);
        if (errorClass != null) {
            registry.meter(MetricName.of(CALL_ERRORS, "deployment", deploymentId, "class", errorClass.name())).mark();
        }
    }

    public void retried(String deploymentId) {
        registry.counter(MetricName.of(RETRIES, "deployment", deploymentId)).inc();
    }

    /** An answer that failed a quality gate; the job goes back to the router to escalate. */
    public void qualityFailed(String deploymentId) {
        registry.counter(MetricName.of(QUALITY_FAILED, "deployment", deploymentId)).inc();
    }

    public void throttled(String deploymentId) {
        registry.counter(MetricName.of(THROTTLED, "deployment", deploymentId)).inc();
    }

    public void jobEnded(JobEnd end) {
        registry.counter(MetricName.of(JOBS, "end", end.name().toLowerCase())).inc();
        ended.inc();
    }

    public void undecodable() {
        undecodable.inc();
    }

    public void abandoned(int calls) {
        abandoned.inc(calls);
    }

    public long abandonedCalls() {
        return abandoned.getCount();
    }

    /** A re-delivered record the previous owner had already finished. */
    public void skippedFinished() {
        registry.counter(SKIPPED).inc();
    }

    public long skippedFinishedRecords() {
        return registry.counter(SKIPPED).getCount();
    }

    public void publishFailed() {
        publishFailures.inc();
    }

    public int callsInFlight() {
        return gaugeValue(IN_FLIGHT);
    }

    public int peakInFlight() {
        return gaugeValue(IN_FLIGHT_PEAK);
    }

    /** Records whose processing ended here (succeeded, failed or handed back to the router). */
    public long jobsEnded() {
        return ended.getCount();
    }

    public long jobsEnded(JobEnd end) {
        return registry.counter(MetricName.of(JOBS, "end", end.name().toLowerCase())).getCount();
    }

    public Timer latency(String deploymentId) {
        return registry.timer(MetricName.of(CALL_LATENCY, "deployment", deploymentId));
    }

    private int gaugeValue(String name) {
        Gauge<?> g = registry.getGauges().get(name);
        return g == null ? 0 : ((Number) g.getValue()).intValue();
    }
}
