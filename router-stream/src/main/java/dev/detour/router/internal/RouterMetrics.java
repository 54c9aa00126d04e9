package dev.detour.router.internal;

import java.util.EnumMap;
import java.util.Map;
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

    private final Map<Decision, Sensor> sensors = new EnumMap<>(Decision.class);

    RouterMetrics(StreamsMetrics metrics, String taskId) {
        for (Decision d : Decision.values()) {
            sensors.put(d, metrics.addRateTotalSensor(SCOPE, taskId, d.metric, Sensor.RecordingLevel.INFO));
        }
    }

    void record(Decision d) {
        sensors.get(d).record();
    }
}
