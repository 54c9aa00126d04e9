package dev.detour.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.core.config.ConfigKeys;
import dev.detour.router.RecordSerdes;
import dev.detour.router.policy.ProbeLedger;
import dev.detour.schema.BudgetState;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.HealthSnapshot;
import dev.detour.schema.TenantPolicy;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class RouterViewTest {
    private final RecordSerdes serdes = RecordSerdes.forUrl("mock://router-view-" + System.nanoTime());

    private static KeyValueStore<String, byte[]> store(String name) {
        KeyValueStore<String, byte[]> s = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        s.init(new MockProcessorContext<>().getStateStoreContext(), s);
        return s;
    }

    @Test
    void tenantNamesFromRequestsNeverGrowTheViewWithoutBound() {
        KeyValueStore<String, byte[]> config = store("config");
        TenantPolicy acme = TenantPolicy.newBuilder().setTenant("acme").build();
        config.put(ConfigKeys.tenant("acme"),
                serdes.serde(ConfigRecord.class).serializer().serialize("config", ConfigRecord.newBuilder().setTenant(acme).build()));
        RouterView view = new RouterView(config, store("health"), store("budgets"),
                serdes.serde(ConfigRecord.class).deserializer(), serdes.serde(HealthSnapshot.class).deserializer(),
                serdes.serde(BudgetState.class).deserializer(), new ProbeLedger(1_000), new GlobalStateVersion());

        assertThat(view.tenant("acme")).isEqualTo(acme);
        for (int i = 0; i < 3 * RouterView.MAX_KEYED_ENTRIES; i++) {
            assertThat(view.tenant("random-" + i)).isNull();
            assertThat(view.budget("random-" + i)).isNull();
        }
        assertThat(view.keyedEntries()).isLessThanOrEqualTo(5 * RouterView.MAX_KEYED_ENTRIES);
        assertThat(view.tenant("acme")).isEqualTo(acme);
    }
}
