package dev.detour.router.internal;

import dev.detour.core.cache.CacheKey;
import dev.detour.router.policy.ResponseCachePolicy;
import dev.detour.schema.CacheMode;
import dev.detour.schema.CacheOrigin;
import dev.detour.schema.CachedAnswer;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.ResultStatus;
import dev.detour.schema.TenantPolicy;
import dev.detour.schema.UsageRecord;

import dev.detour.router.ParkingConfig;
import dev.detour.router.policy.ProbeLedger;
import dev.detour.router.policy.RequestValidation;
import dev.detour.router.policy.RoutingCatalog;
import dev.detour.router.policy.RoutingDecision;
import dev.detour.router.policy.RoutingPolicy;
import dev.detour.schema.AttemptSummary;
import dev.detour.schema.BudgetState;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.DeploymentRef;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.FailureReason;
import dev.detour.schema.HealthSnapshot;
import dev.detour.schema.ParkedJob;
import dev.detour.schema.RoutedRequest;
import dev.detour.schemas.serde.AvroSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes every new request and every retry: decode, drop re-published job ids, validate, decide, then
 * send to a provider topic, park, or end the job failed. Parked jobs are re-examined by a wall-clock
 * punctuator when the global state changed or their pool's backoff elapsed.
 *
 * <p>Nothing escapes as an exception: undecodable input and unexpected errors become a FAILED result
 * (when the key names a job) and a dead letter carrying the original bytes, and the next record is
 * processed as usual.
 */
final class JobRouter implements Processor<byte[], byte[], String, Object> {
    private static final Logger log = LoggerFactory.getLogger(JobRouter.class);

    static final String PARKED_STORE = "parked-jobs";
    /** The accepted ids in committed batches, changelogged ({@link SeenJobLog}); {@link SeenJobs} indexes it. */
    static final String SEEN_LOG_STORE = "seen-job-log";
    static final Duration SEEN_SWEEP_INTERVAL = Duration.ofSeconds(10);
    static final Duration SEEN_LOG_INTERVAL = Duration.ofSeconds(1);

    private final RouterGraph.Wiring wiring;
    private final RoutingPolicy policy;
    private final ProbeLedger probes;
    private final GlobalStateVersion stateVersion;
    private final ParkingConfig parking;
    private final Duration dedupeWindow;
    private final Deserializer<CompletionRequest> requestDecoder;
    private final Deserializer<RoutedRequest> retryDecoder;
    /** Asked whether a request's own bytes can stand for it in the routed record. */
    private final AvroSerializer<RoutedRequest> routedWriter;
    private final String retriesTopic;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, ParkedJob> parked;
    private SeenJobs seen;
    private RouterView view;
    private RouterMetrics metrics;
    private final ParkingLot lot = new ParkingLot();
    private final Map<String, PoolBackoff> poolBackoff = new HashMap<>();
    private long lastSeenVersion = -1;
    /** Where requests to a deployment go: its reference as routed requests carry it, and its provider's topic. */
    private record Target(DeploymentRef ref, String topic) {}

    /**
     * Targets by deployment of {@link #targetsOf} (by identity: the catalog's own objects). One topic
     * string per provider, not one per record: the producer and the serializer look the name up in maps.
     */
    private final Map<DeploymentSpec, Target> targets = new IdentityHashMap<>();
    private RoutingCatalog targetsOf;
    /** Provider name -> topic; provider names come from the catalog, so this stays small. */
    private final Map<String, String> providerTopics = new HashMap<>();

