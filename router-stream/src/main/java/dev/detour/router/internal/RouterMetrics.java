package dev.detour.router.internal;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * Counters of the routing decisions of one task, as Kafka Streams sensors (JMX group
 * {@code stream-detour-router-metrics}, metrics {@code <decision>-total} and {@code <decision>-rate}).
 */
final class RouterMetrics {
    static final String SCOPE = "detour-router";

    enum Decision {
        ROUTED("routed"), FAILOVER("failover"), PROBE("probe"), SPREAD("spread"), PARKED("parked"),
        RELEASED("released"), FAILED("failed"), DEDUPED("deduped"), UNDECODABLE("undecodable"),
        CACHED("served-from-cache");

        final String metric;

        Decision(String metric) {
            this.metric = metric;
        }
    }

    private final Sensor[] sensors = new Sensor[Decision.values().length];

    RouterMetrics(StreamsMetrics metrics, String taskId) {
        for (Decision d : Decision.values()) {
            sensors[d.ordinal()] = metrics.addRateTotalSensor(SCOPE, taskId, d.metric, Sensor.RecordingLevel.INFO);
        }
    }

    /**
     * @param nowMs the stream thread's cached wall clock: recorded once per request, so neither a clock read
     *     nor the quota check (these sensors have no quota) is spent on it
     */
    void record(Decision d, long nowMs) {
        sensors[d.ordinal()].record(1, nowMs, false);
    }
}
