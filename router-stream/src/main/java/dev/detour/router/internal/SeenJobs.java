package dev.detour.router.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The job ids a task accepted within the dedupe window: a local lookup (job id -> record time of the
 * first sighting) rebuilt from the changelogged {@link SeenJobLog} when the task starts. The lookup
 * itself has no changelog.
 *
 * <p>Per request, in memory: a split block Bloom filter of every id of the window (one cache miss per
 * check), then, only when it says "maybe" (a re-publication, or about 3% of new ids), the ids accepted
 * since the last batch write and the lookup store; new ids reach the store in batches of
 * {@link #LOOKUP_BATCH} (one RocksDB write batch).
 * With the default RocksDB stores a point read and a write per request were ~4.6 µs of the stream
 * thread's ~13, through JNI, where a Java profiler does not look.
 *
 * <p>Each start of the task is an incarnation with its own random number, stored with every lookup
 * entry: entries of an earlier incarnation still on local disk may name ids that never reached the log
 * (accepted, then a crash before their commit) and count as unknown; the ids the log holds are written
 * again under the current incarnation by {@link #load}.
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
    /** New ids held in memory before they are written to the lookup in one batch. */
    static final int LOOKUP_BATCH = 5_000;
    /** Ids per filter generation it is sized for (1 MB, ~3% false positives); more only raise that rate. */
    static final int FILTER_CAPACITY = 1_000_000;

    private final KeyValueStore<String, byte[]> lookup;
    private final SeenJobLog log;
    private final long windowMs;
    private final long incarnation;
    /** Accepted, not yet in the lookup store. */
    private final UnwrittenIds unwritten = new UnwrittenIds(LOOKUP_BATCH);
    /** Two generations, each started when the one before had covered a window: every id of the last window is in one. */
    private SplitBlockBloomFilter filter = newFilter();
    private SplitBlockBloomFilter previousFilter = newFilter();
    private long filterSinceMs = Long.MIN_VALUE;
    /** Probing a filter costs a cache miss per hash; an empty generation (the first window) is skipped. */
    private boolean previousHasIds;
    private boolean currentHasIds;
    private String cursor;

    SeenJobs(KeyValueStore<String, byte[]> lookup, SeenJobLog log, long windowMs, long incarnation) {
        this.lookup = lookup;
        this.log = log;
        this.windowMs = windowMs;
        this.incarnation = incarnation;
    }

    /** Rebuilds the lookup and the filter from the log; call once the task's stores are restored. */
    void load(long nowMs) {
        long cutoff = nowMs - windowMs;
        List<KeyValue<String, byte[]>> batch = new ArrayList<>();
        log.replay((jobId, recordTimeMs) -> {
            if (recordTimeMs >= cutoff) {
                batch.add(KeyValue.pair(jobId, entry(recordTimeMs)));
                filter.put(SplitBlockBloomFilter.hash(jobId));
                currentHasIds = true;
                if (batch.size() == LOOKUP_BATCH) {
                    lookup.putAll(batch);
                    batch.clear();
                }
            }
        });
        lookup.putAll(batch);
    }

    /**
     * Records the job id and returns true when it was not accepted within the window before
     * {@code recordTimeMs}; returns false (and changes nothing) for a re-publication. A sighting with an
     * earlier record time than the stored one is a re-publication as well.
     */
    boolean accept(String jobId, long recordTimeMs) {
        log.writeCommitted();
        rotateFilter(recordTimeMs);
        long hash = SplitBlockBloomFilter.hash(jobId);
        // Every id of the window is in a filter generation, the unwritten ones included: most new ids stop here.
        if (filter.mightContain(hash) || (previousHasIds && previousFilter.mightContain(hash))) {
            long first = unwritten.timeOf(hash, jobId);
            if (first == UnwrittenIds.ABSENT) {
                byte[] seen = lookup.get(jobId);
                if (seen != null && incarnationOf(seen) == incarnation) {
                    first = firstSeen(seen);
                }
            }
            if (first != UnwrittenIds.ABSENT && recordTimeMs - first <= windowMs) {
                return false;
            }
        }
        unwritten.put(hash, jobId, recordTimeMs);
        filter.put(hash);
        currentHasIds = true;
        log.append(jobId, recordTimeMs);
        if (unwritten.isFull()) {
            writeLookup();
        }
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
        writeLookup();
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

    private void writeLookup() {
        if (unwritten.size() == 0) {
            return;
        }
        List<KeyValue<String, byte[]>> batch = new ArrayList<>(unwritten.size());
        unwritten.forEach((id, t) -> batch.add(KeyValue.pair(id, entry(t))));
        lookup.putAll(batch);
        unwritten.clear();
    }

    private void rotateFilter(long recordTimeMs) {
        if (filterSinceMs == Long.MIN_VALUE) {
            filterSinceMs = recordTimeMs;
        } else if (recordTimeMs - filterSinceMs > windowMs) {
            previousFilter = filter;
            previousHasIds = currentHasIds;
            filter = newFilter();
            currentHasIds = false;
            filterSinceMs = recordTimeMs;
        }
    }

    private static SplitBlockBloomFilter newFilter() {
        return new SplitBlockBloomFilter(FILTER_CAPACITY);
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