    JobRouter(RouterGraph.Wiring wiring) {
        this.wiring = wiring;
        this.policy = new RoutingPolicy(wiring.config().scoring());
        this.probes = wiring.probes();
        this.stateVersion = wiring.stateVersion();
        this.parking = wiring.config().parking();
        this.dedupeWindow = wiring.config().dedupeWindow();
        this.requestDecoder = wiring.serdes().serde(CompletionRequest.class).deserializer();
        this.retryDecoder = wiring.serdes().serde(RoutedRequest.class).deserializer();
        this.routedWriter = wiring.serdes().serde(RoutedRequest.class).serializer();
        this.retriesTopic = wiring.config().topics().retries();
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.parked = context.getStateStore(PARKED_STORE);
        this.seen = new SeenJobs(context.getStateStore(SEEN_LOG_STORE), dedupeWindow.toMillis());
        seen.load();
        this.metrics = new RouterMetrics(context.metrics(), context.taskId().toString());
        this.view = new RouterView(context.getStateStore(RouterGraph.CONFIG_STORE),
                context.getStateStore(RouterGraph.HEALTH_STORE), context.getStateStore(RouterGraph.BUDGET_STORE),
                wiring.serdes().serde(ConfigRecord.class).deserializer(),
                wiring.serdes().serde(HealthSnapshot.class).deserializer(),
                wiring.serdes().serde(BudgetState.class).deserializer(), probes, stateVersion);
        view.cache(context.getStateStore(RouterGraph.CACHE_STORE), wiring.serdes().serde(CachedAnswer.class).deserializer());
        long now = context.currentSystemTimeMs();
        try (KeyValueIterator<String, ParkedJob> all = parked.all()) {
            List<ParkedJob> jobs = new ArrayList<>();
            all.forEachRemaining(kv -> jobs.add(kv.value));
            jobs.sort(java.util.Comparator.comparingLong(ParkedJob::getParkedAtMs));
            for (ParkedJob j : jobs) {
                lot.park(j.getRequest().getJobId(), j.getPool(), j.getGiveUpAtMs());
                poolBackoff.computeIfAbsent(j.getPool(), p -> newBackoff(now));
            }
        }
        if (lot.size() > 0) {
            log.info("task {} resumes {} parked job(s)", context.taskId(), lot.size());
        }
        context.schedule(parking.checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::reexamineParked);
        // By record time, as the window is: ids whose first sighting fell out of the window are forgotten.
        context.schedule(SEEN_SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME,
                wallClock -> seen.sweep(context.currentStreamTimeMs()));
        // Ids are logged after their commit by the next record; this does it when none comes.
        context.schedule(SEEN_LOG_INTERVAL, PunctuationType.WALL_CLOCK_TIME, wallClock -> seen.writeCommitted());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
        boolean retry = topic.equals(retriesTopic);
        try {
            if (retry) {
                onRetry(record, topic);
            } else {
                onRequest(record, topic);
            }
        } catch (RuntimeException e) {
            // A bug must cost one job, not the partition: end it failed with the original bytes kept.
            String key = keyOf(record);
            log.error("unexpected failure routing record {} from {}", key, topic, e);
            fail(key, null, List.of(), FailureReason.INTERNAL, "router error: " + e, source(topic),
                    key, record.value(), context.currentSystemTimeMs());
        }
    }

    private void onRequest(Record<byte[], byte[]> record, String topic) {
        long now = context.currentSystemTimeMs();
        CompletionRequest request;
        try {
            request = requestDecoder.deserialize(topic, record.value());
            if (request == null) {
                throw new IllegalArgumentException("empty record value");
            }
        } catch (RuntimeException e) {
            undecodable(record, topic, e, now);
            return;
        }
        String jobId = request.getJobId();
        if (jobId != null && !jobId.isBlank()) {
            if (!seen.accept(jobId, record.timestamp())) {
                log.debug("dropping re-published job {}", jobId);
                metrics.record(RouterMetrics.Decision.DEDUPED, now);
                return;
            }
        }
        var problem = RequestValidation.check(request, view.catalog(), now);
        if (problem.isPresent()) {
            String key = jobId == null || jobId.isBlank() ? keyOf(record) : jobId;
            fail(key, request, List.of(), problem.get().reason(), problem.get().message(), source(topic), null, null, now);
            return;
        }
        route(request, record.value(), List.of(), now, topic, true);
    }

    private void onRetry(Record<byte[], byte[]> record, String topic) {
        long now = context.currentSystemTimeMs();
        RoutedRequest failed;
        try {
            failed = retryDecoder.deserialize(topic, record.value());
            if (failed == null) {
                throw new IllegalArgumentException("empty record value");
            }
        } catch (RuntimeException e) {
            undecodable(record, topic, e, now);
            return;
        }
        String jobId = failed.getRequest().getJobId();
        if (lot.contains(jobId)) {
            log.warn("retry for job {} that is parked; keeping the parked copy", jobId);
            return;
        }
        route(failed.getRequest(), null, failed.getTried(), now, topic, true);
    }

