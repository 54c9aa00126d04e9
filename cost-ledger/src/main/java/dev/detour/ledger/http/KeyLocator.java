package dev.detour.ledger.http;

import org.apache.kafka.streams.state.HostInfo;

import java.util.List;
import java.util.Optional;

/** Which ledger instance holds a key of a store, and which instances exist (for questions asked of all). */
public interface KeyLocator {

    /** The instance holding {@code key} in {@code store}; empty while the group is rebalancing. */
    Optional<HostInfo> ownerOf(String store, String key);

    List<HostInfo> allHosts();

    /** A single instance: everything is local. */
    static KeyLocator local(HostInfo self) {
        return new KeyLocator() {
            @Override
            public Optional<HostInfo> ownerOf(String store, String key) {
                return Optional.of(self);
            }

            @Override
            public List<HostInfo> allHosts() {
                return List.of(self);
            }
        };
    }
}
