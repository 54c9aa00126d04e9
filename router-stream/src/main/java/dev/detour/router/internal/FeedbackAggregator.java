package dev.detour.router.internal;

import dev.detour.router.health.BreakerConfig;
import dev.detour.router.health.DeploymentHealthAggregate;
import dev.detour.router.health.HealthWindowConfig;
import dev.detour.schema.AttemptOutcome;
import dev.detour.schema.FailureReason;
import dev.detour.schema.HealthSnapshot;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns feedback into health: one aggregate per deployment (its task owns the deployment's partition
 * of detour.feedback), published as {@link HealthSnapshot}s to the compacted health topic that every
 * router instance reads as a global store.
 *
 * <p>A breaker transition is published at once; other changes at most every publish interval, so a
 * thousand feedback records a second become a few snapshots a second per deployment.
 *
 * <p>The changelogged store gets the same treatment: an aggregate changed by feedback is written at the
 * next publish punctuation, a breaker transition at once. Written per record, each feedback record cost
 * an encode of the whole aggregate (~1-2 KB: ten buckets of error counts and latency sketches) and a
 * changelog record of that size. What a crash can cost: the feedback of the last publish interval is
 * missing from the restored aggregate (at-least-once replays it when it came after the last commit);
 * health is a sliding estimate of the last 30 s, and a breaker's state is never deferred.
 */
final class FeedbackAggregator implements Processor<String, byte[], String, Object> {
    private static final Logger log = LoggerFactory.getLogger(FeedbackAggregator.class);

    static final String STORE = "health-aggregates";

    private final HealthWindowConfig windowConfig;
    private final BreakerConfig breakerConfig;
    private final Deserializer<AttemptOutcome> decoder;
    private final HealthAggregateCodec codec;
    private final String feedbackTopic;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, byte[]> store;
    private final Map<String, DeploymentHealthAggregate> cache = new HashMap<>();
    private final Map<String, HealthSnapshot> published = new HashMap<>();
    /** Changed since they were last written to the store. */
    private final Set<String> unwritten = new LinkedHashSet<>();

    FeedbackAggregator(HealthWindowConfig windowConfig, BreakerConfig breakerConfig, Deserializer<AttemptOutcome> decoder,
                       String feedbackTopic) {
        this.windowConfig = windowConfig;
        this.breakerConfig = breakerConfig;
        this.decoder = decoder;
        this.codec = new HealthAggregateCodec(windowConfig, breakerConfig);
        this.feedbackTopic = feedbackTopic;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        // Every aggregate lives in the cache from here on, so the publish punctuation walks the cache,
        // not the store: a store iterator (a native one with RocksDB, plus the open-iterator gauge Kafka
        // Streams registers and removes around it) four times a second per task was 6% of the stream
        // thread at full load.
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                var kv = all.next();
                DeploymentHealthAggregate a = decodeOrNull(kv.key, kv.value);
                if (a != null) {
                    cache.put(kv.key, a);
                }
            }
        }
        context.schedule(windowConfig.publishInterval(), PunctuationType.WALL_CLOCK_TIME, this::publishChanged);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        long now = context.currentSystemTimeMs();
        AttemptOutcome outcome;
        try {
            outcome = decoder.deserialize(feedbackTopic, record.value());
            if (outcome == null) {
                return;
            }
        } catch (RuntimeException e) {
            var meta = context.recordMetadata();
            var source = new TerminalRecords.Source(feedbackTopic, meta.map(m -> m.partition()).orElse(null),
                    meta.map(m -> m.offset()).orElse(null));
            log.warn("undecodable feedback at {}: {}", source, e.toString());
            context.forward(new Record<>(record.key(), (Object) TerminalRecords.deadLetter(null, null, List.of(),
                    FailureReason.UNDECODABLE, "undecodable feedback: " + e.getMessage(), source, record.key(),
                    record.value(), now), now), RouterGraph.DEAD_LETTER_SINK);
            return;
        }
        // The window is recorded at the time of processing, so a backlog (a new application id reading the
        // topic from its start, or an instance back after a long stop) would pass for current calls: a
        // day-old outage would open a breaker now. What ended before the window says nothing about now.
        long endedAt = outcome.getEndedAtMs() > 0 ? outcome.getEndedAtMs() : record.timestamp();
        if (now - endedAt > windowConfig.window().toMillis()) {
            return;
        }
        try {
            String id = outcome.getDeploymentId();
            DeploymentHealthAggregate aggregate = load(id, outcome);
            boolean transitioned = aggregate.record(outcome, now);
            if (!transitioned) {
                unwritten.add(id);
            } else {
                store.put(id, codec.encode(aggregate));
                unwritten.remove(id);
                log.info("deployment {} circuit {} (trips {})", id, aggregate.breaker().storedState(),
                        aggregate.breaker().trips());
                publish(aggregate.snapshot(now), now);
            }
        } catch (RuntimeException e) {
            // One odd feedback record must not stop health for every deployment of the partition.
            log.error("could not aggregate feedback {} of {}", outcome.getAttemptId(), outcome.getDeploymentId(), e);
        }
    }

    private DeploymentHealthAggregate load(String id, AttemptOutcome outcome) {
        DeploymentHealthAggregate a = cache.get(id);
        if (a == null) {
            byte[] bytes = store.get(id);
            a = bytes == null ? null : decodeOrNull(id, bytes);
            if (a == null) {
                a = new DeploymentHealthAggregate(id, outcome.getProvider(), outcome.getModel(), windowConfig, breakerConfig);
            }
            cache.put(id, a);
        }
        return a;
    }

    private DeploymentHealthAggregate decodeOrNull(String id, byte[] bytes) {
        try {
            return codec.decode(bytes);
        } catch (RuntimeException e) {
            log.warn("dropping unreadable health aggregate of {}: {}", id, e.toString());
            return null;
        }
    }

    private void publishChanged(long now) {
        for (String id : unwritten) {
            store.put(id, codec.encode(cache.get(id)));
        }
        unwritten.clear();
        for (var e : cache.entrySet()) {
            HealthSnapshot snapshot = e.getValue().snapshot(now);
            HealthSnapshot last = published.get(e.getKey());
            if (last == null || !sameContent(last, snapshot)
                    || now - last.getUpdatedAtMs() >= windowConfig.heartbeat().toMillis()) {
                publish(snapshot, now);
            }
        }
    }

    private void publish(HealthSnapshot snapshot, long now) {
        published.put(snapshot.getDeploymentId(), snapshot);
        context.forward(new Record<>(snapshot.getDeploymentId(), (Object) snapshot, now), RouterGraph.HEALTH_SINK);
    }

    private static boolean sameContent(HealthSnapshot a, HealthSnapshot b) {
        HealthSnapshot a0 = HealthSnapshot.newBuilder(a).setUpdatedAtMs(0).build();
        HealthSnapshot b0 = HealthSnapshot.newBuilder(b).setUpdatedAtMs(0).build();
        return a0.equals(b0);
    }
}
