package dev.detour.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SeenJobsTest {
    private static final long WINDOW = 3_600_000;
    private static final long T0 = 1_800_000_000_000L;

    private SeenJobLog log;
    private SeenJobs seen;

    @BeforeEach
    void open() {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        log = SeenJobLog.builder(Stores.inMemoryKeyValueStore("log")).withLoggingDisabled().build();
        log.init(context.getStateStoreContext(), log);
        seen = loaded();
    }

    @AfterEach
    void close() {
        log.close();
    }

    private SeenJobs loaded() {
        SeenJobs s = new SeenJobs(log, WINDOW);
        s.load();
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
    void aSuccessorKnowsTheLoggedIdsAndNotThoseAcceptedAfterTheLastCommit() {
        seen.accept("committed", T0);
        log.flushCache();
        seen.writeCommitted();
        seen.accept("uncommitted", T0 + 1);
        log.clearCache(); // then the task fails: its output may never have reached the broker

        SeenJobs next = loaded();

        assertThat(next.accept("committed", T0 + 2)).isFalse();
        assertThat(next.accept("uncommitted", T0 + 2)).isTrue();
        assertThat(next.accept("uncommitted", T0 + 3)).isFalse();
    }

    @Test
    void anIdOfAnAbortedIntervalIsNewAgainAndItsEntryIsSweptWithTheNextBatch() {
        seen.accept("aborted", T0);
        log.clearCache();

        assertThat(seen.accept("aborted", T0 + 1)).isTrue();
        assertThat(seen.size()).isEqualTo(2);
        log.flushCache();
        seen.accept("later", T0 + WINDOW);
        log.flushCache();
        seen.writeCommitted();

        assertThat(seen.sweep(T0 + WINDOW + 2)).as("the logged entry and the aborted one").isEqualTo(2);
        assertThat(seen.size()).isEqualTo(1);
        assertThat(seen.accept("later", T0 + WINDOW + 3)).isFalse();
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
    void sweepsForgetIdsOlderThanTheWindowWithTheirBatches() {
        int old = SeenJobLog.MAX_IDS_PER_BATCH * 3 + 5;
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
        long now = T0 + WINDOW + 1;

        assertThat(seen.sweep(now)).isEqualTo(old);

        assertThat(log.batchCount()).as("batches of old ids only, all gone").isEqualTo(1);
        assertThat(seen.size()).isEqualTo(10);
        assertThat(seen.accept("old-000000", now)).as("forgotten: new again").isTrue();
        assertThat(seen.accept("new-3", now)).isFalse();
        assertThat(seen.sweep(now)).as("nothing left to forget").isZero();
    }

    @Test
    void idsAreFoundInTheirBatchesPendingOrLoggedAndAfterAReload() {
        int n = SeenJobLog.MAX_IDS_PER_BATCH * 2;
        for (int i = 0; i < n; i++) {
            assertThat(seen.accept("batch-" + i, T0 + i)).isTrue();
        }
        log.flushCache();
        assertThat(seen.accept("batch-0", T0 + n)).as("set aside, not written yet").isFalse();
        seen.writeCommitted();
        assertThat(log.batchCount()).isEqualTo(2);

        for (int i = 0; i < n; i += 111) {
            assertThat(seen.accept("batch-" + i, T0 + n)).as("batch-" + i).isFalse();
        }
        assertThat(loaded().accept("batch-" + (n - 1), T0 + n)).isFalse();
        assertThat(seen.accept("batch-" + n, T0 + n)).isTrue();
    }

    private List<String> logged() {
        List<String> ids = new ArrayList<>();
        log.replay((seq, sighting) -> ids.add(sighting.jobId()));
        return ids;
    }
}
