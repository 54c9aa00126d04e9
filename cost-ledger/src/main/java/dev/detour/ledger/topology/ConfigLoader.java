package dev.detour.ledger.topology;

import dev.detour.schema.ConfigRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global copy of detour.config as the topic's own bytes (so a restore, which copies bytes without
 * running this processor, gives the same store). A tombstone removes the key; a record that does not decode
 * is skipped, keeping the last good value, rather than stopping the global thread or erasing prices.
 */
final class ConfigLoader implements Processor<String, byte[], Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);

    private final Deserializer<ConfigRecord> decoder;
    private KeyValueStore<String, byte[]> store;

    ConfigLoader(Deserializer<ConfigRecord> decoder) {
        this.decoder = decoder;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(LedgerStores.CONFIG);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) return;
        if (record.value() == null) {
            store.delete(record.key());
            return;
        }
        try {
            decoder.deserialize(null, record.headers(), record.value());
        } catch (RuntimeException e) {
            log.warn("skipping config record {} that does not decode: {}", record.key(), e.getMessage());
            return;
        }
        store.put(record.key(), record.value());
    }
}
