package dev.detour.router.internal;

/**
 * A Bloom filter whose bits for one key all lie in one 32-byte block (the split block Bloom filter of
 * Putze, Sanders and Singler, as Impala and Parquet use it): one block of eight 32-bit words per key,
 * one bit set in each word. A check reads one block, so it costs one cache miss where a classic Bloom
 * filter costs one per hash; at 8 bits per key it answers "maybe" for about 3.3% of absent keys (a
 * classic filter of the same size: about 2.2%, at four times the misses).
 *
 * <p>Keys are given as 64-bit hashes (see {@link #hash(CharSequence)}), so a caller hashes once and
 * probes several filters with the same value. Not thread-safe: each stream task owns its filters.
 *
 * <p>Written here rather than taken from a library: Guava has only the classic layout, and Parquet's
 * implementation sits in its column codec with its dependencies.
 */
final class SplitBlockBloomFilter {
    static final int BITS_PER_KEY = 8;
    private static final int WORDS_PER_BLOCK = 8;
    // The eight odd multipliers of Parquet's split block Bloom filter spec: each word gets its own bit.
    private static final int[] SALT = {0x47b6137b, 0x44974d91, 0x8824ad5b, 0xa2b7289d, 0x705495c7, 0x2df1424b,
            0x9efc4947, 0x5c6bfb31};

    private final int[] words;
    private final int blocks;

    /** Sized for {@code expectedKeys} at {@link #BITS_PER_KEY} bits each; more keys only raise the false-positive rate. */
    SplitBlockBloomFilter(int expectedKeys) {
        this.blocks = Math.max(1, (int) (((long) expectedKeys * BITS_PER_KEY + 255) / 256));
        this.words = new int[blocks * WORDS_PER_BLOCK];
    }

    /** Adds the key; returns true when it was (maybe) there already. */
    boolean put(long hash) {
        int base = block(hash);
        int lo = (int) hash;
        boolean present = true;
        for (int i = 0; i < WORDS_PER_BLOCK; i++) {
            int bit = 1 << ((lo * SALT[i]) >>> 27);
            int w = words[base + i];
            if ((w & bit) == 0) {
                present = false;
                words[base + i] = w | bit;
            }
        }
        return present;
    }

    /** False: certainly never put. True: put, or a false positive. */
    boolean mightContain(long hash) {
        int base = block(hash);
        int lo = (int) hash;
        for (int i = 0; i < WORDS_PER_BLOCK; i++) {
            if ((words[base + i] & (1 << ((lo * SALT[i]) >>> 27))) == 0) {
                return false;
            }
        }
        return true;
    }

    long sizeBytes() {
        return (long) words.length * Integer.BYTES;
    }

    private int block(long hash) {
        // Multiply-shift maps the high half onto [0, blocks) without a division.
        return (int) (((hash >>> 32) * blocks) >>> 32) * WORDS_PER_BLOCK;
    }

    /**
     * A 64-bit hash of the characters: each char added and multiplied by the golden-ratio constant, then
     * MurmurHash3's 64-bit finalizer so every input bit reaches both halves (the high half picks the
     * block, the low half the bits). Not collision-resistant against chosen ids; a collision only costs
     * an exact lookup, never a wrong answer.
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
}
