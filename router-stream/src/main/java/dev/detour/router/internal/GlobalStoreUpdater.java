package dev.detour.router.internal;

import java.util.function.BiConsumer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps a global store equal to its compacted topic, as raw bytes: decoding happens on read (and is
 * cached there), so a bad record can never stop the global thread.
 */
final class GlobalStoreUpdater implements Processor<String, byte[], Void, Void> {
    private final String storeName;
    private final GlobalStateVersion version;
    private final BiConsumer<String, byte[]> listener;
    private KeyValueStore<String, byte[]> store;

    GlobalStoreUpdater(String storeName, GlobalStateVersion version, BiConsumer<String, byte[]> listener) {
        this.storeName = storeName;
        this.version = version;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
        version.bump();
        listener.accept(record.key(), record.value());
    }
}
