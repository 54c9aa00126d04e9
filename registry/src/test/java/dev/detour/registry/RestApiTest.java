package dev.detour.registry;

import dev.detour.registry.RegistryHttp.Answer;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.detour.registry.RegistryHttp.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

/** The Confluent REST API, endpoint by endpoint, on a registry backed by a real broker. */
@WithKafka
class RestApiTest {

    static final String V1 = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":"
            + "[{\"name\":\"id\",\"type\":\"string\"}]}";
    static final String V2 = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":"
            + "[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
    /** A required field without default: new readers cannot read V1/V2 data. */
    static final String BREAKING = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":"
            + "[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"total\",\"type\":\"long\"}]}";

    static SchemaRegistryServer server;
    static RegistryHttp http;
    static String prefix;

    @BeforeAll
    static void start(KafkaCluster kafka) {
        prefix = kafka.uniquePrefix();
        server = SchemaRegistryServer.start(RegistryConfig.of(kafka.bootstrapServers()).withTopic(prefix + "_schemas")
                .withKafkaClientProps(clientProps(kafka)));
        http = new RegistryHttp(server.url());
    }

    static Map<String, String> clientProps(KafkaCluster kafka) {
        Map<String, String> props = new java.util.HashMap<>();
        kafka.clientProperties().forEach((k, v) -> props.put(k.toString(), v.toString()));
        props.remove("bootstrap.servers");
        return props;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String subject(String name) {
        return prefix + name + "-value";
    }

    @Test
    void registerIsIdempotentAndIdsAreGlobal() {
        Answer first = http.post("/subjects/" + subject("a") + "/versions", schemaBody(V1));
        Answer again = http.post("/subjects/" + subject("a") + "/versions", schemaBody(V1));
        Answer elsewhere = http.post("/subjects/" + subject("b") + "/versions", schemaBody(V1));

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        int id = first.json().get("id").asInt();
        assertThat(id).isPositive();
        assertThat(again.json().get("id").asInt()).isEqualTo(id);
        assertThat(elsewhere.json().get("id").asInt()).isEqualTo(id);
        assertThat(http.get("/subjects/" + subject("a") + "/versions").json()).hasSize(1);
    }

    @Test
    void versionsLatestAndSchemasById() {
        String s = subject("orders");
        int id1 = http.post("/subjects/" + s + "/versions", schemaBody(V1)).json().get("id").asInt();
        int id2 = http.post("/subjects/" + s + "/versions", schemaBody(V2)).json().get("id").asInt();

        assertThat(http.get("/subjects/" + s + "/versions").body()).isEqualTo("[1,2]");
        Answer latest = http.get("/subjects/" + s + "/versions/latest");
        assertThat(latest.json().get("subject").asText()).isEqualTo(s);
        assertThat(latest.json().get("version").asInt()).isEqualTo(2);
        assertThat(latest.json().get("id").asInt()).isEqualTo(id2);
        assertThat(http.get("/subjects/" + s + "/versions/1").json().get("id").asInt()).isEqualTo(id1);
        assertThat(http.get("/subjects/" + s + "/versions/-1").json().get("version").asInt()).isEqualTo(2);
        assertThat(http.get("/subjects/" + s + "/versions/1/schema").body()).isEqualTo(V1);
        assertThat(http.get("/schemas/ids/" + id1).json().get("schema").asText()).isEqualTo(V1);
        assertThat(http.get("/schemas/ids/" + id2 + "/versions").body())
                .isEqualTo("[{\"subject\":\"" + s + "\",\"version\":2}]");
        assertThat(http.get("/subjects").json().toString()).contains("\"" + s + "\"");
    }

    @Test
    void lookUpASchemaUnderASubject() {
        String s = subject("lookup");
        int id = http.post("/subjects/" + s + "/versions", schemaBody(V1)).json().get("id").asInt();

        Answer found = http.post("/subjects/" + s, schemaBody(V1));
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json().get("id").asInt()).isEqualTo(id);
        assertThat(found.json().get("version").asInt()).isEqualTo(1);
        assertThat(found.json().get("subject").asText()).isEqualTo(s);
        assertThat(found.json().get("schema").asText()).isEqualTo(V1);

        Answer missingSchema = http.post("/subjects/" + s, schemaBody(V2));
        assertThat(missingSchema.status()).isEqualTo(404);
        assertThat(missingSchema.errorCode()).isEqualTo(40403);
        assertThat(http.post("/subjects/" + subject("nobody"), schemaBody(V1)).errorCode()).isEqualTo(40401);
    }

