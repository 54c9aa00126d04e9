package dev.detour.gateway.internal;

import dev.detour.schema.CompletionResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The jobs this gateway accepted, by job id: open ones until their result arrives, finished ones for
 * GET /v1/jobs/{id} and idempotent replays until they are the oldest of more than {@code capacity}
 * (results also stay in the results topic). Open jobs are never forgotten, and their number is bounded
 * separately, so the book stays bounded either way.
 */
public final class JobBook {

    /** One accepted job. */
    public record Job(String jobId, String tenant, String requestedModel, long createdAtMs,
                      CompletableFuture<CompletionResult> result) {
        public boolean done() {
            return result.isDone();
        }
    }

    /** The answer of {@link #register}: the job, whether it was already known, or a refusal at capacity. */
    public sealed interface Registration permits Fresh, Existing, Full {}

    public record Fresh(Job job) implements Registration {}

    public record Existing(Job job) implements Registration {}

    public record Full(int open) implements Registration {}

    private final int maxOpen;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, Job> jobs;

    public JobBook(int capacity, int maxOpen) {
        this.maxOpen = maxOpen;
        this.jobs = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Job> eldest) {
                return size() > capacity && eldest.getValue().done();
            }
        };
    }

    /**
     * Returns the job already registered under this id, or registers the one {@code create} makes
     * (called under the book's lock: it must only build the entry; publishing happens after).
     */
    public Registration register(String jobId, Supplier<Job> create) {
        synchronized (jobs) {
            Job existing = jobs.get(jobId);
            if (existing != null && !existing.result().isCompletedExceptionally()) {
                return new Existing(existing);
            }
            // A job whose publication failed never reached Kafka: the same id may be submitted afresh.
            if (open.get() >= maxOpen) {
                return new Full(open.get());
            }
            Job job = create.get();
            jobs.put(jobId, job);
            open.incrementAndGet();
            job.result().whenComplete((r, e) -> open.decrementAndGet());
            return new Fresh(job);
        }
    }

    public Optional<Job> find(String jobId) {
        synchronized (jobs) {
            return Optional.ofNullable(jobs.get(jobId));
        }
    }

    public int open() {
        return open.get();
    }

    public int size() {
        synchronized (jobs) {
            return jobs.size();
        }
    }
}
