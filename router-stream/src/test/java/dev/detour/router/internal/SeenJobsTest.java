package dev.detour.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
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

    private KeyValueStore<String, byte[]> lookup;
    private SeenJobLog log;
    private SeenJobs seen;

    @BeforeEach
    void open() {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        lookup = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("lookup"), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        lookup.init(context.getStateStoreContext(), lookup);
        log = SeenJobLog.builder(Stores.inMemoryKeyValueStore("log")).withLoggingDisabled().build();
        log.init(context.getStateStoreContext(), log);
        seen = incarnation(1);
    }

    @AfterEach
    void close() {
        lookup.close();
        log.close();
    }

    private SeenJobs incarnation(long n) {
        SeenJobs s = new SeenJobs(lookup, log, WINDOW, n);
        s.load(T0);
        return s;
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
    void idsAreLoggedOnlyOnceTheCommitThatCoversThemBegan() {
        seen.accept("a", T0);
        seen.accept("b", T0);
        seen.writeCommitted();
        assertThat(log.batchCount()).isZero();

        log.flushCache(); // a commit begins: a and b are set aside, logged by what runs after it
        seen.accept("c", T0 + 1);

        assertThat(log.batchCount()).isEqualTo(1);
        assertThat(logged()).containsExactly("a", "b");
        log.flushCache();
        seen.writeCommitted();
        assertThat(logged()).containsExactly("a", "b", "c");
        assertThat(log.batchCount()).isEqualTo(2);
    }

    @Test
    void aNewIncarnationKnowsTheLoggedIdsAndNotThoseAcceptedAfterTheLastCommit() {
        seen.accept("committed", T0);
        log.flushCache();
        seen.writeCommitted();
        seen.accept("uncommitted", T0 + 1); // then a crash: its output may never have reached the broker
        seen.sweep(T0 + 1); // the lookup on local disk holds it

        SeenJobs next = incarnation(2);

        assertThat(next.accept("committed", T0 + 2)).isFalse();
        assertThat(next.accept("uncommitted", T0 + 2)).isTrue();
        assertThat(next.accept("uncommitted", T0 + 3)).isFalse();
    }

    @Test
    void aBigIntervalIsLoggedInSeveralBatchesThatReadBackWhole() {
        int n = SeenJobLog.MAX_IDS_PER_BATCH * 2 + 7;
        for (int i = 0; i < n; i++) {
            seen.accept("job-" + i + "-é", T0 + i);
        }
        log.flushCache();
        seen.writeCommitted();

        assertThat(log.batchCount()).isEqualTo(3);
        List<String> ids = logged();
        assertThat(ids).hasSize(n).startsWith("job-0-é").endsWith("job-" + (n - 1) + "-é");
    }

    @Test
    void sweepsForgetOnlyIdsOlderThanTheWindowABoundedSliceAtATime() {
        int old = SeenJobs.MIN_SWEEP_BATCH * 2 + 500;
        for (int i = 0; i < old; i++) {
            seen.accept(String.format("old-%06d", i), T0);
        }
        log.flushCache();
        seen.writeCommitted();
        for (int i = 0; i < 10; i++) {
            seen.accept("new-" + i, T0 + WINDOW);
        }
        log.flushCache();
        seen.writeCommitted();
        int oldBatches = log.batchCount() - 1;
        long now = T0 + WINDOW + 1;

        int first = seen.sweep(now);
        assertThat(first).isPositive().isLessThanOrEqualTo(SeenJobs.MIN_SWEEP_BATCH);
        assertThat(log.batchCount()).as("batches of old ids only, all gone").isEqualTo(1);
        assertThat(oldBatches).isPositive();
        int forgotten = first;
        for (int i = 0; i < 5 && forgotten < old; i++) {
            forgotten += seen.sweep(now);
        }

        assertThat(forgotten).isEqualTo(old);
        assertThat(lookup.approximateNumEntries()).isEqualTo(10);
        // Forgotten ids are new again; remembered ones are still dropped.
        assertThat(seen.accept("old-000000", now)).isTrue();
        assertThat(seen.accept("new-3", now)).isFalse();
    }

    @Test
    void sweepsAlsoDropEntriesOfEarlierIncarnations() {
        seen.accept("lost-in-a-crash", T0);
        seen.sweep(T0);
        assertThat(lookup.approximateNumEntries()).isEqualTo(1);
        SeenJobs next = incarnation(2);

        assertThat(next.sweep(T0 + 1)).isEqualTo(1);
        assertThat(lookup.approximateNumEntries()).isZero();
    }

    @Test
    void idsWrittenToTheLookupInABatchAreStillKnown() {
        for (int i = 0; i <= SeenJobs.LOOKUP_BATCH; i++) {
            assertThat(seen.accept("batch-" + i, T0)).isTrue();
        }
        assertThat(lookup.approximateNumEntries()).isEqualTo(SeenJobs.LOOKUP_BATCH);

        assertThat(seen.accept("batch-0", T0 + 1)).isFalse();
        assertThat(seen.accept("batch-" + SeenJobs.LOOKUP_BATCH, T0 + 1)).isFalse();
    }

    @Test
    void anIdOfTheWindowIsFoundAfterTheFilterMovedToANewGeneration() {
        seen.accept("early", T0);
        seen.sweep(T0);
        assertThat(seen.accept("late", T0 + WINDOW + 5)).isTrue(); // starts a new filter generation

        assertThat(seen.accept("early", T0 + WINDOW)).isFalse();
        assertThat(seen.accept("late", T0 + WINDOW + 6)).isFalse();
    }

    private List<String> logged() {
        List<String> ids = new ArrayList<>();
        log.replay((id, t) -> ids.add(id));
        return ids;
    }
}
