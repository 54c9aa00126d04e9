package dev.detour.registry;

import dev.detour.schema.CompletionRequest;
import dev.detour.schema.UsageRecord;
import dev.detour.schemas.serde.AvroDecodeException;
import dev.detour.schemas.serde.AvroDeserializer;
import dev.detour.schemas.serde.AvroSerde;
import dev.detour.schemas.serde.AvroSerializer;
import dev.detour.schemas.serde.AvroSerdeConfig;
import dev.detour.schemas.serde.CompatibilityLevel;
import dev.detour.schemas.serde.DetourSerdes;
import dev.detour.schemas.serde.RegisteredSchema;
import dev.detour.schemas.serde.SchemaRegistryClient;
import dev.detour.schemas.serde.SchemaRegistryClients;
import dev.detour.schemas.serde.SchemaRegistryException;
import dev.detour.schemas.serde.WireFormat;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.detour.registry.RegistryHttp.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The registry on a real broker: the serde end to end, restarts, and two instances on one topic. */
@WithKafka
class KafkaBackedRegistryTest {

    private static RegistryConfig config(KafkaCluster kafka) {
        return RegistryConfig.of(kafka.bootstrapServers()).withTopic(kafka.uniquePrefix() + "_schemas")
                .withKafkaClientProps(RestApiTest.clientProps(kafka));
    }

    private static Schema record(String name, int fields) {
        StringBuilder json = new StringBuilder("{\"type\":\"record\",\"name\":\"" + name + "\",\"fields\":[");
        for (int i = 0; i < fields; i++) {
            json.append(i == 0 ? "" : ",").append("{\"name\":\"f").append(i)
                    .append("\",\"type\":[\"null\",\"string\"],\"default\":null}");
        }
        return new Schema.Parser().parse(json.append("]}").toString());
    }

    @Test
    void theSerdeWorksEndToEndThroughTheRestClient(KafkaCluster kafka) {
        try (SchemaRegistryServer server = SchemaRegistryServer.start(config(kafka))) {
            AvroSerde<CompletionRequest> producerSide = new AvroSerde<>();
            producerSide.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, server.url()), false);
            AvroSerde<CompletionRequest> consumerSide = DetourSerdes.of(CompletionRequest.class, server.url());
            CompletionRequest request = RegistryTestRecords.request();

            byte[] bytes = producerSide.serializer().serialize("detour.requests", request);

