package dev.detour.worker.offsets;

import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What a committed position cannot say by itself: which records above it already finished. Kept in
 * the commit's metadata, so the next owner of the partition skips them instead of calling the
 * provider (and paying) again. A crash then re-does only the calls that were really unfinished.
 *
 * <p>Encoded as {@code v1:<highest started - committed>:<unfinished - committed>,...}: the records
 * from the committed offset up to the highest started one, except the listed unfinished ones, are
 * done. When the list would not fit the broker's metadata limit, nothing is recorded and the new
 * owner simply re-does everything above the committed offset (still correct, only costlier).
 *
 * @param committed      the committed offset (the lowest unfinished record)
 * @param highestStarted highest offset handed out before the commit
 * @param unfinished     offsets above {@code committed} that had not finished
 */
public record FinishedAbove(long committed, long highestStarted, NavigableSet<Long> unfinished) {
    /** Well below the broker's default offset.metadata.max.bytes (4096). */
    static final int MAX_CHARS = 3_000;
    private static final String VERSION = "v1";

    /** Whether the record at this offset finished under the previous owner. */
    public boolean finished(long offset) {
        return offset > committed && offset <= highestStarted && !unfinished.contains(offset);
    }

    public String encode() {
        StringBuilder sb = new StringBuilder(VERSION).append(':').append(highestStarted - committed).append(':');
        boolean first = true;
        for (long u : unfinished) {
            if (!first) {
                sb.append(',');
            }
            sb.append(u - committed);
            first = false;
            if (sb.length() > MAX_CHARS) {
                return "";
            }
        }
        return sb.toString();
    }

    /** Reads what {@link #encode()} wrote; empty for no, foreign or unreadable metadata. */
    public static Optional<FinishedAbove> decode(long committed, String metadata) {
        if (metadata == null || !metadata.startsWith(VERSION + ":")) {
            return Optional.empty();
        }
        try {
            String[] parts = metadata.split(":", -1);
            long highest = committed + Long.parseLong(parts[1]);
            TreeSet<Long> unfinished = new TreeSet<>();
            if (parts.length > 2 && !parts[2].isEmpty()) {
                for (String d : parts[2].split(",")) {
                    unfinished.add(committed + Long.parseLong(d));
                }
            }
            return Optional.of(new FinishedAbove(committed, highest, unfinished));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
