package dev.detour.gateway.support;

import dev.detour.client.DetourClientConfig;
import dev.detour.core.TopicProvisioner;
import dev.detour.core.Topics;
import dev.detour.gateway.ApiKeys;
import dev.detour.gateway.Gateway;
import dev.detour.gateway.GatewayConfig;
import dev.detour.schema.Catalog;
import dev.detour.schema.ConfigRecord;
import dev.detour.schemas.serde.AvroSerde;
import dev.detour.schemas.serde.SchemaRegistryClients;
import dev.detour.testkit.KafkaCluster;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Topics, config records and keys of one test class on the shared broker. */
public final class TestBed {
    public static final String ACME_KEY = "sk-acme-test-key";
    public static final String BROKE_KEY = "sk-broke-test-key";
    public static final String LIMITED_KEY = "sk-limited-test-key";

    public final KafkaCluster kafka;
    public final Topics topics;
    public final String registryUrl;

    public TestBed(KafkaCluster kafka, Catalog catalog) {
        this.kafka = kafka;
        this.topics = new Topics(kafka.uniquePrefix(), 3, (short) 1);
        this.registryUrl = "mock://gateway-" + topics.prefix();
        try (Admin admin = kafka.admin()) {
            new TopicProvisioner(admin).ensure(topics.fixed());
        }
        publishConfig("catalog", ConfigRecord.newBuilder().setCatalog(catalog).build());
        grant(ACME_KEY, "acme", List.of());
        grant(BROKE_KEY, "broke", List.of());
        grant(LIMITED_KEY, "acme", List.of("chat"));
    }

    public DetourClientConfig pipeline() {
        return DetourClientConfig.of(kafka.bootstrapServers(), registryUrl).withTopicPrefix(topics.prefix());
    }

    public GatewayConfig gatewayConfig() {
        return GatewayConfig.defaults(pipeline()).withBind("127.0.0.1", 0);
    }

    public Gateway startGateway(GatewayConfig config) {
        return Gateway.start(config);
    }

    public StandInPipeline standIn() {
        return new StandInPipeline(kafka.clientProperties(), topics, registryUrl, Catalogs::script);
    }

    public void grant(String key, String tenant, List<String> models) {
        String hash = ApiKeys.hash(key);
        publishConfig(ApiKeys.configKey(hash), ApiKeys.grant(hash, tenant, models));
    }

    /** A tombstone: the key disappears from every gateway following the topic. */
    public void delete(String key) {
        publishConfig(ApiKeys.configKey(ApiKeys.hash(key)), null);
    }

    public void publishConfig(String key, ConfigRecord value) {
        Properties p = kafka.clientProperties();
        try (var producer = new KafkaProducer<>(p, new StringSerializer(),
                new AvroSerde<>(ConfigRecord.class, SchemaRegistryClients.forUrl(registryUrl)).serializer())) {
            producer.send(new ProducerRecord<>(topics.config(), key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
