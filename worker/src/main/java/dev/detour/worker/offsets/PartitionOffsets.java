package dev.detour.worker.offsets;

import java.util.OptionalLong;
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

    /** The committable offset when it moved since the last {@link #committed(long)}; else empty. */
    public OptionalLong commitDue() {
        OptionalLong next = committable();
        return next.isPresent() && next.getAsLong() > lastCommitted ? next : OptionalLong.empty();
    }

    public void committed(long offset) {
        lastCommitted = Math.max(lastCommitted, offset);
    }
}
