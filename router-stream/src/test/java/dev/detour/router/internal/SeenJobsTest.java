package dev.detour.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SeenJobsTest {
    private static final long WINDOW = 3_600_000;
    private static final long T0 = 1_800_000_000_000L;

    private KeyValueStore<String, Long> store;
    private SeenJobs seen;

    @BeforeEach
    void open() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("seen"), Serdes.String(), Serdes.Long())
                .withLoggingDisabled().build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        seen = new SeenJobs(store, WINDOW);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aJobIdIsAcceptedOncePerWindowCountedFromItsFirstSighting() {
        assertThat(seen.accept("j", T0)).isTrue();
        assertThat(seen.accept("j", T0 + 1)).isFalse();
        assertThat(seen.accept("j", T0 + WINDOW)).isFalse();
        assertThat(seen.accept("other", T0 + 1)).isTrue();
        assertThat(seen.accept("j", T0 + WINDOW + 1)).isTrue();
        assertThat(seen.accept("j", T0 + WINDOW + 2)).isFalse();
    }

    @Test
    void aSightingWithAnEarlierRecordTimeIsARepublicationToo() {
        assertThat(seen.accept("j", T0)).isTrue();
        assertThat(seen.accept("j", T0 - 5_000)).isFalse();
    }

    @Test
    void sweepsForgetOnlyIdsOlderThanTheWindowABoundedSliceAtATime() {
        int old = SeenJobs.MIN_SWEEP_BATCH * 2 + 500;
        for (int i = 0; i < old; i++) {
            seen.accept(String.format("old-%06d", i), T0);
        }
        for (int i = 0; i < 10; i++) {
            seen.accept("new-" + i, T0 + WINDOW);
        }
        long now = T0 + WINDOW + 1;

        int first = seen.sweep(now);
        assertThat(first).isPositive().isLessThanOrEqualTo(SeenJobs.MIN_SWEEP_BATCH);
        int forgotten = first;
        for (int i = 0; i < 5 && forgotten < old; i++) {
            forgotten += seen.sweep(now);
        }

        assertThat(forgotten).isEqualTo(old);
        assertThat(store.approximateNumEntries()).isEqualTo(10);
        // Forgotten ids are new again; remembered ones are still dropped.
        assertThat(seen.accept("old-000000", now)).isTrue();
        assertThat(seen.accept("new-3", now)).isFalse();
    }
}
