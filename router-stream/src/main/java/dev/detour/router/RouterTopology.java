package dev.detour.router;

import dev.detour.router.internal.RouterGraph;
import org.apache.kafka.streams.Topology;

/** The router's Kafka Streams topology, for {@link Router} and for TopologyTestDriver tests. */
public final class RouterTopology {
    private RouterTopology() {}

    public static Topology build(RouterConfig config, RecordSerdes serdes) {
        return RouterGraph.build(config, serdes);
    }
}