    @Test
    void missingThingsAnswerConfluentErrorCodes() {
        String s = subject("missing");
        Answer noSubject = http.get("/subjects/" + s + "/versions");
        assertThat(noSubject.status()).isEqualTo(404);
        assertThat(noSubject.errorCode()).isEqualTo(40401);
        assertThat(noSubject.json().get("message").asText()).contains(s);
        assertThat(http.get("/subjects/" + s + "/versions/latest").errorCode()).isEqualTo(40401);

        http.post("/subjects/" + s + "/versions", schemaBody(V1));
        Answer noVersion = http.get("/subjects/" + s + "/versions/7");
        assertThat(noVersion.status()).isEqualTo(404);
        assertThat(noVersion.errorCode()).isEqualTo(40402);
        Answer badVersion = http.get("/subjects/" + s + "/versions/zero");
        assertThat(badVersion.status()).isEqualTo(422);
        assertThat(badVersion.errorCode()).isEqualTo(42202);

        Answer noSchema = http.get("/schemas/ids/987654");
        assertThat(noSchema.status()).isEqualTo(404);
        assertThat(noSchema.errorCode()).isEqualTo(40403);
        assertThat(http.get("/no/such/path").status()).isEqualTo(404);
        assertThat(http.delete("/subjects").status()).isEqualTo(405);
    }

    @Test
    void anIncompatibleSchemaIsRejectedWith409() {
        String s = subject("strict");
        http.post("/subjects/" + s + "/versions", schemaBody(V1));

        Answer rejected = http.post("/subjects/" + s + "/versions", schemaBody(BREAKING));

        assertThat(rejected.status()).isEqualTo(409);
        assertThat(rejected.errorCode()).isEqualTo(409);
        assertThat(rejected.json().get("message").asText()).contains("incompatible").contains("total");
        assertThat(http.get("/subjects/" + s + "/versions").body()).isEqualTo("[1]");
    }

    @Test
    void invalidSchemasAndBodiesAreRejected() {
        String s = subject("invalid");
        Answer notAvro = http.post("/subjects/" + s + "/versions", schemaBody("{\"type\":\"recordz\"}"));
        assertThat(notAvro.status()).isEqualTo(422);
        assertThat(notAvro.errorCode()).isEqualTo(42201);
        Answer protobuf = http.post("/subjects/" + s + "/versions",
                "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");
        assertThat(protobuf.errorCode()).isEqualTo(42201);
        assertThat(http.post("/subjects/" + s + "/versions", "not json").status()).isEqualTo(400);
        assertThat(http.send("POST", "/subjects/" + s + "/versions", schemaBody(V1), "text/plain").status())
                .isEqualTo(415);
        Answer plainJson = http.send("POST", "/subjects/" + s + "/versions",
                "{\"schemaType\":\"AVRO\",\"schema\":" + RegistryHttp.JSON.valueToTree(V1) + "}", "application/json");
        assertThat(plainJson.status()).isEqualTo(200);
    }

