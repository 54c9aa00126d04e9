package dev.detour.worker.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    private final TopicPartition p0 = new TopicPartition("detour.provider.a", 0);
    private final TopicPartition p1 = new TopicPartition("detour.provider.a", 1);

    private static Map<TopicPartition, Long> positions(Map<TopicPartition, OffsetAndMetadata> due) {
        return due.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    @Test
    void commitsOnlyUpToTheLowestUnfinishedRecordWhenRecordsFinishOutOfOrder() {
        OffsetTracker tracker = new OffsetTracker();
        var t10 = tracker.start(p0, 10);
        var t11 = tracker.start(p0, 11);
        var t12 = tracker.start(p0, 12);

        tracker.finish(t12);
        tracker.finish(t11);
        assertThat(positions(tracker.commitsDue())).containsExactly(Map.entry(p0, 10L));

        tracker.finish(t10);
        assertThat(positions(tracker.commitsDue())).containsExactly(Map.entry(p0, 13L));
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
        assertThat(positions(due)).containsEntry(p0, 1L);
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
        assertThat(positions(tracker.commitsDue())).containsOnly(Map.entry(p0, 6L),
                Map.entry(p1, 7L));
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
        assertThat(positions(tracker.commitsDue())).containsExactly(Map.entry(p0, 3L));

        assertThat(tracker.finish(again)).isTrue();
        assertThat(positions(tracker.commitsDue())).containsExactly(Map.entry(p0, 4L));
    }

    @Test
    void revokingWithCallsInFlightCommitsNothingPastThem() {
        OffsetTracker tracker = new OffsetTracker();
        var t0 = tracker.start(p0, 0);
        tracker.start(p0, 1);
        var t2 = tracker.start(p0, 2);
        tracker.finish(t0);
        tracker.finish(t2);
        assertThat(positions(tracker.commitsDue(java.util.Set.of(p0)))).containsExactly(Map.entry(p0, 1L));
        tracker.release(p0);
        assertThat(tracker.partitions()).isEmpty();
    }

    @Test
    void theCommitTellsTheNextOwnerWhichRecordsAboveItAlreadyFinished() {
        OffsetTracker tracker = new OffsetTracker();
        var t = new java.util.ArrayList<OffsetTracker.Ticket>();
        for (long o = 100; o < 110; o++) {
            t.add(tracker.start(p0, o));
        }
        // 100 and 104 still running; the rest finished.
        for (int i = 0; i < 10; i++) {
            if (i != 0 && i != 4) {
                tracker.finish(t.get(i));
            }
        }
        OffsetAndMetadata commit = tracker.commitsDue().get(p0);
        assertThat(commit.offset()).isEqualTo(100);

        OffsetTracker next = new OffsetTracker();
        next.assigned(p0, commit);
        assertThat(next.finishedBefore(p0, 100)).as("the committed record itself is redone").isFalse();
        assertThat(next.finishedBefore(p0, 101)).isTrue();
        assertThat(next.finishedBefore(p0, 104)).as("was still running").isFalse();
        assertThat(next.finishedBefore(p0, 109)).isTrue();
        assertThat(next.finishedBefore(p0, 110)).as("never started").isFalse();
    }

    @Test
    void withoutMetadataNothingIsSkipped() {
        OffsetTracker tracker = new OffsetTracker();
        tracker.assigned(p0, new OffsetAndMetadata(5));
        tracker.assigned(p1, null);
        assertThat(tracker.finishedBefore(p0, 6)).isFalse();
        assertThat(tracker.finishedBefore(p1, 0)).isFalse();
        assertThat(FinishedAbove.decode(5, "something else")).isEmpty();
        assertThat(FinishedAbove.decode(5, "v1:x:")).isEmpty();
    }

    @Test
    void tooManyUnfinishedRecordsLeaveNoMetadataRatherThanTooMuch() {
        java.util.TreeSet<Long> unfinished = new java.util.TreeSet<>();
        for (long o = 1; o < 5_000; o += 2) {
            unfinished.add(o);
        }
        assertThat(new FinishedAbove(0, 10_000, unfinished).encode()).isEmpty();
        assertThat(new FinishedAbove(0, 10, new java.util.TreeSet<>(java.util.List.of(3L, 7L))).encode()).isEqualTo("v1:10:3,7");
    }

    @Test
    void aChangeAboveTheCommittedOffsetIsCommittedToo() {
        OffsetTracker tracker = new OffsetTracker();
        tracker.start(p0, 0);
        var t1 = tracker.start(p0, 1);
        var due = tracker.commitsDue();
        tracker.committed(due);
        tracker.finish(t1);
        assertThat(tracker.commitsDue().get(p0).metadata()).isEqualTo("v1:1:");
    }

    @Test
    void offsetsMustGrow() {
        PartitionOffsets offsets = new PartitionOffsets();
        offsets.started(4);
        assertThatThrownBy(() -> offsets.started(4)).isInstanceOf(IllegalArgumentException.class);
    }
}
