package dev.detour.router.internal;

/**
 * Where each job id of the dedupe window is kept: an open-addressing table from the id's 64-bit
 * {@link #hash} to the sequence number of the {@link SeenJobLog} batch that holds it (or will, once
 * its commit completed). Only hashes are kept, 20 bytes a slot, at most half full: an id whose hash
 * matches is confirmed against the id itself in the log, so a collision costs a read, never a wrong
 * answer. Lookups walk a separate array of 32-bit tags (4 bytes a slot) and read a slot's full hash
 * and sequence only when its tag matches: a new id, the common case, touches a fifth of the memory,
 * which a random read of a table larger than the cache pays for in cache and TLB misses. Not
 * thread-safe: each stream task owns its table.
 */
final class SeenIdTable {
    private static final int MIN_CAPACITY = 1 << 10;

    /** Per slot, 32 bits of its entry's hash, never 0; 0 for an empty slot. */
    private int[] tags;
    /** Pairs per slot: hash, then sequence. */
    private long[] slots;
    private int mask;
    private int size;
    /**
     * Where the last scan that found no more matches stopped: the free slot an insert of that hash
     * takes, unless something was put there since. A new id's lookup then insert walk the probe
     * sequence once (a cache miss each walk in a table larger than the cache). -1 after removals.
     */
    private long scannedHash;
    private int freeAfterScan = -1;

    SeenIdTable() {
        allocate(MIN_CAPACITY);
    }

    int size() {
        return size;
    }

    /** Slots allocated, for the memory estimate in the docs and tests. */
    int capacity() {
        return mask + 1;
    }

    /** The first slot holding this hash, or -1; walk on with {@link #findNext}. */
    int find(long hash) {
        return scan(hash, home(hash));
    }

    /** The next slot after {@code slot} holding this hash, or -1. */
    int findNext(long hash, int slot) {
        return scan(hash, (slot + 1) & mask);
    }

    /** The sequence in a slot {@link #find} returned. */
    long seqAt(int slot) {
        return slots[2 * slot + 1];
    }

    /** Adds an entry; an id seen again after the window gets a second entry, the older one swept later. */
    void put(long hash, long seq) {
        if (2 * (size + 1) > capacity()) {
            rebuild(capacity() * 2);
        }
        int free = freeAfterScan;
        if (free >= 0 && scannedHash == hash && tags[free] == 0) {
            // Inserts only fill slots, so every slot between the hash's home and this one is still taken.
            place(free, hash, seq);
        } else {
            insert(hash, seq);
        }
        freeAfterScan = -1;
    }

    /** Which entries {@link #retain} keeps. */
    interface Keep {
        boolean keep(long hash, long seq);
    }

    /** Keeps the entries {@code keep} accepts and returns how many it dropped; shrinks a mostly empty table. */
    int retain(Keep keep) {
        freeAfterScan = -1;
        int before = size;
        for (int s = 0; s <= mask; s++) {
            if (tags[s] != 0 && !keep.keep(slots[2 * s], slots[2 * s + 1])) {
                tags[s] = 0;
                size--;
            }
        }
        int wanted = capacity();
        while (wanted > MIN_CAPACITY && 8L * size < wanted) {
            wanted /= 2;
        }
        if (wanted < capacity()) {
            rebuild(wanted);
        } else if (size < before) {
            closeGaps();
        }
        return before - size;
    }

    /**
     * A 64-bit hash of the characters: each char added and multiplied by the golden-ratio constant, then
     * MurmurHash3's 64-bit finalizer so every input bit reaches the low bits that pick the slot. Not
     * collision-resistant against chosen ids; a collision only costs a confirmation, never a wrong answer.
     */
    static long hash(CharSequence s) {
        long h = s.length();
        for (int i = 0, n = s.length(); i < n; i++) {
            h = (h + s.charAt(i)) * 0x9E3779B97F4A7C15L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    private int scan(long hash, int from) {
        int tag = tag(hash);
        int s = from;
        for (int t; (t = tags[s]) != 0; s = (s + 1) & mask) {
            if (t == tag && slots[2 * s] == hash) {
                return s;
            }
        }
        scannedHash = hash;
        freeAfterScan = s;
        return -1;
    }

    private int home(long hash) {
        return (int) hash & mask;
    }

    /** The hash's high half, which the home slot (its low bits) does not already tell apart. */
    private static int tag(long hash) {
        int tag = (int) (hash >>> 32);
        return tag == 0 ? 1 : tag;
    }

    private void insert(long hash, long seq) {
        int s = home(hash);
        while (tags[s] != 0) {
            s = (s + 1) & mask;
        }
        place(s, hash, seq);
    }

    private void place(int slot, long hash, long seq) {
        tags[slot] = tag(hash);
        slots[2 * slot] = hash;
        slots[2 * slot + 1] = seq;
        size++;
    }

    /**
     * After removals in place: every entry re-inserted, in probe order from an empty slot, so that none
     * sits behind an emptied slot its lookup would stop at. No allocation, unlike a rebuild: the table
     * of a busy task is tens of MB, swept every few seconds.
     */
    private void closeGaps() {
        int empty = 0;
        while (tags[empty] != 0) {
            empty++;
        }
        for (int i = 1; i <= mask; i++) {
            int s = (empty + i) & mask;
            if (tags[s] != 0) {
                tags[s] = 0;
                size--;
                insert(slots[2 * s], slots[2 * s + 1]);
            }
        }
    }

    /** Every entry into a new array of {@code capacity} slots. */
    private void rebuild(int capacity) {
        freeAfterScan = -1;
        int[] oldTags = tags;
        long[] old = slots;
        allocate(capacity);
        size = 0;
        for (int s = 0; s < oldTags.length; s++) {
            if (oldTags[s] != 0) {
                insert(old[2 * s], old[2 * s + 1]);
            }
        }
    }

    private void allocate(int capacity) {
        tags = new int[capacity];
        slots = new long[2 * capacity];
        mask = capacity - 1;
    }
}
