package dev.detour.core.config;

import dev.detour.core.Topics;
import dev.detour.core.catalog.CatalogValidator;
import dev.detour.core.quality.QualityGates;
import dev.detour.schema.Catalog;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.ProviderDrain;
import dev.detour.schema.TenantPolicy;
import dev.detour.schemas.serde.AvroSerde;
import dev.detour.schemas.serde.SchemaRegistryClients;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes configuration to the compacted config topic, where every router, worker, ledger and
 * gateway picks it up without a restart. A catalog is validated before it is published, so a bad
 * one never reaches a running component.
 */
public final class ConfigPublisher implements AutoCloseable {
    private final KafkaProducer<String, ConfigRecord> producer;
    private final String topic;

    public ConfigPublisher(String bootstrapServers, String registryUrl, Topics topics, Map<String, String> clientProperties) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        this.producer = new KafkaProducer<>(p, new StringSerializer(),
                new AvroSerde<>(ConfigRecord.class, SchemaRegistryClients.forUrl(registryUrl)).serializer());
        this.topic = topics.config();
    }

    public void publishCatalog(Catalog catalog) {
        var problems = CatalogValidator.problems(catalog, false);
        if (!problems.isEmpty()) {
            var first = problems.get(0);
            throw new IllegalArgumentException("catalog rejected: " + first.key() + ": " + first.message()
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
        }
        publishUnchecked(catalog);
    }

    /** Publishes a catalog whose base URLs may point at private addresses (the simulator on loopback). */
    public void publishUnchecked(Catalog catalog) {
        send(ConfigKeys.CATALOG, ConfigRecord.newBuilder().setCatalog(catalog).setUpdatedAtMs(System.currentTimeMillis()).build());
    }

    /**
     * Publishes a tenant policy after checking its quality gates (regexes, JSON Schema, judge
     * threshold). Use {@link #publishTenant(TenantPolicy, Catalog)} to also check that the judge's
     * deployment exists.
     */
    public void publishTenant(TenantPolicy policy) {
        rejectBadTenant(policy, null);
        publishTenantUnchecked(policy);
    }

    /** As {@link #publishTenant(TenantPolicy)}, also rejecting a judge deployment the catalog does not have. */
    public void publishTenant(TenantPolicy policy, Catalog catalog) {
        rejectBadTenant(policy, catalog);
        publishTenantUnchecked(policy);
    }

    /** The problems of a tenant policy, each naming its key; empty when it may be published. */
    public static java.util.List<QualityGates.Problem> tenantProblems(TenantPolicy policy, Catalog catalog) {
        String prefix = ConfigKeys.tenant(policy.getTenant()) + ".quality";
        java.util.List<QualityGates.Problem> problems = new java.util.ArrayList<>();
        if (policy.getQuality() != null) {
            problems.addAll(QualityGates.problems(policy.getQuality(), prefix));
            if (catalog != null && policy.getQuality().getJudge() != null) {
                String judge = policy.getQuality().getJudge().getDeploymentId();
                if (catalog.getDeployments().stream().noneMatch(d -> d.getId().equals(judge))) {
                    problems.add(new QualityGates.Problem(prefix + ".judge.deploymentId",
                            "unknown deployment '" + judge + "'"));
                }
            }
        }
        if (policy.getCacheTtlMs() != null && policy.getCacheTtlMs() <= 0) {
            problems.add(new QualityGates.Problem(ConfigKeys.tenant(policy.getTenant()) + ".cacheTtlMs", "must be positive"));
        }
        if (policy.getCacheMaxEntries() != null && policy.getCacheMaxEntries() <= 0) {
            problems.add(new QualityGates.Problem(ConfigKeys.tenant(policy.getTenant()) + ".cacheMaxEntries", "must be positive"));
        }
        return problems;
    }

    private static void rejectBadTenant(TenantPolicy policy, Catalog catalog) {
        var problems = tenantProblems(policy, catalog);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("tenant policy rejected: " + problems.get(0)
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
        }
    }

    private void publishTenantUnchecked(TenantPolicy policy) {
        send(ConfigKeys.tenant(policy.getTenant()), ConfigRecord.newBuilder().setTenant(policy).setUpdatedAtMs(System.currentTimeMillis()).build());
    }

    public void publishDrain(ProviderDrain drain) {
        send(ConfigKeys.drain(drain.getProvider()), ConfigRecord.newBuilder().setDrain(drain).setUpdatedAtMs(System.currentTimeMillis()).build());
    }

    /** Any other config entry (e.g. a gateway key under {@code apikey/<hash>}). */
    public void publish(String key, ConfigRecord value) {
        send(key, value);
    }

    private void send(String key, ConfigRecord value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing config " + key, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish config " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