    /**
     * Returns true when the job left (routed or failed), false when it is (still) parked.
     * {@code requestWire}: the bytes the request was decoded from, if at hand, passed on as they are.
     * {@code sourceTopic}: the topic of the record being processed, named in a dead letter; null for a
     * parked job (its source record is long committed).
     */
    private boolean route(CompletionRequest request, byte[] requestWire, List<AttemptSummary> tried, long now,
                          String sourceTopic, boolean mayPark) {
        TenantPolicy tenant = view.tenant(request.getTenant());
        CacheMode cacheMode = ResponseCachePolicy.readMode(request, tenant);
        if (cacheMode == CacheMode.PREFER && tried.isEmpty() && serveFromCache(request, tried, now, "preferred")) {
            return true;
        }
        RoutingDecision decision = policy.decide(request, tried, view, now);
        // Last resort: instead of parking (nothing eligible is healthy) or giving up after every attempt
        // failed, answer from the cache when the tenant opted in.
        boolean gaveUp = decision instanceof RoutingDecision.Fail f && f.reason() == FailureReason.MAX_ATTEMPTS;
        if ((decision instanceof RoutingDecision.Park || gaveUp) && cacheMode != CacheMode.OFF
                && serveFromCache(request, tried, now, gaveUp ? "every attempt failed" : "nothing eligible is healthy")) {
            return true; // a parked job being re-examined is removed from the lot by the caller
        }
        switch (decision) {
            case RoutingDecision.Route r -> {
                emit(request, tenant, requestWire, tried, r, now);
                if (!mayPark) {
                    metrics.record(RouterMetrics.Decision.RELEASED, now);
                }
                PoolBackoff b = poolBackoff.get(request.getModel());
                if (b != null) {
                    b.released(now);
                }
                return true;
            }
            case RoutingDecision.Fail f -> {
                fail(request.getJobId(), request, tried, f.reason(), f.message(),
                        sourceTopic == null ? TerminalRecords.Source.NONE : source(sourceTopic), null, null, now);
                return true;
            }
            case RoutingDecision.Park p -> {
                if (mayPark) {
                    park(request, tried, p, now);
                    metrics.record(RouterMetrics.Decision.PARKED, now);
                }
                PoolBackoff b = poolBackoff.computeIfAbsent(request.getModel(), m -> newBackoff(now));
                if (!mayPark) {
                    b.stillBlocked(now, p.wakeHintMs());
                } else if (p.wakeHintMs() > now && p.wakeHintMs() < b.nextCheckAtMs()) {
                    b.stillBlocked(now, p.wakeHintMs());
                }
                return false;
            }
        }
    }

    /**
     * Answers the job from the last-resort cache when a servable entry exists: a SUCCEEDED result marked
     * {@code servedFromCache} with the original's provider, model and age, and a zero-cost usage record
     * (the ledger counts the avoided cost as savings). Returns false on a miss.
     */
    private boolean serveFromCache(CompletionRequest request, List<AttemptSummary> tried, long now, String why) {
        CachedAnswer entry = view.cached(CacheKey.of(request));
        if (!ResponseCachePolicy.servable(entry, request, now)) {
            return false;
        }
        String jobId = request.getJobId();
        long earlierCost = tried.stream().mapToLong(AttemptSummary::getCostMicros).sum();
        java.util.Map<String, String> labels = new java.util.HashMap<>(request.getMetadata());
        labels.remove(ResponseCachePolicy.KEY_LABEL);
        CompletionResult result = CompletionResult.newBuilder()
                .setJobId(jobId)
                .setTenant(request.getTenant())
                .setStatus(ResultStatus.SUCCEEDED)
                .setContent(entry.getContent())
                .setFinishReason(entry.getFinishReason())
                .setUsage(entry.getUsage())
                .setCostMicros(earlierCost)
                .setProvider(entry.getProvider())
                .setDeploymentId(entry.getDeploymentId())
                .setModel(entry.getModel())
                .setRequestedModel(request.getModel())
                .setAttempts(List.copyOf(tried))
                .setSubmittedAtMs(request.getSubmittedAtMs())
                .setCompletedAtMs(now)
                .setServedFromCache(true)
                .setCacheOrigin(CacheOrigin.newBuilder()
                        .setProvider(entry.getProvider())
                        .setModel(entry.getModel())
                        .setOriginalJobId(entry.getOriginalJobId())
                        .setCreatedAtMs(entry.getCreatedAtMs())
                        .setAgeMs(Math.max(0, now - entry.getCreatedAtMs()))
                        .build())
                .setMetadata(labels)
                .setVerdicts(List.copyOf(entry.getVerdicts()))
                .build();
        context.forward(new Record<>(jobId, (Object) result, now), RouterGraph.RESULTS_SINK);
        if (entry.getUsage() != null) {
            UsageRecord usage = UsageRecord.newBuilder()
                    .setAttemptId(jobId + "#cache")
                    .setJobId(jobId)
                    .setTenant(request.getTenant())
                    .setProvider(entry.getProvider())
                    .setDeploymentId(entry.getDeploymentId())
                    .setModel(entry.getModel())
                    .setRequestedModel(request.getModel())
                    .setUsage(entry.getUsage())
                    .setUnitPrices(entry.getUnitPrices())
                    .setCostMicros(0)
                    .setBilledAtMs(now)
                    .setServedFromCache(true)
                    .build();
            context.forward(new Record<>(usage.getAttemptId(), (Object) usage, now), RouterGraph.USAGE_SINK);
        }
        metrics.record(RouterMetrics.Decision.CACHED, now);
        log.debug("job {} served from cache ({}), answer of {} aged {} ms", jobId, why, entry.getOriginalJobId(),
                now - entry.getCreatedAtMs());
        return true;
    }

