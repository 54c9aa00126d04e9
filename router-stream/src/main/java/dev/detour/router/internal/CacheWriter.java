package dev.detour.router.internal;

import dev.detour.core.config.ConfigKeys;
import dev.detour.router.policy.ResponseCachePolicy;
import dev.detour.schema.AttemptSummary;
import dev.detour.schema.CachedAnswer;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.ResultStatus;
import dev.detour.schema.TenantPolicy;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps known-good answers: every SUCCEEDED result that the router tagged with a cache key (its
 * tenant allowed caching when it was routed) becomes a {@link CachedAnswer} on the compacted cache
 * topic, with the tenant's TTL. Answers served from the cache are not written back (their age would
 * reset). Anything it cannot read is skipped: the cache is an optimisation, never a reason to stop.
 */
final class CacheWriter implements Processor<String, byte[], String, Object> {
    private static final Logger log = LoggerFactory.getLogger(CacheWriter.class);

    private final Deserializer<CompletionResult> resultDecoder;
    private final Deserializer<ConfigRecord> configDecoder;
    private final String resultsTopic;
    private ProcessorContext<String, Object> context;
    private ReadOnlyKeyValueStore<String, byte[]> config;
    private final java.util.Map<String, java.util.LinkedHashSet<String>> written = new java.util.HashMap<>();

    CacheWriter(Deserializer<CompletionResult> resultDecoder, Deserializer<ConfigRecord> configDecoder, String resultsTopic) {
        this.resultDecoder = resultDecoder;
        this.configDecoder = configDecoder;
        this.resultsTopic = resultsTopic;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.config = context.getStateStore(RouterGraph.CONFIG_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        try {
            CompletionResult r = resultDecoder.deserialize(resultsTopic, record.value());
            if (r == null || r.getStatus() != ResultStatus.SUCCEEDED || r.getServedFromCache() || r.getContent() == null) {
                return;
            }
            String key = r.getMetadata().get(ResponseCachePolicy.KEY_LABEL);
            if (key == null) {
                return;
            }
            TenantPolicy tenant = tenant(r.getTenant());
            if (tenant == null || tenant.getCache() == dev.detour.schema.CacheMode.OFF) {
                return; // the tenant opted out since the job was routed
            }
            List<AttemptSummary> attempts = r.getAttempts();
            AttemptSummary last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
            long created = r.getCompletedAtMs();
            CachedAnswer entry = CachedAnswer.newBuilder()
                    .setCacheKey(key)
                    .setTenant(r.getTenant())
                    .setContent(r.getContent())
                    .setFinishReason(r.getFinishReason())
                    .setUsage(r.getUsage())
                    .setProvider(r.getProvider() == null ? "" : r.getProvider())
                    .setDeploymentId(r.getDeploymentId() == null ? "" : r.getDeploymentId())
                    .setModel(r.getModel() == null ? "" : r.getModel())
                    .setOriginalJobId(r.getJobId())
                    // The answer's own attempt: what serving it again avoids (earlier failed attempts are not).
                    .setCostMicros(last == null ? r.getCostMicros() : last.getCostMicros())
                    .setCreatedAtMs(created)
                    .setExpiresAtMs(created + ResponseCachePolicy.ttlMs(tenant))
                    .setVerdicts(List.copyOf(r.getVerdicts()))
                    .build();
            context.forward(new Record<>(key, (Object) entry, record.timestamp()), RouterGraph.CACHE_SINK);
            if (tenant.getCacheMaxEntries() != null) {
                evictBeyond(r.getTenant(), key, tenant.getCacheMaxEntries(), record.timestamp());
            }
        } catch (RuntimeException e) {
            log.warn("skipping result {} for the cache: {}", record.key(), e.toString());
        }
    }

    /**
     * Keeps at most {@code max} of the tenant's entries written by this task: the oldest are deleted
     * with a tombstone (which also removes them from every router's global store). The index is in
     * memory and per task, so the bound is per results partition and starts afresh after a restart;
     * the topic's own age and size bounds stay the backstop.
     */
    private void evictBeyond(String tenant, String key, long max, long timestamp) {
        java.util.LinkedHashSet<String> keys = written.computeIfAbsent(tenant, t -> new java.util.LinkedHashSet<>());
        keys.remove(key);
        keys.add(key);
        while (keys.size() > max) {
            String oldest = keys.iterator().next();
            keys.remove(oldest);
            context.forward(new Record<>(oldest, (Object) null, timestamp), RouterGraph.CACHE_SINK);
        }
    }

    private TenantPolicy tenant(String tenant) {
        byte[] bytes = config.get(ConfigKeys.tenant(tenant));
        if (bytes == null) {
            return null;
        }
        ConfigRecord r = configDecoder.deserialize(null, bytes);
        return r == null ? null : r.getTenant();
    }
}
