package dev.detour.ledger.topology;

import dev.detour.ledger.budget.BudgetLimits;
import dev.detour.ledger.spend.PriceSheet;
import dev.detour.schema.ConfigRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * The ledger's reading of detour.config from the global store: catalog prices (looked up on every record, so a
 * catalog update applies from the next record on; parsed again only when its bytes change) and tenant budgets.
 */
final class ConfigView {

    private static final Logger log = LoggerFactory.getLogger(ConfigView.class);
    static final String CATALOG_KEY = "catalog";

    private final KeyValueStore<String, byte[]> store;
    private final Deserializer<ConfigRecord> decoder;
    private byte[] cachedBytes;
    private PriceSheet cachedSheet = PriceSheet.empty();

    ConfigView(KeyValueStore<String, byte[]> store, Deserializer<ConfigRecord> decoder) {
        this.store = store;
        this.decoder = decoder;
    }

    PriceSheet prices() {
        byte[] bytes = store.get(CATALOG_KEY);
        if (bytes == null) {
            return PriceSheet.empty();
        }
        if (!Arrays.equals(bytes, cachedBytes)) {
            ConfigRecord r = decode(CATALOG_KEY, bytes);
            cachedBytes = bytes;
            cachedSheet = r == null || r.getCatalog() == null ? PriceSheet.empty() : PriceSheet.of(r.getCatalog());
        }
        return cachedSheet;
    }

    BudgetLimits budget(String tenant) {
        String key = "tenant/" + tenant;
        byte[] bytes = store.get(key);
        ConfigRecord r = bytes == null ? null : decode(key, bytes);
        return r == null ? BudgetLimits.NONE : BudgetLimits.of(r.getTenant());
    }

    private ConfigRecord decode(String key, byte[] bytes) {
        try {
            return decoder.deserialize(null, bytes);
        } catch (RuntimeException e) {
            log.warn("config {} does not decode: {}", key, e.getMessage());
            return null;
        }
    }
}
