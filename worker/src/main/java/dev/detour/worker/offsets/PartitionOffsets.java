package dev.detour.worker.offsets;

import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import java.util.TreeSet;

/**
 * Offsets of one partition that were handed out and not yet finished, for one ownership of that
 * partition. Records arrive in offset order but finish in any order; the partition may only be
 * committed up to the lowest record still unfinished, so a crash re-delivers exactly the records that
 * were not finished (plus finished ones above that point, which downstream de-duplicates by id).
 *
 * <p>Not thread-safe: owned by the poll thread. A new instance is made each time the partition is
 * assigned, so a late completion from an earlier ownership can be told apart ({@link OffsetTracker}
 * compares instances).
 */
public final class PartitionOffsets {
    private final TreeSet<Long> unfinished = new TreeSet<>();
    private long highestStarted = -1;
    private long lastCommitted = -1;
    private String lastMetadata = "";
    private final FinishedAbove inherited;

    public PartitionOffsets() {
        this(null);
    }

    /** @param inherited records the previous owner finished above its commit (skipped here), or null */
    public PartitionOffsets(FinishedAbove inherited) {
        this.inherited = inherited;
    }

    /** Whether the previous owner already finished this record, so it must not be processed again. */
    public boolean finishedBefore(long offset) {
        return inherited != null && inherited.finished(offset);
    }

    /** A record at this offset starts; offsets must be handed out in increasing order. */
    public void started(long offset) {
        if (offset <= highestStarted) {
            throw new IllegalArgumentException("offset " + offset + " started after " + highestStarted);
        }
        unfinished.add(offset);
        highestStarted = offset;
    }

    /** A record finished (its outputs are durably published); unknown offsets are ignored. */
    public void finished(long offset) {
        unfinished.remove(offset);
    }

    public int unfinishedCount() {
        return unfinished.size();
    }

    public boolean isUnfinished(long offset) {
        return unfinished.contains(offset);
    }

    /**
     * The offset to commit (the next record a new owner should read): the lowest unfinished offset,
     * or one past the highest started when all are finished; empty when nothing was started.
     */
    public OptionalLong committable() {
        if (!unfinished.isEmpty()) {
            return OptionalLong.of(unfinished.first());
        }
        return highestStarted < 0 ? OptionalLong.empty() : OptionalLong.of(highestStarted + 1);
    }

    /**
     * The position to commit, with the finished records above it in the metadata, when either moved
     * since the last successful commit; else empty.
     */
    public Optional<OffsetAndMetadata> commitDue() {
        OptionalLong next = committable();
        if (next.isEmpty()) {
            return Optional.empty();
        }
        long committed = next.getAsLong();
        String metadata = "";
        if (!unfinished.isEmpty() && highestStarted > committed) {
            metadata = new FinishedAbove(committed, highestStarted, new TreeSet<>(unfinished.tailSet(committed, false)))
                    .encode();
        }
        if (committed <= lastCommitted && metadata.equals(lastMetadata)) {
            return Optional.empty();
        }
        return Optional.of(new OffsetAndMetadata(committed, metadata));
    }

    public void committed(OffsetAndMetadata position) {
        if (position.offset() >= lastCommitted) {
            lastCommitted = position.offset();
            lastMetadata = position.metadata();
        }
    }
}
