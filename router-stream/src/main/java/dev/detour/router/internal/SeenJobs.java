package dev.detour.router.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The job ids a task accepted within the dedupe window, as job id -> record time of the first sighting
 * in a changelogged key-value store: one point read and one write per request, whatever the store
 * holds. (A window store with 1 ms windows, its first design, made the in-memory variant scan every
 * millisecond of the window on each lookup.)
 *
 * <p>Ids older than the window are forgotten by {@link #sweep}, a bounded slice of the store per call
 * resumed where the last one stopped, so no single punctuation walks the whole store; an id may thus
 * be remembered somewhat longer than the window, never shorter.
 */
final class SeenJobs {
    /** Entries looked at per sweep, at least; more when the store is large (see {@link #sweep}). */
    static final int MIN_SWEEP_BATCH = 10_000;
    /** A full pass over the store takes at most this many sweeps. */
    static final int SWEEPS_PER_PASS = 30;

    private final KeyValueStore<String, Long> store;
    private final long windowMs;
    private String cursor;

    SeenJobs(KeyValueStore<String, Long> store, long windowMs) {
        this.store = store;
        this.windowMs = windowMs;
    }

    /**
     * Records the job id and returns true when it was not accepted within the window before
     * {@code recordTimeMs}; returns false (and changes nothing) for a re-publication. A sighting with an
     * earlier record time than the stored one is a re-publication as well.
     */
    boolean accept(String jobId, long recordTimeMs) {
        Long first = store.get(jobId);
        if (first != null && recordTimeMs - first <= windowMs) {
            return false;
        }
        store.put(jobId, recordTimeMs);
        return true;
    }

    /**
     * Forgets ids first seen before {@code nowMs - window}, looking at one slice of the store; returns
     * how many it forgot.
     */
    int sweep(long nowMs) {
        long cutoff = nowMs - windowMs;
        long size = store.approximateNumEntries();
        long batch = Math.max(MIN_SWEEP_BATCH, size / SWEEPS_PER_PASS + 1);
        List<String> expired = new ArrayList<>();
        String next = null;
        try (KeyValueIterator<String, Long> it = store.range(cursor, null)) {
            long looked = 0;
            while (it.hasNext()) {
                KeyValue<String, Long> e = it.next();
                if (looked++ == batch) {
                    next = e.key;
                    break;
                }
                if (e.value < cutoff) {
                    expired.add(e.key);
                }
            }
        }
        expired.forEach(store::delete);
        cursor = next;
        return expired.size();
    }
}
