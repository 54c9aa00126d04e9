package dev.detour.router.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The job ids a task accepted within the dedupe window: a local lookup (job id -> record time of the
 * first sighting; one point read and one write per request, whatever it holds) rebuilt from the
 * changelogged {@link SeenJobLog} when the task starts. The lookup itself has no changelog.
 *
 * <p>Each start of the task is an incarnation with its own random number, stored with every entry:
 * entries of an earlier incarnation still on local disk may name ids that never reached the log
 * (accepted, then a crash before their commit) and count as unknown; the ids the log holds are
 * written again under the current incarnation by {@link #load}.
 *
 * <p>Ids older than the window are forgotten by {@link #sweep}, a bounded slice of the lookup per call
 * resumed where the last one stopped, so no single punctuation walks the whole store; an id may thus
 * be remembered somewhat longer than the window, never shorter.
 */
final class SeenJobs {
    /** Entries looked at per sweep, at least; more when the store is large (see {@link #sweep}). */
    static final int MIN_SWEEP_BATCH = 10_000;
    /** A full pass over the store takes at most this many sweeps. */
    static final int SWEEPS_PER_PASS = 30;

    private final KeyValueStore<String, byte[]> lookup;
    private final SeenJobLog log;
    private final long windowMs;
    private final long incarnation;
    private String cursor;

    SeenJobs(KeyValueStore<String, byte[]> lookup, SeenJobLog log, long windowMs, long incarnation) {
        this.lookup = lookup;
        this.log = log;
        this.windowMs = windowMs;
        this.incarnation = incarnation;
    }

    /** Rebuilds the lookup from the log; call once the task's stores are restored. */
    void load(long nowMs) {
        long cutoff = nowMs - windowMs;
        log.replay((jobId, recordTimeMs) -> {
            if (recordTimeMs >= cutoff) {
                lookup.put(jobId, entry(recordTimeMs));
            }
        });
    }

    /**
     * Records the job id and returns true when it was not accepted within the window before
     * {@code recordTimeMs}; returns false (and changes nothing) for a re-publication. A sighting with an
     * earlier record time than the stored one is a re-publication as well.
     */
    boolean accept(String jobId, long recordTimeMs) {
        log.writeCommitted();
        byte[] seen = lookup.get(jobId);
        if (seen != null && incarnationOf(seen) == incarnation && recordTimeMs - firstSeen(seen) <= windowMs) {
            return false;
        }
        lookup.put(jobId, entry(recordTimeMs));
        log.append(jobId, recordTimeMs);
        return true;
    }

    /** Writes the ids whose commit completed, when no record came along to do it. */
    void writeCommitted() {
        log.writeCommitted();
    }

    /**
     * Writes what was committed since (when no record came to do it), then forgets ids first seen
     * before {@code nowMs - window}, looking at one slice of the lookup; returns how many it forgot.
     */
    int sweep(long nowMs) {
        log.writeCommitted();
        long cutoff = nowMs - windowMs;
        log.sweep(cutoff);
        long size = lookup.approximateNumEntries();
        long batch = Math.max(MIN_SWEEP_BATCH, size / SWEEPS_PER_PASS + 1);
        List<String> expired = new ArrayList<>();
        String next = null;
        try (KeyValueIterator<String, byte[]> it = lookup.range(cursor, null)) {
            long looked = 0;
            while (it.hasNext()) {
                KeyValue<String, byte[]> e = it.next();
                if (looked++ == batch) {
                    next = e.key;
                    break;
                }
                if (incarnationOf(e.value) != incarnation || firstSeen(e.value) < cutoff) {
                    expired.add(e.key);
                }
            }
        }
        expired.forEach(lookup::delete);
        cursor = next;
        return expired.size();
    }

    private byte[] entry(long recordTimeMs) {
        return ByteBuffer.allocate(2 * Long.BYTES).putLong(recordTimeMs).putLong(incarnation).array();
    }

    private static long firstSeen(byte[] entry) {
        return ByteBuffer.wrap(entry).getLong(0);
    }

    private static long incarnationOf(byte[] entry) {
        return entry.length == 2 * Long.BYTES ? ByteBuffer.wrap(entry).getLong(Long.BYTES) : 0;
    }
}
