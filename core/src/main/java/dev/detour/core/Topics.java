package dev.detour.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The topic layout of the pipeline, in one place. Names carry a configurable prefix
 * (default {@code detour.}) so several installations can share a cluster.
 */
public record Topics(String prefix, int partitions, short replication) {

    public static final String DEFAULT_PREFIX = "detour.";

    public static Topics defaults() {
        return new Topics(DEFAULT_PREFIX, 6, (short) 1);
    }

    public String requests() { return prefix + "requests"; }
    public String retries() { return prefix + "retries"; }
    public String results() { return prefix + "results"; }
    public String feedback() { return prefix + "feedback"; }
    public String usage() { return prefix + "usage"; }
    public String deadLetter() { return prefix + "dead-letter"; }
    public String config() { return prefix + "config"; }
    public String budgets() { return prefix + "budgets"; }
    /** Compacted health table of the deployments, written by the router (key deploymentId, HealthSnapshot). */
    public String health() { return prefix + "health"; }
    public String schemas() { return "_" + prefix + "schemas"; }
    /** Compacted last-resort answers (key cache key, CachedAnswer), written and read by the router. */
    public String cache() { return prefix + "cache"; }

    /** The cache topic keeps at most this long (each entry also carries its tenant's shorter TTL). */
    public static final Duration CACHE_RETENTION = Duration.ofDays(7);
    /** Bound on the cache topic's size per partition; the oldest segments go first. */
    public static final long CACHE_RETENTION_BYTES = 256L * 1024 * 1024;

    /** The topic a provider's workers consume. */
    public String provider(String providerName) {
        return prefix + "provider." + providerName;
    }

    /** Retention long enough to audit and replay: usage and dead letters are kept 30 days. */
    public static final Duration LONG_RETENTION = Duration.ofDays(30);

    /** Every fixed topic with its configuration; provider topics are added per catalog. */
    public List<TopicSpec> fixed() {
        List<TopicSpec> all = new ArrayList<>();
        all.add(TopicSpec.deleting(requests(), partitions, replication, Duration.ofDays(7)));
        all.add(TopicSpec.deleting(retries(), partitions, replication, Duration.ofDays(7)));
        all.add(TopicSpec.deleting(results(), partitions, replication, Duration.ofDays(7)));
        all.add(TopicSpec.deleting(feedback(), partitions, replication, Duration.ofDays(1)));
        all.add(TopicSpec.deleting(usage(), partitions, replication, LONG_RETENTION));
        all.add(TopicSpec.deleting(deadLetter(), partitions, replication, LONG_RETENTION));
        all.add(TopicSpec.compacted(config(), 1, replication));
        all.add(TopicSpec.compacted(budgets(), partitions, replication));
        all.add(TopicSpec.compacted(health(), 1, replication));
        all.add(TopicSpec.compacted(schemas(), 1, replication));
        all.add(new TopicSpec(cache(), partitions, replication, Map.of(
                // compact: one answer per key; delete: entries older than the longest TTL and beyond the
                // size bound go, so the cache cannot grow without limit.
                "cleanup.policy", "compact,delete",
                "retention.ms", Long.toString(CACHE_RETENTION.toMillis()),
                "retention.bytes", Long.toString(CACHE_RETENTION_BYTES),
                "min.compaction.lag.ms", "0",
                "segment.ms", Long.toString(Duration.ofHours(1).toMillis()))));
        return all;
    }

    public TopicSpec providerTopic(String providerName) {
        return TopicSpec.deleting(provider(providerName), partitions, replication, Duration.ofDays(7));
    }

    /** Name, partitions, replication and topic-level configs of one topic. */
    public record TopicSpec(String name, int partitions, short replication, Map<String, String> configs) {
        public static TopicSpec compacted(String name, int partitions, short replication) {
            return new TopicSpec(name, partitions, replication, Map.of(
                    "cleanup.policy", "compact",
                    "min.compaction.lag.ms", "0",
                    "segment.ms", Long.toString(Duration.ofHours(1).toMillis())));
        }

        public static TopicSpec deleting(String name, int partitions, short replication, Duration retention) {
            return new TopicSpec(name, partitions, replication, Map.of(
                    "cleanup.policy", "delete",
                    "retention.ms", Long.toString(retention.toMillis())));
        }
    }
}