    private void emit(CompletionRequest request, TenantPolicy tenant, byte[] requestWire, List<AttemptSummary> tried,
                      RoutingDecision.Route r, long now) {
        int attempt = tried.size() + 1;
        DeploymentSpec d = r.deployment();
        metrics.record(RouterMetrics.Decision.ROUTED, now);
        if (r.probe()) {
            probes.acquire(d.getId(), r.probeEpoch(), now);
            metrics.record(RouterMetrics.Decision.PROBE, now);
        }
        if (!tried.isEmpty()) {
            metrics.record(RouterMetrics.Decision.FAILOVER, now);
        }
        if (r.spread()) {
            metrics.record(RouterMetrics.Decision.SPREAD, now);
        }
        CompletionRequest sent = request;
        if (ResponseCachePolicy.mayWrite(request, tenant)
                && !request.getMetadata().containsKey(ResponseCachePolicy.KEY_LABEL)) {
            // The label travels to the result, where the cache writer finds the key (the result has no messages).
            java.util.Map<String, String> labels = new java.util.HashMap<>(request.getMetadata());
            labels.put(ResponseCachePolicy.KEY_LABEL, CacheKey.of(request));
            sent = CompletionRequest.newBuilder(request).setMetadata(labels).build();
        }
        // All-fields constructors, not builders: Avro builders validate and deep-copy every field on
        // build, which costs more than the rest of emitting; the serializer still rejects a missing field.
        Target target = target(d);
        // Unchanged and decoded from bytes of our own schema: the routed record copies those bytes.
        CompletionRequest carried = sent == request && routedWriter.embeds(requestWire, CompletionRequest.getClassSchema())
                ? EncodedRequest.of(request, requestWire) : sent;
        RoutedRequest routed = new RoutedRequest(carried, attempt, request.getJobId() + "#" + attempt,
                target.ref(),
                r.score(), List.copyOf(tried), now, r.notBeforeMs(), wiring.config().instanceId(),
                RoutingPolicy.effectiveQuality(request, tenant));
        if (log.isDebugEnabled()) {
            log.debug("job {} attempt {} -> {} score {} ranking {}", request.getJobId(), attempt, d.getId(), r.score(),
                    r.ranking().stream().map(c -> c.deployment().getId() + "=" + String.format(java.util.Locale.ROOT,
                            "%.3f", c.score().getTotal())).toList());
        }
        OutgoingRequest out = new OutgoingRequest(routed, target.topic());
        context.forward(new Record<>(request.getJobId(), (Object) out, now), RouterGraph.PROVIDER_SINK);
    }

    /**
     * The reference routed requests to {@code d} carry, encoded once per deployment of the current
     * catalog, and its provider's topic.
     */
    private Target target(DeploymentSpec d) {
        RoutingCatalog catalog = view.catalog();
        if (catalog != targetsOf) {
            targets.clear(); // the catalog changed: its deployments are new objects
            targetsOf = catalog;
        }
        Target t = targets.get(d);
        if (t == null) {
            t = new Target(EncodedDeploymentRef.of(d),
                    providerTopics.computeIfAbsent(d.getProvider(), wiring.config().topics()::provider));
            targets.put(d, t);
        }
        return t;
    }

