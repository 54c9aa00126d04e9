package dev.detour.worker.offsets;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Per-partition bookkeeping of in-flight records, deciding what may be committed.
 *
 * <p>Each record handed to a call gets a {@link Ticket} naming the ownership it belongs to. When the
 * partition is revoked the ownership ends: the ticket of a record that finishes later (an abandoned
 * call) no longer counts, even if the partition has since been assigned back, because that record
 * will be (or was) re-delivered and processed again under the new ownership.
 *
 * <p>Not thread-safe: the poll thread owns it; call threads report completions through a queue.
 */
public final class OffsetTracker {

    /** Proof that a record was started under one ownership of its partition. */
    public record Ticket(TopicPartition partition, long offset, PartitionOffsets owner) {}

    private final Map<TopicPartition, PartitionOffsets> owned = new HashMap<>();

    public Ticket start(TopicPartition partition, long offset) {
        PartitionOffsets offsets = owned.computeIfAbsent(partition, p -> new PartitionOffsets());
        offsets.started(offset);
        return new Ticket(partition, offset, offsets);
    }

    /** @return true when the ticket belonged to the current ownership and is now finished */
    public boolean finish(Ticket ticket) {
        PartitionOffsets current = owned.get(ticket.partition());
        if (current != ticket.owner()) {
            return false;
        }
        current.finished(ticket.offset());
        return true;
    }

    public int unfinished(TopicPartition partition) {
        PartitionOffsets offsets = owned.get(partition);
        return offsets == null ? 0 : offsets.unfinishedCount();
    }

    public int unfinished(Set<TopicPartition> partitions) {
        int n = 0;
        for (TopicPartition p : partitions) {
            n += unfinished(p);
        }
        return n;
    }

    public int unfinishedTotal() {
        return unfinished(owned.keySet());
    }

    /** Offsets whose committable position moved since they were last committed. */
    public Map<TopicPartition, OffsetAndMetadata> commitsDue() {
        return commitsDue(owned.keySet());
    }

    public Map<TopicPartition, OffsetAndMetadata> commitsDue(Set<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> due = new HashMap<>();
        for (TopicPartition p : partitions) {
            PartitionOffsets offsets = owned.get(p);
            if (offsets != null) {
                offsets.commitDue().ifPresent(o -> due.put(p, o));
            }
        }
        return due;
    }

    /** Records that a commit of these positions succeeded (an async one may land after a revoke). */
    public void committed(Map<TopicPartition, OffsetAndMetadata> positions) {
        positions.forEach((p, o) -> {
            PartitionOffsets offsets = owned.get(p);
            if (offsets != null) {
                offsets.committed(o);
            }
        });
    }

    /**
     * A partition was assigned: a new ownership begins, knowing from the committed metadata which
     * records above the committed offset the previous owner already finished.
     */
    public void assigned(TopicPartition partition, OffsetAndMetadata committed) {
        FinishedAbove inherited = committed == null ? null
                : FinishedAbove.decode(committed.offset(), committed.metadata()).orElse(null);
        owned.put(partition, new PartitionOffsets(inherited));
    }

    /** Whether this record finished under the previous owner (then it is skipped, not processed). */
    public boolean finishedBefore(TopicPartition partition, long offset) {
        PartitionOffsets offsets = owned.get(partition);
        return offsets != null && offsets.finishedBefore(offset);
    }

    /** Ends the ownership of a partition; its unfinished records are abandoned. */
    public void release(TopicPartition partition) {
        owned.remove(partition);
    }

    public Set<TopicPartition> partitions() {
        return Set.copyOf(owned.keySet());
    }
}
