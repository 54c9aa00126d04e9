package dev.detour.worker.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    private final TopicPartition p0 = new TopicPartition("detour.provider.a", 0);
    private final TopicPartition p1 = new TopicPartition("detour.provider.a", 1);

    @Test
    void commitsOnlyUpToTheLowestUnfinishedRecordWhenRecordsFinishOutOfOrder() {
        OffsetTracker tracker = new OffsetTracker();
        var t10 = tracker.start(p0, 10);
        var t11 = tracker.start(p0, 11);
        var t12 = tracker.start(p0, 12);

        tracker.finish(t12);
        tracker.finish(t11);
        assertThat(tracker.commitsDue()).containsExactly(Map.entry(p0, new OffsetAndMetadata(10)));

        tracker.finish(t10);
        assertThat(tracker.commitsDue()).containsExactly(Map.entry(p0, new OffsetAndMetadata(13)));
        assertThat(tracker.unfinished(p0)).isZero();
    }

    @Test
    void aGapInTheMiddleHoldsTheCommitAtTheGap() {
        PartitionOffsets offsets = new PartitionOffsets();
        for (long o = 0; o < 5; o++) {
            offsets.started(o);
        }
        offsets.finished(0);
        offsets.finished(1);
        offsets.finished(3);
        offsets.finished(4);
        assertThat(offsets.committable()).hasValue(2);
        offsets.finished(2);
        assertThat(offsets.committable()).hasValue(5);
    }

    @Test
    void reportsACommitOnlyWhenThePositionMoved() {
        OffsetTracker tracker = new OffsetTracker();
        var t = tracker.start(p0, 0);
        tracker.finish(t);
        Map<TopicPartition, OffsetAndMetadata> due = tracker.commitsDue();
        assertThat(due).containsEntry(p0, new OffsetAndMetadata(1));
        tracker.committed(due);
        assertThat(tracker.commitsDue()).isEmpty();
        tracker.start(p0, 1);
        assertThat(tracker.commitsDue()).as("offset 1 is still unfinished").isEmpty();
    }

    @Test
    void partitionsAreIndependent() {
        OffsetTracker tracker = new OffsetTracker();
        var a = tracker.start(p0, 5);
        tracker.start(p1, 7);
        tracker.finish(a);
        assertThat(tracker.commitsDue()).containsOnly(Map.entry(p0, new OffsetAndMetadata(6)),
                Map.entry(p1, new OffsetAndMetadata(7)));
    }

    @Test
    void aLateCompletionFromARevokedOwnershipDoesNotCountAfterTheReassignment() {
        OffsetTracker tracker = new OffsetTracker();
        var old = tracker.start(p0, 3);
        tracker.release(p0);
        assertThat(tracker.commitsDue()).isEmpty();

        // The partition comes back; offset 3 is re-delivered and is in flight again.
        var again = tracker.start(p0, 3);
        assertThat(tracker.finish(old)).isFalse();
        assertThat(tracker.unfinished(p0)).isEqualTo(1);
        assertThat(tracker.commitsDue()).containsExactly(Map.entry(p0, new OffsetAndMetadata(3)));

        assertThat(tracker.finish(again)).isTrue();
        assertThat(tracker.commitsDue()).containsExactly(Map.entry(p0, new OffsetAndMetadata(4)));
    }

    @Test
    void revokingWithCallsInFlightCommitsNothingPastThem() {
        OffsetTracker tracker = new OffsetTracker();
        var t0 = tracker.start(p0, 0);
        tracker.start(p0, 1);
        var t2 = tracker.start(p0, 2);
        tracker.finish(t0);
        tracker.finish(t2);
        assertThat(tracker.commitsDue(java.util.Set.of(p0))).containsExactly(Map.entry(p0, new OffsetAndMetadata(1)));
        tracker.release(p0);
        assertThat(tracker.partitions()).isEmpty();
    }

    @Test
    void offsetsMustGrow() {
        PartitionOffsets offsets = new PartitionOffsets();
        offsets.started(4);
        assertThatThrownBy(() -> offsets.started(4)).isInstanceOf(IllegalArgumentException.class);
    }
}
