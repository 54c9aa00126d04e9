package dev.detour.router.internal;

import java.util.Set;

/**
 * The job ids a task accepted within the dedupe window. In memory, a {@link SeenIdTable} from each id's
 * 64-bit hash to the {@link SeenJobLog} batch that holds it (or "pending" until its commit); the log is
 * the only store, changelogged, and the table is rebuilt from it when the task starts.
 *
 * <p>Per request: one hash of the id's characters and one probe of the table (one cache miss). A new
 * id, nearly always, finds no entry with its hash and is added. A matching hash is confirmed against
 * the id itself, in memory for the ids not logged yet, in its batch otherwise: re-publications pay a
 * read of one batch, a hash collision (about one new id in 2^64 / ids in the window) the same.
 * Until 2026-12 the ids also went to a second, local RocksDB store (id -> first sighting) behind a
 * Bloom filter; its batch writes were ~6% of the router's CPU, found with JDK 25's CPU-time sampler.
 *
 * <p>Ids older than the window are forgotten by {@link #sweep}, with the log batches whose newest id
 * left the window; an id may thus be remembered somewhat longer than the window, never shorter.
 */
final class SeenJobs {
    private final SeenJobLog log;
    private final long windowMs;
    private final SeenIdTable table = new SeenIdTable();
    private final SeenJobLog.Logged onLogged = table::logged;
    /** The oldest log batch the table may name; the table is rebuilt when sweeping moves it on. */
    private long oldestSeq;

    SeenJobs(SeenJobLog log, long windowMs) {
        this.log = log;
        this.windowMs = windowMs;
    }

    /** Rebuilds the table from the log; call once the task's stores are restored. */
    void load() {
        log.replay((seq, sighting) -> table.put(sighting.hash(), seq));
        oldestSeq = log.oldestSeq();
    }

    /**
     * Records the job id and returns true when it was not accepted within the window before
     * {@code recordTimeMs}; returns false (and changes nothing) for a re-publication. A sighting with an
     * earlier record time than the stored one is a re-publication as well.
     */
    boolean accept(String jobId, long recordTimeMs) {
        log.writeCommitted(onLogged);
        long hash = SeenIdTable.hash(jobId);
        for (int slot = table.find(hash); slot >= 0; slot = table.findNext(hash, slot)) {
            long seq = table.seqAt(slot);
            long first = seq == SeenIdTable.PENDING ? log.pendingTimeOf(jobId) : log.loggedTimeOf(seq, jobId);
            if (first != SeenJobLog.ABSENT && recordTimeMs - first <= windowMs) {
                return false;
            }
        }
        table.put(hash, SeenIdTable.PENDING);
        log.append(jobId, recordTimeMs, hash);
        return true;
    }

    /** Writes the ids whose commit completed, when no record came along to do it. */
    void writeCommitted() {
        log.writeCommitted(onLogged);
    }

    /**
     * Writes what was committed since (when no record came to do it), then forgets the ids whose batch
     * left the window: ids first seen before {@code nowMs - window}, and pending entries of ids a
     * failed commit dropped. Returns how many table entries it forgot.
     */
    int sweep(long nowMs) {
        log.writeCommitted(onLogged);
        log.sweep(nowMs - windowMs);
        long oldest = log.oldestSeq();
        if (oldest == oldestSeq) {
            return 0;
        }
        oldestSeq = oldest;
        // An aborted interval's ids leave the log's pending list; their entries go here.
        Set<Long> pending = log.pendingHashes();
        return table.retain((hash, seq) -> seq == SeenIdTable.PENDING ? pending.contains(hash) : seq >= oldest);
    }

    /** Entries in the table, for tests. */
    int size() {
        return table.size();
    }
}
