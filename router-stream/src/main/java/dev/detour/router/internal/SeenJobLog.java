package dev.detour.router.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * The durable half of job-id dedupe: the ids a task accepted, kept in a changelogged store as batches
 * (sequence number -> packed ids with their record times), written only once the records that brought
 * them in are committed. It is also where {@link SeenJobs} confirms a hash match: the ids not logged
 * yet are searched in memory ({@link #pendingTimeOf}), the others in their batch ({@link #loggedTimeOf}).
 *
 * <p>Why batches: one changelog record per request was a second producer send per routed request,
 * about a tenth of the router's CPU. Why only after the commit: an id that reaches the changelog
 * before its routed output reaches the broker can, after a crash, make the re-processed request look
 * re-published, and the job would never be routed. So {@link #flushCache()} (which Kafka Streams calls
 * at the start of a commit, before flushing the producer and committing the input offsets) only sets
 * the interval's ids aside; the next {@link #writeCommitted} (the next record or punctuation, which run
 * after that commit completed) writes them. The price: after a crash or a move to another instance,
 * a re-publication of a job accepted in the last commit interval is not recognised (a duplicate call,
 * never a lost job).
 */
final class SeenJobLog implements StateStore, CachedStateStore<Long, byte[]> {
    /**
     * Ids per changelog record: small enough that confirming a re-publication (reading its batch back)
     * stays cheap, large enough that a fast interval is a few records.
     */
    static final int MAX_IDS_PER_BATCH = 1_000;
    /** And bytes per record, for long ids. */
    static final int MAX_BATCH_BYTES = 512 * 1024;
    /** Absent from {@link #pendingTimeOf} and {@link #loggedTimeOf}. */
    static final long ABSENT = Long.MIN_VALUE;

    private final KeyValueStore<Long, byte[]> batches;
    /** Accepted since the last flush: not yet committed. */
    private List<Accepted> current = new ArrayList<>();
    /** Set aside by a flush: committed once the commit that flush began completed. */
    private List<Accepted> committed = new ArrayList<>();
    /** Batch sequence -> newest record time in it, for sweeping; filled by {@link #replay}. */
    private final TreeMap<Long, Long> newestBySeq = new TreeMap<>();
    /** The batch the next accepted id goes to, and what it holds so far. */
    private long openSeq;
    private int openIds;
    private int openBytes;
    /** Batches up to this one are written (or were never used). */
    private long lastWrittenSeq = -1;
    /** The batch read last: re-publications tend to come in runs from the same interval. */
    private long readSeq = -1;
    private byte[] readBatch;

    /** What a batch holds of each id. */
    interface Entry {
        String jobId();

        long recordTimeMs();
    }

    record Sighting(String jobId, long recordTimeMs) implements Entry {}

    /** An id accepted and not logged yet, with the batch it will be logged in. */
    private record Accepted(String jobId, long recordTimeMs, long seq) implements Entry {}

    /** Told each logged id when the log is replayed. */
    interface Replayed {
        void sighting(long seq, Sighting s);
    }

    private SeenJobLog(KeyValueStore<Long, byte[]> batches) {
        this.batches = batches;
    }

    static StoreBuilder<SeenJobLog> builder(KeyValueBytesStoreSupplier supplier) {
        return new Builder(Stores.keyValueStoreBuilder(supplier, Serdes.Long(), Serdes.ByteArray()));
    }

    /**
     * An id accepted by the record being processed; returns the batch it will be logged in. The batch
     * is known now, so whoever indexes the id need not be told again when it is written.
     */
    long append(String jobId, long recordTimeMs) {
        int size = Long.BYTES + Integer.BYTES + jobId.length() * 3;
        if (openIds > 0 && (openIds == MAX_IDS_PER_BATCH || openBytes + size > MAX_BATCH_BYTES)) {
            openSeq++;
            openIds = 0;
            openBytes = 0;
        }
        openIds++;
        openBytes += size;
        current.add(new Accepted(jobId, recordTimeMs, openSeq));
        return openSeq;
    }

    /** Writes the ids whose commit completed; call while a record or punctuation is being processed. */
    void writeCommitted() {
        if (committed.isEmpty()) {
            return;
        }
        int from = 0;
        for (int i = 1; i <= committed.size(); i++) {
            if (i == committed.size() || committed.get(i).seq() != committed.get(from).seq()) {
                write(committed.subList(from, i));
                from = i;
            }
        }
        committed.clear(); // keeps its capacity: growing a list to an interval's ids again cost ~3% of the stream thread
    }

    /** Whether batch {@code seq} is not written yet: its ids are found by {@link #pendingTimeOf}. */
    boolean pending(long seq) {
        return seq > lastWrittenSeq;
    }

    /** The newest record time of an accepted id not logged yet, or {@link #ABSENT}. */
    long pendingTimeOf(String jobId) {
        long newest = ABSENT;
        for (List<Accepted> list : List.of(committed, current)) {
            for (Accepted a : list) {
                if (a.jobId().equals(jobId)) {
                    newest = Math.max(newest, a.recordTimeMs());
                }
            }
        }
        return newest;
    }

    /** The record time logged for the id in batch {@code seq}, or {@link #ABSENT} (not there, or swept). */
    long loggedTimeOf(long seq, String jobId) {
        if (seq != readSeq) {
            readBatch = batches.get(seq);
            readSeq = seq;
        }
        if (readBatch == null) {
            return ABSENT;
        }
        byte[] id = jobId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer in = ByteBuffer.wrap(readBatch);
        long newest = ABSENT;
        for (int i = 0, n = in.getInt(); i < n; i++) {
            long t = in.getLong();
            int length = in.getInt();
            int at = in.position();
            if (length == id.length && Arrays.equals(readBatch, at, at + length, id, 0, length)) {
                newest = Math.max(newest, t);
            }
            in.position(at + length);
        }
        return newest;
    }

    /** The oldest batch not swept yet (the open one when there is none). */
    long oldestSeq() {
        return newestBySeq.isEmpty() ? openSeq : newestBySeq.firstKey();
    }

    /**
     * Every logged sighting with its batch, oldest batch first (a later sighting of an id follows an
     * earlier one); also learns the batches for {@link #sweep}. Call once, after restoration, before use.
     */
    void replay(Replayed visitor) {
        newestBySeq.clear();
        try (KeyValueIterator<Long, byte[]> it = batches.all()) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> kv = it.next();
                long newest = Long.MIN_VALUE;
                for (Sighting s : decode(kv.value)) {
                    visitor.sighting(kv.key, s);
                    newest = Math.max(newest, s.recordTimeMs());
                }
                newestBySeq.put(kv.key, newest);
            }
        }
        lastWrittenSeq = newestBySeq.isEmpty() ? -1 : newestBySeq.lastKey();
        openSeq = lastWrittenSeq + 1;
        openIds = 0;
        openBytes = 0;
    }

    /** Deletes the batches whose every id is older than {@code cutoffMs}; returns how many. */
    int sweep(long cutoffMs) {
        int deleted = 0;
        for (Iterator<Map.Entry<Long, Long>> it = newestBySeq.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Long> e = it.next();
            if (e.getValue() < cutoffMs) {
                batches.delete(e.getKey());
                if (e.getKey() == readSeq) {
                    readSeq = -1;
                    readBatch = null;
                }
                it.remove();
                deleted++;
            }
        }
        return deleted;
    }

    /** Batches in the store (for tests and metrics). */
    int batchCount() {
        return newestBySeq.size();
    }

    /** One batch: ids of one sequence number, all committed. */
    private void write(List<Accepted> batch) {
        long seq = batch.get(0).seq();
        long newest = Long.MIN_VALUE;
        for (Accepted a : batch) {
            newest = Math.max(newest, a.recordTimeMs());
        }
        batches.put(seq, encode(batch));
        newestBySeq.put(seq, newest);
        lastWrittenSeq = seq;
    }

    static byte[] encode(List<? extends Entry> batch) {
        List<byte[]> ids = new ArrayList<>(batch.size());
        int size = Integer.BYTES;
        for (Entry s : batch) {
            byte[] id = s.jobId().getBytes(StandardCharsets.UTF_8);
            ids.add(id);
            size += Long.BYTES + Integer.BYTES + id.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).putInt(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            out.putLong(batch.get(i).recordTimeMs()).putInt(ids.get(i).length).put(ids.get(i));
        }
        return out.array();
    }

    static List<Sighting> decode(byte[] value) {
        ByteBuffer in = ByteBuffer.wrap(value);
        int n = in.getInt();
        List<Sighting> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long t = in.getLong();
            byte[] id = new byte[in.getInt()];
            in.get(id);
            out.add(new Sighting(new String(id, StandardCharsets.UTF_8), t));
        }
        return out;
    }

    // StateStore: the batches store does the storing; a flush sets the interval's ids aside.

    @Override
    public String name() {
        return batches.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        current = new ArrayList<>();
        committed = new ArrayList<>();
        newestBySeq.clear();
        readSeq = -1;
        readBatch = null;
        batches.init(context, root);
    }

    /**
     * Kafka Streams calls this at the start of every commit, right before it flushes the producer and
     * commits the input offsets ({@code StreamTask.flush}); {@link #flush()} runs only when it
     * checkpoints (under at-least-once, every 10,000 changelog records) and on close. That is why this
     * store is a {@link CachedStateStore}, an interface of Kafka Streams' internals: it is the one
     * per-commit hook a store gets. {@code DedupeSurvivesRestartTest} fails if that ever changes.
     */
    @Override
    public void flushCache() {
        if (committed.isEmpty()) {
            List<Accepted> emptied = committed;
            committed = current;
            current = emptied;
        } else {
            committed.addAll(current);
            current.clear();
        }
        if (openIds > 0) {
            // A batch holds the ids of one commit: what comes next goes to a batch of its own.
            openSeq++;
            openIds = 0;
            openBytes = 0;
        }
    }

    /** What was accepted since the last commit began is not committed (e.g. an aborted transaction). */
    @Override
    public void clearCache() {
        current.clear();
        openIds = 0;
        openBytes = 0;
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Long, byte[]> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void flush() {
        batches.flush();
    }

    @Override
    public void close() {
        batches.close();
    }

    @Override
    public boolean persistent() {
        return batches.persistent();
    }

    @Override
    public boolean isOpen() {
        return batches.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return batches.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return batches.getPosition();
    }

    /** The batches store's builder (changelog on, no cache), building this wrapper around it. */
    private record Builder(StoreBuilder<KeyValueStore<Long, byte[]>> inner) implements StoreBuilder<SeenJobLog> {
        @Override
        public StoreBuilder<SeenJobLog> withCachingEnabled() {
            throw new UnsupportedOperationException("the seen-job log writes through");
        }

        @Override
        public StoreBuilder<SeenJobLog> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<SeenJobLog> withLoggingEnabled(Map<String, String> config) {
            return new Builder(inner.withLoggingEnabled(config));
        }

        /** For tests outside Kafka Streams; without a changelog the log survives nothing. */
        @Override
        public StoreBuilder<SeenJobLog> withLoggingDisabled() {
            return new Builder(inner.withLoggingDisabled());
        }

        @Override
        public SeenJobLog build() {
            return new SeenJobLog(inner.build());
        }

        @Override
        public Map<String, String> logConfig() {
            return inner.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return inner.loggingEnabled();
        }

        @Override
        public String name() {
            return inner.name();
        }
    }
}