    @Test
    void compatibilityChecks() {
        String s = subject("compat");
        String latest = "/compatibility/subjects/" + s + "/versions/latest";
        assertThat(http.post(latest, schemaBody(BREAKING)).json().get("is_compatible").asBoolean())
                .as("no version yet: anything goes").isTrue();
        http.post("/subjects/" + s + "/versions", schemaBody(V1));

        assertThat(http.post(latest, schemaBody(V2)).body()).isEqualTo("{\"is_compatible\":true}");
        Answer verbose = http.post(latest + "?verbose=true", schemaBody(BREAKING));
        assertThat(verbose.json().get("is_compatible").asBoolean()).isFalse();
        assertThat(verbose.json().get("messages").get(0).asText()).contains("READER_FIELD_MISSING_DEFAULT");
        assertThat(http.post("/compatibility/subjects/" + s + "/versions/1", schemaBody(V2))
                .json().get("is_compatible").asBoolean()).isTrue();
        assertThat(http.post("/compatibility/subjects/" + s + "/versions/4", schemaBody(V2)).errorCode())
                .isEqualTo(40402);
        assertThat(http.post("/compatibility/subjects/" + subject("nope") + "/versions/1", schemaBody(V2)).errorCode())
                .isEqualTo(40401);
    }

    @Test
    void configGlobalAndPerSubject() {
        String s = subject("config");
        assertThat(http.get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD_TRANSITIVE\"}");
        assertThat(http.get("/config/" + s).errorCode()).isEqualTo(40408);
        assertThat(http.get("/config/" + s + "?defaultToGlobal=true").json().get("compatibilityLevel").asText())
                .isEqualTo("BACKWARD_TRANSITIVE");

        Answer set = http.put("/config/" + s, "{\"compatibility\":\"NONE\"}");
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.body()).isEqualTo("{\"compatibility\":\"NONE\"}");
        assertThat(http.get("/config/" + s).body()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
        http.post("/subjects/" + s + "/versions", schemaBody(V1));
        assertThat(http.post("/subjects/" + s + "/versions", schemaBody(BREAKING)).status())
                .as("NONE lets anything through").isEqualTo(200);

        Answer invalid = http.put("/config/" + s, "{\"compatibility\":\"SIDEWAYS\"}");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.errorCode()).isEqualTo(42203);
        assertThat(http.delete("/config/" + s).json().get("compatibilityLevel").asText()).isEqualTo("NONE");
        assertThat(http.get("/config/" + s).errorCode()).isEqualTo(40408);
    }

    @Test
    void deletingASubjectHidesItsVersionsButKeepsIds() {
        String s = subject("gone");
        int id = http.post("/subjects/" + s + "/versions", schemaBody(V1)).json().get("id").asInt();

        assertThat(http.delete("/subjects/" + s).body()).isEqualTo("[1]");

        assertThat(http.get("/subjects/" + s + "/versions").errorCode()).isEqualTo(40401);
        assertThat(http.get("/subjects").json().toString()).doesNotContain("\"" + s + "\"");
        assertThat(http.get("/subjects?deleted=true").json().toString()).contains("\"" + s + "\"");
        assertThat(http.get("/schemas/ids/" + id).status()).as("data written with the id stays readable").isEqualTo(200);
        Answer again = http.post("/subjects/" + s + "/versions", schemaBody(V1));
        assertThat(again.json().get("id").asInt()).isEqualTo(id);
        assertThat(http.get("/subjects/" + s + "/versions").body()).isEqualTo("[2]");
        assertThat(http.delete("/subjects/" + subject("never")).errorCode()).isEqualTo(40401);
    }

    @Test
    void subjectsWithUnusualCharactersRoundTrip() {
        String s = prefix + "ns:orders/v+1 value";
        String encoded = java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        assertThat(http.post("/subjects/" + encoded + "/versions", schemaBody(V1)).status()).isEqualTo(200);
        assertThat(http.get("/subjects/" + encoded + "/versions/latest").json().get("subject").asText()).isEqualTo(s);
    }

    @Test
    void rootAndTypes() {
        assertThat(http.get("/").body()).isEqualTo("{}");
        assertThat(http.get("/schemas/types").body()).isEqualTo("[\"AVRO\"]");
    }
}
