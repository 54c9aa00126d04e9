package dev.detour.router.internal;

import java.util.Arrays;

/**
 * The job ids accepted since the last batch write to the dedupe lookup, with their record times: an
 * open-addressing table over the 64-bit hash {@link SeenJobs} already computed for its filter, so a put
 * neither hashes the string again nor allocates (a {@code HashMap<String, Long>} did both, and was a
 * tenth of the stream thread's time per request). Holds at most {@code capacity} ids; the owner writes
 * them out and {@link #clear()}s it when it is full.
 */
final class UnwrittenIds {
    /** Absent from {@link #timeOf}. */
    static final long ABSENT = Long.MIN_VALUE;

    private final String[] ids;
    private final long[] times;
    /** Per slot: index into {@link #ids} plus one, 0 for an empty slot. */
    private final int[] slots;
    private final long[] slotHashes;
    private final int mask;
    private int size;

    UnwrittenIds(int capacity) {
        ids = new String[capacity];
        times = new long[capacity];
        // At most a third full, so probes stay short.
        int tableSize = Integer.highestOneBit(Math.max(2, capacity * 2 - 1)) << 1;
        slots = new int[tableSize];
        slotHashes = new long[tableSize];
        mask = tableSize - 1;
    }

    int size() {
        return size;
    }

    boolean isFull() {
        return size == ids.length;
    }

    /** The record time stored for the id, or {@link #ABSENT}. */
    long timeOf(long hash, String id) {
        for (int s = (int) hash & mask; slots[s] != 0; s = (s + 1) & mask) {
            int i = slots[s] - 1;
            if (slotHashes[s] == hash && ids[i].equals(id)) {
                return times[i];
            }
        }
        return ABSENT;
    }

    /** Adds the id, or replaces its time when it is there. */
    void put(long hash, String id, long recordTimeMs) {
        int s = (int) hash & mask;
        for (; slots[s] != 0; s = (s + 1) & mask) {
            int i = slots[s] - 1;
            if (slotHashes[s] == hash && ids[i].equals(id)) {
                times[i] = recordTimeMs;
                return;
            }
        }
        if (isFull()) {
            throw new IllegalStateException("full: write the ids out first");
        }
        ids[size] = id;
        times[size] = recordTimeMs;
        slots[s] = ++size;
        slotHashes[s] = hash;
    }

    interface Visitor {
        void accept(String id, long recordTimeMs);
    }

    void forEach(Visitor v) {
        for (int i = 0; i < size; i++) {
            v.accept(ids[i], times[i]);
        }
    }

    void clear() {
        Arrays.fill(slots, 0);
        Arrays.fill(ids, 0, size, null);
        size = 0;
    }
}
