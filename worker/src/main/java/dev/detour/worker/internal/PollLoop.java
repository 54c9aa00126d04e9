package dev.detour.worker.internal;

import dev.detour.schema.FailureReason;
import dev.detour.schema.RoutedRequest;
import dev.detour.worker.flow.InFlightGate;
import dev.detour.worker.internal.JobRecords.SourcePosition;
import dev.detour.worker.metrics.WorkerMetrics;
import dev.detour.worker.metrics.WorkerMetrics.JobEnd;
import dev.detour.worker.offsets.OffsetTracker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one platform thread that owns the consumer: fetches, starts a virtual thread per record,
 * pauses partitions when a bound is reached, learns of finished records through a queue, commits.
 *
 * <p>Backpressure without a buffer: when a record cannot be admitted, its partition is paused and
 * sought back to that record, so the records fetched beyond the bound are simply read again later.
 */
public final class PollLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(PollLoop.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    /** What the loop needs to know about itself. */
    public record Settings(String topicPrefix, List<String> providerTopics, Duration revokeGrace,
                           Duration shutdownGrace, Duration commitInterval) {}

    private final Consumer<byte[], byte[]> consumer;
    private final Settings settings;
    private final InFlightGate gate;
    private final AttemptRunner runner;
    private final Outlets outlets;
    private final WireCodec codec;
    private final WorkerMetrics metrics;
    private final OffsetTracker tracker = new OffsetTracker();
    private final LinkedBlockingQueue<CallTask> done = new LinkedBlockingQueue<>();
    private final Map<TopicPartition, Set<CallTask>> running = new HashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread.Builder calls = Thread.ofVirtual().name("detour-call-", 0);
    private final java.util.concurrent.atomic.AtomicBoolean wakeRequested = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean stopping;
    private volatile boolean aborting;
    private volatile int pausedCount;
    private volatile int assignedCount;
    private long lastCommitMs;

    public PollLoop(Consumer<byte[], byte[]> consumer, Settings settings, InFlightGate gate, AttemptRunner runner,
                    Outlets outlets, WireCodec codec, WorkerMetrics metrics) {
        this.consumer = consumer;
        this.settings = settings;
        this.gate = gate;
        this.runner = runner;
        this.outlets = outlets;
        this.codec = codec;
        this.metrics = metrics;
    }

    public int pausedPartitions() {
        return pausedCount;
    }

    public int assignedPartitions() {
        return assignedCount;
    }

    @Override
    public void run() {
        try {
            subscribe();
            while (!stopping) {
                drain(0);
                resumeWhereRoom();
                commitIfDue();
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(POLL_TIMEOUT);
                } catch (WakeupException e) {
                    continue; // room opened up (or stop() was called): look again at once
                } finally {
                    wakeRequested.set(false);
                }
                dispatch(records);
            }
        } catch (WakeupException e) {
            // stop() woke a commit or rebalance callback; the finally block finishes the work
        } catch (RuntimeException e) {
            log.error("poll loop failed; in-flight calls are abandoned and will be re-delivered", e);
            aborting = true;
        } finally {
            try {
                if (aborting) {
                    abandon(tracker.partitions());
                } else {
                    finishInFlight();
                }
            } catch (RuntimeException e) {
                log.warn("error while stopping", e);
            } finally {
                consumer.close();
                stopped.countDown();
            }
        }
    }

    /** Graceful stop: no new records, in-flight calls get the shutdown grace, finished ones are committed. */
    public void stop() {
        stopping = true;
        consumer.wakeup();
    }

    /** Stop now as a crash would: nothing more is committed or published; every unfinished record is re-delivered. */
    public void abort() {
        aborting = true;
        stopping = true;
        consumer.wakeup();
    }

    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void subscribe() {
        ConsumerRebalanceListener listener = new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                revoke(partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                log.warn("partitions lost, abandoning their calls: {}", partitions);
                abandon(new HashSet<>(partitions));
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty()) {
                    // The previous owner's commit says which records above it already finished.
                    Map<TopicPartition, OffsetAndMetadata> committed = committedOf(new HashSet<>(partitions));
                    for (TopicPartition p : partitions) {
                        tracker.assigned(p, committed.get(p));
                        OffsetAndMetadata c = committed.get(p);
                        if (c != null && !c.metadata().isEmpty()) {
                            log.info("{} resumes at offset {}; records the previous owner finished above it are skipped ({})",
                                    p, c.offset(), c.metadata().length() > 40 ? c.metadata().substring(0, 40) + "..." : c.metadata());
                        }
                    }
                }
                List<TopicPartition> toPause = new ArrayList<>();
                for (TopicPartition p : partitions) {
                    if (stopping || gate.full(providerOf(p))) {
                        toPause.add(p);
                    }
                }
                if (!toPause.isEmpty()) {
                    consumer.pause(toPause);
                    pausedCount = consumer.paused().size();
                }
                assignedCount = consumer.assignment().size();
                log.info("assigned {}", partitions);
            }
        };
        if (settings.providerTopics().isEmpty()) {
            consumer.subscribe(Pattern.compile(Pattern.quote(settings.topicPrefix() + "provider.") + ".+"), listener);
        } else {
            consumer.subscribe(settings.providerTopics(), listener);
        }
    }

    /** Committed positions and metadata; without them nothing is skipped, which is only costlier. */
    private Map<TopicPartition, OffsetAndMetadata> committedOf(Set<TopicPartition> partitions) {
        for (int i = 0; i < 2; i++) {
            try {
                return consumer.committed(partitions);
            } catch (WakeupException e) {
                // a call finishing woke the consumer; ask again
            } catch (RuntimeException e) {
                log.warn("cannot read committed offsets of {}; finished records above them will be redone: {}",
                        partitions, e.toString());
                return Map.of();
            }
        }
        return Map.of();
    }

    private String providerOf(TopicPartition p) {
        return p.topic().substring(settings.topicPrefix().length() + "provider.".length());
    }

    private void dispatch(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            String provider = providerOf(tp);
            for (ConsumerRecord<byte[], byte[]> rec : records.records(tp)) {
                if (tracker.finishedBefore(tp, rec.offset())) {
                    // Done before a crash or rebalance (its outputs are acknowledged): do not pay twice.
                    tracker.finish(tracker.start(tp, rec.offset()));
                    metrics.skippedFinished();
                    continue;
                }
                if (!gate.tryAdmit(provider)) {
                    // Read this record again once there is room; Kafka keeps the backlog, not our heap.
                    consumer.seek(tp, rec.offset());
                    pauseFull(provider);
                    break;
                }
                CallTask task = new CallTask(tracker.start(tp, rec.offset()), provider, rec);
                running.computeIfAbsent(tp, k -> new HashSet<>()).add(task);
                task.runOn(calls.start(() -> execute(task)));
            }
        }
    }

    private void pauseFull(String provider) {
        boolean allFull = gate.inFlight() >= gate.maxTotal();
        List<TopicPartition> toPause = new ArrayList<>();
        for (TopicPartition p : consumer.assignment()) {
            if (allFull || providerOf(p).equals(provider)) {
                toPause.add(p);
            }
        }
        consumer.pause(toPause);
        pausedCount = consumer.paused().size();
    }

    private void resumeWhereRoom() {
        Set<TopicPartition> paused = consumer.paused();
        if (paused.isEmpty() || stopping) {
            return;
        }
        List<TopicPartition> toResume = new ArrayList<>();
        for (TopicPartition p : paused) {
            if (gate.mayResume(providerOf(p))) {
                toResume.add(p);
            }
        }
        if (!toResume.isEmpty()) {
            consumer.resume(toResume);
            pausedCount = consumer.paused().size();
        }
    }

    /** Runs on the call's virtual thread. */
    private void execute(CallTask task) {
        ConsumerRecord<byte[], byte[]> rec = task.record;
        SourcePosition source = new SourcePosition(rec.topic(), rec.partition(), rec.offset());
        Emitter emit = new Emitter(outlets, task::abandoned);
        RoutedRequest routed = null;
        try {
            routed = decode(task, source, emit);
            if (routed != null) {
                try {
                    runner.run(routed, source, emit);
                } catch (RuntimeException e) {
                    if (task.abandoned()) {
                        return; // interrupted on abandonment; the new owner redoes the job
                    }
                    log.error("internal error on job {}; ending it failed", routed.getRequest().getJobId(), e);
                    endFailed(routed, source, emit, "internal worker error: " + e.getClass().getSimpleName());
                }
            }
            emit.awaitAll();
            task.markFinished();
        } catch (InterruptedException e) {
            if (!task.abandoned()) {
                log.warn("call for {} interrupted", source);
            }
        } catch (ExecutionException e) {
            if (!task.abandoned()) {
                metrics.publishFailed();
                if (routed != null && !(e.getCause() instanceof RetriableException)) {
                    // A record the topic will never take (e.g. too large): end the job with a small
                    // failed result instead of leaving the partition stuck at this offset.
                    log.error("publishing outputs of {} failed; ending the job failed", source, e.getCause());
                    if (publishFallback(routed, source, "output could not be published: "
                            + e.getCause().getClass().getSimpleName())) {
                        task.markFinished();
                    }
                } else {
                    log.error("publishing outputs of {} failed; the record stays uncommitted", source, e.getCause());
                }
            }
        } finally {
            gate.release(task.provider);
            done.add(task);
            // A paused loop would otherwise notice the room only when its poll times out.
            if (pausedCount > 0 && gate.mayResume(task.provider) && wakeRequested.compareAndSet(false, true)) {
                consumer.wakeup();
            }
        }
    }

    private void endFailed(RoutedRequest routed, SourcePosition source, Emitter emit, String message) {
        long now = System.currentTimeMillis();
        emit.result(JobRecords.failed(routed, null, FailureReason.INTERNAL, message, now));
        emit.deadLetter(JobRecords.deadLetter(routed, null, FailureReason.INTERNAL, null, message, source, now));
        metrics.jobEnded(JobEnd.FAILED);
    }

    private boolean publishFallback(RoutedRequest routed, SourcePosition source, String message) {
        Emitter fallback = new Emitter(outlets, () -> false);
        try {
            endFailed(routed, source, fallback, message);
            fallback.awaitAll();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | RuntimeException e) {
            log.error("the failed result of {} could not be published either; the record stays uncommitted", source, e);
            return false;
        }
    }

    private RoutedRequest decode(CallTask task, SourcePosition source, Emitter emit) {
        ConsumerRecord<byte[], byte[]> rec = task.record;
        try {
            if (rec.value() == null) {
                throw new IllegalArgumentException("record has no value");
            }
            return codec.decodeRouted(rec.topic(), rec.value());
        } catch (RuntimeException e) {
            metrics.undecodable();
            String jobId = rec.key() == null ? null : new String(rec.key(), StandardCharsets.UTF_8);
            String message = "undecodable routed request: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage());
            long now = System.currentTimeMillis();
            log.warn("dead-lettering undecodable record at {}: {}", source, message);
            emit.deadLetter(JobRecords.undecodable(jobId, providerOf(new TopicPartition(rec.topic(), rec.partition())),
                    message, source, rec.key(), rec.value(), now));
            if (jobId != null) {
                emit.result(JobRecords.undecodableResult(jobId, message, now));
            }
            metrics.jobEnded(JobEnd.FAILED);
            return null;
        }
    }

    /** Applies finished records to the offsets; waits up to {@code waitMs} for the first one. */
    private void drain(long waitMs) {
        try {
            CallTask first = waitMs > 0 ? done.poll(waitMs, TimeUnit.MILLISECONDS) : done.poll();
            for (CallTask t = first; t != null; t = done.poll()) {
                Set<CallTask> tasks = running.get(t.ticket.partition());
                if (tasks != null) {
                    tasks.remove(t);
                }
                if (t.finished()) {
                    tracker.finish(t.ticket);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int runningIn(Set<TopicPartition> partitions) {
        int n = 0;
        for (TopicPartition p : partitions) {
            Set<CallTask> tasks = running.get(p);
            n += tasks == null ? 0 : tasks.size();
        }
        return n;
    }

    private void commitIfDue() {
        long now = System.currentTimeMillis();
        if (now - lastCommitMs < settings.commitInterval().toMillis()) {
            return;
        }
        lastCommitMs = now;
        Map<TopicPartition, OffsetAndMetadata> due = tracker.commitsDue();
        if (!due.isEmpty()) {
            consumer.commitAsync(due, (offsets, error) -> {
                if (error == null) {
                    tracker.committed(offsets);
                } else if (error instanceof RebalanceInProgressException) {
                    log.debug("async commit skipped during a rebalance; the revoke commits synchronously");
                } else {
                    log.warn("async commit failed (the next one supersedes it): {}", error.toString());
                }
            });
        }
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> due) {
        if (due.isEmpty()) {
            return;
        }
        for (int i = 0; i < 2; i++) {
            try {
                consumer.commitSync(due);
                tracker.committed(due);
                return;
            } catch (WakeupException e) {
                // stop() raced with the commit; the commit still has to happen.
            } catch (RuntimeException e) {
                log.warn("commit of {} failed; those records will be re-delivered: {}", due.keySet(), e.toString());
                return;
            }
        }
    }

    /** Rebalance: give the partitions' calls a short grace, commit what finished, abandon the rest. */
    private void revoke(Collection<TopicPartition> partitions) {
        Set<TopicPartition> revoked = new HashSet<>(partitions);
        long deadline = System.currentTimeMillis() + settings.revokeGrace().toMillis();
        while (!aborting && runningIn(revoked) > 0) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            drain(Math.min(left, 50));
        }
        if (!aborting) {
            commitSync(tracker.commitsDue(revoked));
        }
        abandon(revoked);
        assignedCount = Math.max(0, consumer.assignment().size() - revoked.size());
        log.info("revoked {}", partitions);
    }

    private void abandon(Set<TopicPartition> partitions) {
        int n = 0;
        for (TopicPartition p : partitions) {
            Set<CallTask> tasks = running.remove(p);
            if (tasks != null) {
                for (CallTask t : tasks) {
                    t.abandon();
                    n++;
                }
            }
            tracker.release(p);
        }
        if (n > 0) {
            metrics.abandoned(n);
            log.info("abandoned {} in-flight calls of {}; they will be re-delivered", n, partitions);
        }
    }

    /** Shutdown: stop fetching, let calls finish within the grace, commit, abandon the rest. */
    private void finishInFlight() {
        consumer.pause(consumer.assignment());
        long deadline = System.currentTimeMillis() + settings.shutdownGrace().toMillis();
        while (!aborting && runningIn(tracker.partitions()) > 0) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            drain(Math.min(left, 50));
            try {
                // Keep taking part in the group while waiting (all partitions stay paused).
                consumer.poll(Duration.ZERO);
            } catch (WakeupException ignored) {
                // a second stop() call
            }
        }
        drain(0);
        if (!aborting) {
            commitSync(tracker.commitsDue());
        }
        abandon(tracker.partitions());
    }
}
