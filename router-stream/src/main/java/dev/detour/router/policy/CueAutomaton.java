package dev.detour.router.policy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Aho-Corasick automaton over up to 64 lower-case ASCII cues: which cues a text contains, ignoring
 * ASCII case, in one table step per byte whatever the number of cues. Bytes outside ASCII (negative)
 * match no cue and send the automaton back to its start. Characters are first mapped to the few
 * classes the cues use (every other character is one class), which keeps the table small enough for
 * the first-level cache: each step depends on the one before, so its latency is the cost.
 */
final class CueAutomaton {
    private static final int ALPHABET = 128;

    /** classOf[c] for ASCII c: 0 for characters in no cue, else 1 + index among the cues' characters. */
    private final byte[] classOf;
    /** next[state << CLASS_BITS | class]: the state after reading a character of that class. */
    private final char[] next;
    /** Classes per state: a power of two, so the step is a shift and an add, not a multiplication. */
    private static final int CLASS_BITS = 6;
    /** found[state]: bits of the cues ending at this state. */
    private final long[] found;
    private static final byte[] LOWER = new byte[ALPHABET];

    static {
        for (int c = 0; c < ALPHABET; c++) {
            LOWER[c] = (byte) (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
        }
    }

    /** Longest cue less one: how far a lane starts before its quarter, so no cue is cut at a border. */
    private final int overlap;

    private CueAutomaton(byte[] classOf, char[] next, long[] found, int overlap) {
        this.classOf = classOf;
        this.overlap = overlap;
        this.next = next;
        this.found = found;
    }

    static CueAutomaton of(String[] cues) {
        if (cues.length > 64) {
            throw new IllegalArgumentException("at most 64 cues");
        }
        // The trie, with -1 for a missing edge.
        List<int[]> edges = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        edges.add(newRow());
        ends.add(0L);
        for (int i = 0; i < cues.length; i++) {
            int state = 0;
            for (char ch : cues[i].toCharArray()) {
                if (ch >= ALPHABET || LOWER[ch] != ch) {
                    throw new IllegalArgumentException("cues are lower-case ASCII: " + cues[i]);
                }
                if (edges.get(state)[ch] < 0) {
                    edges.get(state)[ch] = edges.size();
                    edges.add(newRow());
                    ends.add(0L);
                }
                state = edges.get(state)[ch];
            }
            ends.set(state, ends.get(state) | 1L << i);
        }
        // Breadth first: fill missing edges from the failure state, which is always nearer the root.
        int states = edges.size();
        if (states > Character.MAX_VALUE) {
            throw new IllegalArgumentException("too many cue characters");
        }
        int[] next = new int[states * ALPHABET];
        long[] found = new long[states];
        int[] fail = new int[states];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        found[0] = ends.get(0);
        for (int c = 0; c < ALPHABET; c++) {
            int child = edges.get(0)[c];
            next[c] = Math.max(child, 0);
            if (child > 0) {
                fail[child] = 0;
                queue.add(child);
            }
        }
        while (!queue.isEmpty()) {
            int s = queue.poll();
            found[s] = ends.get(s) | found[fail[s]];
            for (int c = 0; c < ALPHABET; c++) {
                int child = edges.get(s)[c];
                if (child > 0) {
                    fail[child] = next[fail[s] * ALPHABET + c];
                    next[s * ALPHABET + c] = child;
                    queue.add(child);
                } else {
                    next[s * ALPHABET + c] = next[fail[s] * ALPHABET + c];
                }
            }
        }
        // Characters in no cue all behave alike: one class, and one column per character of the cues.
        byte[] classOf = new byte[ALPHABET];
        int classes = 1;
        for (String cue : cues) {
            for (char ch : cue.toCharArray()) {
                if (classOf[ch] == 0) {
                    classOf[ch] = (byte) classes++;
                }
            }
        }
        if (classes > 1 << CLASS_BITS) {
            throw new IllegalArgumentException("cues use too many distinct characters");
        }
        char[] compact = new char[states << CLASS_BITS];
        for (int s = 0; s < states; s++) {
            for (int c = 0; c < ALPHABET; c++) {
                compact[s << CLASS_BITS | classOf[c]] = (char) next[s * ALPHABET + c];
            }
        }
        byte[] classOfAnyCase = new byte[ALPHABET];
        for (int c = 0; c < ALPHABET; c++) {
            classOfAnyCase[c] = classOf[LOWER[c]];
        }
        int longest = Arrays.stream(cues).mapToInt(String::length).max().orElse(1);
        return new CueAutomaton(classOfAnyCase, compact, found, longest - 1);
    }

    private static int[] newRow() {
        int[] row = new int[ALPHABET];
        Arrays.fill(row, -1);
        return row;
    }

    /**
     * Bits of the cues the bytes contain. A long text is read as four quarters at once (each lane
     * starting {@link #overlap} bytes early), so four independent chains of table steps overlap in
     * the processor instead of one waiting on each load.
     */
    long find(byte[] text) {
        int n = text.length;
        if (n < 8 * (overlap + 1)) {
            return find(text, 0, n);
        }
        int q = n / 4;
        int len = q + overlap;
        int s1 = q - overlap;
        int s2 = 2 * q - overlap;
        int s3 = 3 * q - overlap;
        long out = 0;
        int a = 0;
        int b = 0;
        int c = 0;
        int d = 0;
        for (int i = 0; i < len; i++) {
            a = step(a, text[i]);
            b = step(b, text[s1 + i]);
            c = step(c, text[s2 + i]);
            d = step(d, text[s3 + i]);
            out |= found[a] | found[b] | found[c] | found[d];
        }
        for (int i = s3 + len; i < n; i++) {
            d = step(d, text[i]);
            out |= found[d];
        }
        return out;
    }

    private long find(byte[] text, int from, int to) {
        long out = 0;
        int state = 0;
        for (int i = from; i < to; i++) {
            state = step(state, text[i]);
            out |= found[state];
        }
        return out;
    }

    private int step(int state, byte b) {
        return b < 0 ? 0 : next[state << CLASS_BITS | classOf[b]];
    }
}