            assertThat(consumerSide.deserializer().deserialize("detour.requests", bytes)).isEqualTo(request);
            SchemaRegistryClient client = SchemaRegistryClients.forUrl(server.url());
            RegisteredSchema latest = client.latest("detour.requests-value");
            assertThat(latest.id()).isEqualTo(WireFormat.schemaId(bytes));
            assertThat(latest.version()).isEqualTo(1);
            assertThat(latest.schema()).isEqualTo(CompletionRequest.getClassSchema());
            assertThat(client.subjects()).containsExactly("detour.requests-value");
            assertThat(client.versions("detour.requests-value")).containsExactly(1);
            assertThat(client.isCompatible("detour.requests-value", CompletionRequest.getClassSchema())).isTrue();
            assertThat(client.isCompatible("detour.requests-value", UsageRecord.getClassSchema())).isFalse();
            assertThat(client.isCompatible("fresh-value", UsageRecord.getClassSchema())).isTrue();
            assertThat(client.lookupId("detour.requests-value", CompletionRequest.getClassSchema()))
                    .isEqualTo(latest.id());
            assertThatThrownBy(() -> client.register("detour.requests-value", UsageRecord.getClassSchema()))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA);
                        assertThat(e.httpStatus()).isEqualTo(409);
                    });
            assertThatThrownBy(() -> client.schemaById(latest.id() + 1000))
                    .isInstanceOfSatisfying(SchemaRegistryException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
        }
    }

    @Test
    void theRestClientFailsOverToTheNextUrl(KafkaCluster kafka) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (SchemaRegistryServer server = SchemaRegistryServer.start(config(kafka))) {
            SchemaRegistryClient client = SchemaRegistryClients.forUrl(
                    "http://127.0.0.1:" + closedPort + "," + server.url(), null, Duration.ofSeconds(10));

            int id = client.register("orders-value", record("Order", 1));

            assertThat(client.schemaById(id)).isEqualTo(record("Order", 1));
        }
    }

    @Test
    void aRestartKeepsIdsVersionsAndConfig(KafkaCluster kafka) {
        RegistryConfig config = config(kafka);
        int firstId;
        int secondId;
        try (SchemaRegistryServer server = SchemaRegistryServer.start(config)) {
            SchemaRegistryClient client = SchemaRegistryClients.forUrl(server.url());
            firstId = client.register("orders-value", record("Order", 1));
            secondId = client.register("orders-value", record("Order", 2));
            client.register("payments-value", record("Order", 1));
            new RegistryHttp(server.url()).put("/config/payments-value", "{\"compatibility\":\"FULL\"}");
            new RegistryHttp(server.url()).put("/config", "{\"compatibility\":\"FORWARD\"}");
        }

        try (SchemaRegistryServer restarted = SchemaRegistryServer.start(config)) {
            SchemaRegistryClient client = SchemaRegistryClients.forUrl(restarted.url());
            RegistryHttp http = new RegistryHttp(restarted.url());

            assertThat(client.schemaById(firstId)).isEqualTo(record("Order", 1));
            assertThat(client.schemaById(secondId)).isEqualTo(record("Order", 2));
            assertThat(client.versions("orders-value")).containsExactly(1, 2);
            assertThat(client.latest("orders-value").id()).isEqualTo(secondId);
            assertThat(client.register("orders-value", record("Order", 2))).as("idempotent after restart").isEqualTo(secondId);
            assertThat(client.register("orders-value", record("Order", 3))).as("the next id continues")
                    .isEqualTo(Math.max(firstId, secondId) + 1);
            assertThat(http.get("/config/payments-value").json().get("compatibilityLevel").asText()).isEqualTo("FULL");
            assertThat(http.get("/config").json().get("compatibilityLevel").asText()).isEqualTo("FORWARD");
        }
    }

    @Test
    void twoInstancesOnOneTopicAgreeOnIds(KafkaCluster kafka) throws Exception {
        RegistryConfig config = config(kafka);
        try (SchemaRegistryServer a = SchemaRegistryServer.start(config);
             SchemaRegistryServer b = SchemaRegistryServer.start(config);
             ExecutorService pool = Executors.newFixedThreadPool(4)) {
            SchemaRegistryClient viaA = SchemaRegistryClients.forUrl(a.url());
            SchemaRegistryClient viaB = SchemaRegistryClients.forUrl(b.url());

            int written = viaA.register("shared-value", record("Shared", 1));
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(
                    () -> assertThat(viaB.latest("shared-value").id()).isEqualTo(written));

            // Both instances register different schemas at once: no id may name two schemas.
            List<Callable<Integer>> writes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                SchemaRegistryClient target = i % 2 == 0 ? viaA : viaB;
                Schema schema = record("Race" + i, 1);
                String subject = "race" + i + "-value";
                writes.add(() -> target.register(subject, schema));
            }
            Set<Integer> ids = new HashSet<>();
            for (Future<Integer> id : pool.invokeAll(writes)) {
                ids.add(id.get());
            }
            assertThat(ids).hasSize(8).doesNotContain(written);
            for (int i = 0; i < 8; i++) {
                String subject = "race" + i + "-value";
                Schema expected = record("Race" + i, 1);
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                    RegisteredSchema onA = viaA.latest(subject);
                    assertThat(onA.schema()).isEqualTo(expected);
                    assertThat(viaB.latest(subject)).isEqualTo(onA);
                });
            }
        }
    }

    @Test
    void aSubjectLevelIsHonouredByBothInstances(KafkaCluster kafka) {
        RegistryConfig config = config(kafka);
        try (SchemaRegistryServer a = SchemaRegistryServer.start(config);
             SchemaRegistryServer b = SchemaRegistryServer.start(config)) {
            new RegistryHttp(a.url()).put("/config/loose-value", "{\"compatibility\":\"" + CompatibilityLevel.NONE + "\"}");
            SchemaRegistryClient viaB = SchemaRegistryClients.forUrl(b.url());
            viaB.register("loose-value", record("Loose", 1));

            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(
                    new RegistryHttp(b.url()).get("/config/loose-value").json().get("compatibilityLevel").asText())
                    .isEqualTo("NONE"));
            assertThat(viaB.register("loose-value", UsageRecord.getClassSchema())).isPositive();
            assertThat(new RegistryHttp(b.url()).post("/subjects/loose-value/versions",
                    schemaBody(CompletionRequest.getClassSchema().toString())).status()).isEqualTo(200);
        }
    }

    @Test
    void kafkaClientsBuildTheSerdeFromPropertiesAndBadBytesNameTheirCause(KafkaCluster kafka) {
        String topic = kafka.uniquePrefix() + "requests";
        kafka.createTopics(1, topic);
        try (SchemaRegistryServer server = SchemaRegistryServer.start(config(kafka))) {
            Map<String, Object> producerProps = new HashMap<>();
            kafka.clientProperties().forEach((k, v) -> producerProps.put(k.toString(), v));
            producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerializer.class.getName());
            producerProps.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, server.url());
            Map<String, Object> rawProps = new HashMap<>(producerProps);
            rawProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            try (KafkaProducer<String, CompletionRequest> producer = new KafkaProducer<>(producerProps);
                 KafkaProducer<String, byte[]> raw = new KafkaProducer<>(rawProps)) {
                // Two producers: flush between sends so the partition holds them in this order.
                producer.send(new ProducerRecord<>(topic, "job-1", RegistryTestRecords.request()));
                producer.flush();
                raw.send(new ProducerRecord<>(topic, "job-2", "{\"not\":\"avro\"}".getBytes()));
                raw.flush();
                producer.send(new ProducerRecord<>(topic, "job-1", null));
                producer.flush();
            }

            Map<String, Object> consumerProps = new HashMap<>();
            kafka.clientProperties().forEach((k, v) -> consumerProps.put(k.toString(), v));
            consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroDeserializer.class.getName());
            consumerProps.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, server.url());
            consumerProps.put(AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, CompletionRequest.class.getName());
            try (KafkaConsumer<String, CompletionRequest> consumer = new KafkaConsumer<>(consumerProps)) {
                TopicPartition partition = new TopicPartition(topic, 0);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                List<ConsumerRecord<String, CompletionRequest>> read = new ArrayList<>();
                List<AvroDecodeException> undecodable = new ArrayList<>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    try {
                        consumer.poll(Duration.ofMillis(100)).forEach(read::add);
                    } catch (RecordDeserializationException e) {
                        // What a processor does: keep the cause for the dead letter, step over the record.
                        undecodable.add((AvroDecodeException) e.getCause());
                        consumer.seek(e.topicPartition(), e.offset() + 1);
                    }
                    return read.size() == 2 && undecodable.size() == 1;
                });
                assertThat(read.get(0).value()).isEqualTo(RegistryTestRecords.request());
                assertThat(read.get(1).value()).as("tombstone").isNull();
                assertThat(undecodable).singleElement().satisfies(e -> {
                    assertThat(e.cause()).isEqualTo(AvroDecodeException.Cause.NO_MAGIC_BYTE);
                    assertThat(e.topic()).isEqualTo(topic);
                });
            }
        }
    }
}
