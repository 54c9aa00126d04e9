package dev.detour.router;

import dev.detour.router.internal.RouterGraph;
import org.apache.kafka.streams.Topology;

/**
 * The router's two Kafka Streams topologies, for {@link Router} and for TopologyTestDriver tests: routing
 * (requests and retries to provider topics) and outcomes (feedback to health, results to the cache).
 */
public final class RouterTopology {
    private RouterTopology() {}

    public static Topology routing(RouterConfig config, RecordSerdes serdes) {
        return RouterGraph.routing(config, serdes);
    }

    public static Topology outcomes(RouterConfig config, RecordSerdes serdes) {
        return RouterGraph.outcomes(config, serdes);
    }
}
