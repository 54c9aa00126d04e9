package dev.detour.worker;

import dev.detour.core.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Typed configuration of a worker, parsed once.
 *
 * @param bootstrapServers       Kafka bootstrap servers
 * @param schemaRegistryUrl      schema registry URL ({@code mock://scope} in tests)
 * @param topicPrefix            prefix of every topic name (default {@code detour.})
 * @param providers              providers whose topics to consume; empty = every {@code <prefix>provider.*} topic
 * @param groupId                consumer group of the workers
 * @param instanceId             this worker's name in AttemptOutcome.workerInstance and logs
 * @param maxInFlightTotal       bound of calls in flight in this JVM
 * @param maxInFlightPerProvider bound per provider (the catalog's ProviderLimits.maxInFlight lowers it)
 * @param lowWaterRatio          paused partitions resume when in flight drops to this share of the bound
 * @param defaultTimeout         call timeout when neither deployment nor provider names one
 * @param retry                  same-deployment retries of transient faults
 * @param maxThrottleWait        longest a call waits for the client-side rate limit before the job
 *                               goes back to the router (RATE_LIMITED) instead
 * @param revokeGrace            on partition revocation, how long in-flight calls of those partitions
 *                               may finish before they are abandoned (uncommitted, re-delivered)
 * @param shutdownGrace          on close, how long in-flight calls may finish
 * @param commitInterval         period of asynchronous offset commits
 * @param metricsPort            port of the Prometheus /metrics endpoint; 0 = any free port, -1 = off
 * @param jmx                    whether to expose metrics over JMX
 * @param kafkaProperties        extra client properties (security, tuning), applied to consumer and producer
 */
public record WorkerConfig(
        String bootstrapServers,
        String schemaRegistryUrl,
        String topicPrefix,
        List<String> providers,
        String groupId,
        String instanceId,
        int maxInFlightTotal,
        int maxInFlightPerProvider,
        double lowWaterRatio,
        Duration defaultTimeout,
        RetrySettings retry,
        Duration maxThrottleWait,
        Duration revokeGrace,
        Duration shutdownGrace,
        Duration commitInterval,
        int metricsPort,
        boolean jmx,
        Map<String, String> kafkaProperties) {

    public WorkerConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        providers = List.copyOf(providers);
        kafkaProperties = Map.copyOf(kafkaProperties);
        if (maxInFlightTotal < 1 || maxInFlightPerProvider < 1) {
            throw new IllegalArgumentException("in-flight bounds must be >= 1");
        }
    }

    public static Builder builder(String bootstrapServers, String schemaRegistryUrl) {
        return new Builder(bootstrapServers, schemaRegistryUrl);
    }

    public Topics topics() {
        return new Topics(topicPrefix, Topics.defaults().partitions(), Topics.defaults().replication());
    }

    public static final class Builder {
        private final String bootstrapServers;
        private final String schemaRegistryUrl;
        private String topicPrefix = Topics.DEFAULT_PREFIX;
        private List<String> providers = List.of();
        private String groupId = "detour-worker";
        private String instanceId = "worker-" + ProcessHandle.current().pid();
        private int maxInFlightTotal = 10_000;
        private int maxInFlightPerProvider = 5_000;
        private double lowWaterRatio = 0.75;
        private Duration defaultTimeout = Duration.ofSeconds(60);
        private RetrySettings retry = RetrySettings.defaults();
        private Duration maxThrottleWait = Duration.ofSeconds(5);
        private Duration revokeGrace = Duration.ofSeconds(5);
        private Duration shutdownGrace = Duration.ofSeconds(30);
        private Duration commitInterval = Duration.ofSeconds(1);
        private int metricsPort = -1;
        private boolean jmx = false;
        private Map<String, String> kafkaProperties = Map.of();

        private Builder(String bootstrapServers, String schemaRegistryUrl) {
            this.bootstrapServers = bootstrapServers;
            this.schemaRegistryUrl = schemaRegistryUrl;
        }

        public Builder topicPrefix(String v) { topicPrefix = v; return this; }
        public Builder providers(List<String> v) { providers = v; return this; }
        public Builder groupId(String v) { groupId = v; return this; }
        public Builder instanceId(String v) { instanceId = v; return this; }
        public Builder maxInFlightTotal(int v) { maxInFlightTotal = v; return this; }
        public Builder maxInFlightPerProvider(int v) { maxInFlightPerProvider = v; return this; }
        public Builder lowWaterRatio(double v) { lowWaterRatio = v; return this; }
        public Builder defaultTimeout(Duration v) { defaultTimeout = v; return this; }
        public Builder retry(RetrySettings v) { retry = v; return this; }
        public Builder maxThrottleWait(Duration v) { maxThrottleWait = v; return this; }
        public Builder revokeGrace(Duration v) { revokeGrace = v; return this; }
        public Builder shutdownGrace(Duration v) { shutdownGrace = v; return this; }
        public Builder commitInterval(Duration v) { commitInterval = v; return this; }
        public Builder metricsPort(int v) { metricsPort = v; return this; }
        public Builder jmx(boolean v) { jmx = v; return this; }
        public Builder kafkaProperties(Map<String, String> v) { kafkaProperties = v; return this; }

        public WorkerConfig build() {
            return new WorkerConfig(bootstrapServers, schemaRegistryUrl, topicPrefix, providers, groupId, instanceId,
                    maxInFlightTotal, maxInFlightPerProvider, lowWaterRatio, defaultTimeout, retry, maxThrottleWait,
                    revokeGrace, shutdownGrace, commitInterval, metricsPort, jmx, kafkaProperties);
        }
    }
}
