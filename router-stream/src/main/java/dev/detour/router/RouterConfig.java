package dev.detour.router;

import dev.detour.core.Topics;
import dev.detour.router.health.BreakerConfig;
import dev.detour.router.health.HealthWindowConfig;
import dev.detour.router.policy.ScoringConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything the router is configured with, parsed once.
 *
 * @param applicationId Kafka Streams application id (shared by all router instances of one installation)
 * @param bootstrapServers Kafka bootstrap servers
 * @param schemaRegistryUrl schema registry URL ({@code mock://scope} in tests)
 * @param topics topic names (prefix)
 * @param instanceId this instance's name, written into every RoutedRequest
 * @param guarantee processing guarantee of the request path
 * @param streamThreads Kafka Streams threads
 * @param stateDir state directory, or null for Kafka Streams' default
 * @param commitInterval commit interval, or null for {@link #effectiveCommitInterval() the guarantee's default}
 * @param lingerMs producer linger; 0, because every routed request waits for it (under load the producer
 *                 still batches what queues up while earlier sends are in flight)
 * @param breaker circuit breaker thresholds
 * @param health health window and publishing
 * @param scoring score weights
 * @param parking parking and release of jobs with nothing eligible
 * @param dedupeWindow a job id seen within this window is dropped as a re-publication
 * @param inMemoryState keep the router's stores in memory (tests, demo) instead of RocksDB
 * @param streamsOverrides extra Kafka Streams/client properties (SASL, TLS, ...), applied last
 */
public record RouterConfig(
        String applicationId,
        String bootstrapServers,
        String schemaRegistryUrl,
        Topics topics,
        String instanceId,
        ProcessingGuarantee guarantee,
        int streamThreads,
        Path stateDir,
        Duration commitInterval,
        int lingerMs,
        BreakerConfig breaker,
        HealthWindowConfig health,
        ScoringConfig scoring,
        ParkingConfig parking,
        Duration dedupeWindow,
        boolean inMemoryState,
        Map<String, String> streamsOverrides) {

    /** Processing guarantee of the request path; see docs/router.md for why at-least-once is the default. */
    public enum ProcessingGuarantee { AT_LEAST_ONCE, EXACTLY_ONCE_V2 }

    /**
     * At-least-once commits every second, not every 30 s (Kafka Streams' default): what a crash
     * re-delivers is routed again, and each re-routed request is a second paid provider call, so the
     * interval bounds that cost to about a second of traffic. The worker commits at the same pace.
     */
    public static final Duration AT_LEAST_ONCE_COMMIT_INTERVAL = Duration.ofSeconds(1);
    /** Kafka Streams' exactly-once default: read_committed consumers see a routed request at its commit. */
    public static final Duration EXACTLY_ONCE_COMMIT_INTERVAL = Duration.ofMillis(100);

    public RouterConfig {
        streamsOverrides = Map.copyOf(streamsOverrides);
    }

    /** The configured commit interval, else the guarantee's default. */
    public Duration effectiveCommitInterval() {
        if (commitInterval != null) {
            return commitInterval;
        }
        return guarantee == ProcessingGuarantee.AT_LEAST_ONCE ? AT_LEAST_ONCE_COMMIT_INTERVAL : EXACTLY_ONCE_COMMIT_INTERVAL;
    }

    public static RouterConfig defaults(String bootstrapServers, String schemaRegistryUrl) {
        return new RouterConfig("detour-router", bootstrapServers, schemaRegistryUrl, Topics.defaults(),
                defaultInstanceId(), ProcessingGuarantee.AT_LEAST_ONCE, 1, null, null, 0,
                BreakerConfig.defaults(), HealthWindowConfig.defaults(), ScoringConfig.defaults(),
                ParkingConfig.defaults(), Duration.ofHours(1), false, Map.of());
    }

    private static String defaultInstanceId() {
        String host = System.getenv().getOrDefault("HOSTNAME", "router");
        return host + "-" + ProcessHandle.current().pid();
    }

    public RouterConfig withTopics(Topics v) {
        return new RouterConfig(applicationId, bootstrapServers, schemaRegistryUrl, v, instanceId, guarantee,
                streamThreads, stateDir, commitInterval, lingerMs, breaker, health, scoring, parking, dedupeWindow,
                inMemoryState, streamsOverrides);
    }

    public RouterConfig withApplicationId(String v) {
        return new RouterConfig(v, bootstrapServers, schemaRegistryUrl, topics, instanceId, guarantee,
                streamThreads, stateDir, commitInterval, lingerMs, breaker, health, scoring, parking, dedupeWindow,
                inMemoryState, streamsOverrides);
    }

    public RouterConfig withInstanceId(String v) {
        return new RouterConfig(applicationId, bootstrapServers, schemaRegistryUrl, topics, v, guarantee,
                streamThreads, stateDir, commitInterval, lingerMs, breaker, health, scoring, parking, dedupeWindow,
                inMemoryState, streamsOverrides);
    }

    public RouterConfig withGuarantee(ProcessingGuarantee v) {
        return new RouterConfig(applicationId, bootstrapServers, schemaRegistryUrl, topics, instanceId, v,
                streamThreads, stateDir, commitInterval, lingerMs, breaker, health, scoring, parking, dedupeWindow,
                inMemoryState, streamsOverrides);
    }

    public RouterConfig withStateDir(Path v) {
        return new RouterConfig(applicationId, bootstrapServers, schemaRegistryUrl, topics, instanceId, guarantee,
                streamThreads, v, commitInterval, lingerMs, breaker, health, scoring, parking, dedupeWindow,
                inMemoryState, streamsOverrides);
    }

    public RouterConfig withBreaker(BreakerConfig v) {
        return new RouterConfig(applicationId, bootstrapServers, schemaRegistryUrl, topics, instanceId, guarantee,
                streamThreads, stateDir, commitInterval, lingerMs, v, health, scoring, parking, dedupeWindow,
                inMemoryState, streamsOverrides);
    }

    public RouterConfig withHealth(HealthWindowConfig v) {
        return new RouterConfig(applicationId, bootstrapServers, schemaRegistryUrl, topics, instanceId, guarantee,
                streamThreads, stateDir, commitInterval, lingerMs, breaker, v, scoring, parking, dedupeWindow,
                inMemoryState, streamsOverrides);
    }

    public RouterConfig withScoring(ScoringConfig v) {
        return new RouterConfig(applicationId, bootstrapServers, schemaRegistryUrl, topics, instanceId, guarantee,
                streamThreads, stateDir, commitInterval, lingerMs, breaker, health, v, parking, dedupeWindow,
                inMemoryState, streamsOverrides);
    }

    public RouterConfig withParking(ParkingConfig v) {
        return new RouterConfig(applicationId, bootstrapServers, schemaRegistryUrl, topics, instanceId, guarantee,
                streamThreads, stateDir, commitInterval, lingerMs, breaker, health, scoring, v, dedupeWindow,
                inMemoryState, streamsOverrides);
    }

    public RouterConfig withInMemoryState(boolean v) {
        return new RouterConfig(applicationId, bootstrapServers, schemaRegistryUrl, topics, instanceId, guarantee,
                streamThreads, stateDir, commitInterval, lingerMs, breaker, health, scoring, parking, dedupeWindow,
                v, streamsOverrides);
    }

    public RouterConfig withStreamsOverrides(Map<String, String> v) {
        return new RouterConfig(applicationId, bootstrapServers, schemaRegistryUrl, topics, instanceId, guarantee,
                streamThreads, stateDir, commitInterval, lingerMs, breaker, health, scoring, parking, dedupeWindow,
                inMemoryState, v);
    }
}
