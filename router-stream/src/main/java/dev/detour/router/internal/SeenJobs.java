package dev.detour.router.internal;

/**
 * The job ids a task accepted within the dedupe window. In memory, a {@link SeenIdTable} from each id's
 * 64-bit hash to the {@link SeenJobLog} batch that holds it (or will, after its commit); the log is
 * the only store, changelogged, and the table is rebuilt from it when the task starts.
 *
 * <p>Per request: one hash of the id's characters and one probe of the table (one cache miss). A new
 * id, nearly always, finds no entry with its hash and is added with the batch the log will write it
 * in. A matching hash is confirmed against the id itself, in memory while its batch is not written,
 * in the batch otherwise: a re-publication pays a read of one batch, and so does a hash collision
 * (about one new id in 2^64 / ids in the window). Until 2026-12-02 the ids also went to a second,
 * local RocksDB store (id -> first sighting) behind a Bloom filter; its batch writes were ~6% of the
 * router's CPU, found with JDK 25's CPU-time sampler, which sees native code.
 *
 * <p>Ids older than the window are forgotten by {@link #sweep}, with the log batches whose newest id
 * left the window; an id may thus be remembered somewhat longer than the window, never shorter.
 */
final class SeenJobs {
    private final SeenJobLog log;
    private final long windowMs;
    private final SeenIdTable table = new SeenIdTable();
    /** The oldest log batch the table may name; entries before it go when sweeping moves it on. */
    private long oldestSeq;

    SeenJobs(SeenJobLog log, long windowMs) {
        this.log = log;
        this.windowMs = windowMs;
    }

    /** Rebuilds the table from the log; call once the task's stores are restored. */
    void load() {
        log.replay((seq, sighting) -> table.put(SeenIdTable.hash(sighting.jobId()), seq));
        oldestSeq = log.oldestSeq();
    }

    /**
     * Records the job id and returns true when it was not accepted within the window before
     * {@code recordTimeMs}; returns false (and changes nothing) for a re-publication. A sighting with an
     * earlier record time than the stored one is a re-publication as well.
     */
    boolean accept(String jobId, long recordTimeMs) {
        log.writeCommitted();
        long hash = SeenIdTable.hash(jobId);
        for (int slot = table.find(hash); slot >= 0; slot = table.findNext(hash, slot)) {
            long seq = table.seqAt(slot);
            long first = log.pending(seq) ? log.pendingTimeOf(jobId) : log.loggedTimeOf(seq, jobId);
            if (first != SeenJobLog.ABSENT && recordTimeMs - first <= windowMs) {
                return false;
            }
        }
        table.put(hash, log.append(jobId, recordTimeMs));
        return true;
    }

    /** Writes the ids whose commit completed, when no record came along to do it. */
    void writeCommitted() {
        log.writeCommitted();
    }

    /**
     * Writes what was committed since (when no record came to do it), then forgets the ids whose batch
     * left the window (ids first seen before {@code nowMs - window}); returns how many table entries
     * it forgot. (Entries of ids an aborted commit dropped stay until their batch number is swept; a
     * match on one finds no such id and costs only that look.)
     */
    int sweep(long nowMs) {
        log.writeCommitted();
        log.sweep(nowMs - windowMs);
        long oldest = log.oldestSeq();
        if (oldest == oldestSeq) {
            return 0;
        }
        oldestSeq = oldest;
        return table.retain((hash, seq) -> seq >= oldest);
    }

    /** Entries in the table, for tests. */
    int size() {
        return table.size();
    }
}
