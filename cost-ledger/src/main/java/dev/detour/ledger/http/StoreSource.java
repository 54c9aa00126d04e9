package dev.detour.ledger.http;

import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Reads the ledger's local state stores: from a running KafkaStreams, or from a TopologyTestDriver in tests. */
@FunctionalInterface
public interface StoreSource {

    <V> ReadOnlyKeyValueStore<String, V> store(String name);
}