    private void park(CompletionRequest request, List<AttemptSummary> tried, RoutingDecision.Park p, long now) {
        long giveUp = request.getDeadlineMs() != null ? request.getDeadlineMs() : now + parking.maxPark().toMillis();
        ParkedJob job = ParkedJob.newBuilder()
                .setRequest(request)
                .setTried(List.copyOf(tried))
                .setPool(request.getModel())
                .setParkedAtMs(now)
                .setGiveUpAtMs(giveUp)
                .setReason(p.reason())
                .build();
        parked.put(request.getJobId(), job);
        lot.park(request.getJobId(), job.getPool(), giveUp);
        log.debug("parked job {}: {}", request.getJobId(), p.reason());
    }

    private void reexamineParked(long now) {
        if (lot.size() == 0) {
            return;
        }
        for (String jobId : lot.expired(now)) {
            ParkedJob job = parked.get(jobId);
            lot.remove(jobId);
            if (job == null) {
                continue;
            }
            parked.delete(jobId);
            CompletionRequest r = job.getRequest();
            boolean deadline = r.getDeadlineMs() != null && r.getDeadlineMs() <= now;
            fail(jobId, r, job.getTried(), deadline ? FailureReason.DEADLINE : FailureReason.NO_ROUTE,
                    (deadline ? "deadline passed while parked: " : "parked too long: ") + job.getReason(),
                    TerminalRecords.Source.NONE, null, null, now);
        }
        long version = stateVersion.current();
        boolean changed = version != lastSeenVersion;
        lastSeenVersion = version;
        for (String pool : lot.pools()) {
            PoolBackoff backoff = poolBackoff.computeIfAbsent(pool, p -> newBackoff(now));
            if (!changed && !backoff.due(now)) {
                continue;
            }
            int released = 0;
            for (String jobId : lot.jobsIn(pool)) {
                ParkedJob job = parked.get(jobId);
                if (job == null) {
                    lot.remove(jobId);
                    continue;
                }
                boolean left;
                try {
                    left = route(job.getRequest(), null, job.getTried(), now, null, false);
                } catch (RuntimeException e) {
                    // A punctuator exception would kill the stream thread; end this one job instead.
                    log.error("unexpected failure re-examining parked job {}", jobId, e);
                    fail(jobId, job.getRequest(), job.getTried(), FailureReason.INTERNAL, "router error: " + e,
                            TerminalRecords.Source.NONE, null, null, now);
                    left = true;
                }
                if (!left) {
                    // The oldest job of the pool still has nowhere to go: the rest wait for the next look.
                    break;
                }
                parked.delete(jobId);
                lot.remove(jobId);
                if (++released >= parking.releaseBatch()) {
                    break;
                }
            }
        }
    }

    private PoolBackoff newBackoff(long now) {
        return new PoolBackoff(parking.initialBackoff().toMillis(), parking.maxBackoff().toMillis(), now);
    }

    private void undecodable(Record<byte[], byte[]> record, String topic, RuntimeException e, long now) {
        String key = keyOf(record);
        log.warn("undecodable record key={} on {}: {}", key, topic, e.toString());
        metrics.record(RouterMetrics.Decision.UNDECODABLE, now);
        fail(key, null, List.of(), FailureReason.UNDECODABLE,
                "undecodable record on " + topic + ": " + e.getMessage(), source(topic), key, record.value(), now);
    }

    private void fail(String jobId, CompletionRequest request, List<AttemptSummary> tried, FailureReason reason,
                      String message, TerminalRecords.Source source, String originalKey, byte[] originalValue, long now) {
        log.info("job {} failed: {} ({})", jobId, reason, message);
        metrics.record(RouterMetrics.Decision.FAILED, now);
        if (jobId != null && !jobId.isBlank()) {
            context.forward(new Record<>(jobId, (Object) TerminalRecords.failedResult(jobId, request, tried, reason,
                    message, now), now), RouterGraph.RESULTS_SINK);
        }
        context.forward(new Record<>(jobId, (Object) TerminalRecords.deadLetter(jobId, request, tried, reason, message,
                source, originalKey, originalValue, now), now), RouterGraph.DEAD_LETTER_SINK);
    }

    /** The record key as text, for failures only: the route itself keys by the decoded job id. */
    private static String keyOf(Record<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private TerminalRecords.Source source(String topic) {
        var meta = context.recordMetadata();
        return new TerminalRecords.Source(topic, meta.map(RecordMetadata::partition).orElse(null),
                meta.map(RecordMetadata::offset).orElse(null));
    }
}
