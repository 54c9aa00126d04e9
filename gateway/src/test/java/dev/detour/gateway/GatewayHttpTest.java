package dev.detour.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.detour.gateway.support.Catalogs;
import dev.detour.gateway.support.StandInPipeline;
import dev.detour.gateway.support.TestBed;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway's HTTP contract seen with a plain HTTP client: errors, keys, idempotency, jobs and webhooks. */
@WithKafka
class GatewayHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String HOOK_SECRET = "hook-secret-value";
    private static final String FILE_KEY = "sk-from-the-file";

    private static TestBed bed;
    private static StandInPipeline pipeline;
    private static Gateway gateway;
    private static Path keyFile;

    @BeforeAll
    static void start(KafkaCluster kafka) throws Exception {
        bed = new TestBed(kafka, Catalogs.small());
        pipeline = bed.standIn();
        keyFile = Files.createTempFile("gateway-keys", ".txt");
        Files.writeString(keyFile, "# hashes only\n" + ApiKeys.hash(FILE_KEY) + " filetenant chat\n");
        gateway = bed.startGateway(bed.gatewayConfig()
                .withMaxBodyBytes(64 * 1024)
                .withKeyFile(keyFile)
                .withWebhooks(WebhookPolicy.defaults().withSecret("hook", HOOK_SECRET).withAllowPrivateTargets(true)
                        .withBackoff(Duration.ofMillis(50), Duration.ofMillis(200), 5)));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        pipeline.close();
    }

    private static HttpResponse<String> post(String path, String key, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.url() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("content-type", "application/json");
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url() + path)).header("Authorization", "Bearer " + key)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String chat(String text) {
        return "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    private static JsonNode error(HttpResponse<String> r) throws Exception {
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertThat(e).as(r.body()).isNotNull();
        assertThat(e.has("message") && e.has("type") && e.has("param") && e.has("code")).isTrue();
        assertThat(r.body()).doesNotContain("Exception", "\tat ", "localhost", "127.0.0.1", ".internal");
        return e;
    }

    @Test
    void malformedJsonAndMissingParametersAre400NamingTheParameter() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", TestBed.ACME_KEY, "{\"model\": \"chat\", ");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error(r).get("code").asText()).isEqualTo("invalid_json");

        r = post("/v1/chat/completions", TestBed.ACME_KEY, "{\"model\":\"chat\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error(r).get("param").asText()).isEqualTo("messages");

        r = post("/v1/chat/completions", TestBed.ACME_KEY,
                "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}");
        assertThat(error(r).get("param").asText()).isEqualTo("max_tokens");

        r = post("/v1/chat/completions", TestBed.ACME_KEY, chat("x"), "x-detour-timeout-ms", "soon");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error(r).get("param").asText()).isEqualTo("x-detour-timeout-ms");
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        String big = "x".repeat(100 * 1024);
        HttpResponse<String> r = post("/v1/chat/completions", TestBed.ACME_KEY, chat(big));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(error(r).get("code").asText()).isEqualTo("request_too_large");
        // Past the drain limit the server answers and closes while the client may still be sending: the
        // client then reads the 413 (connection: close), or its upload meets the closed socket (a reset,
        // as with any server refusing a large upload without reading it). Either way no answer-less reuse.
        try {
            HttpResponse<String> huge = post("/v1/chat/completions", TestBed.ACME_KEY, chat("y".repeat(3 << 20)));
            assertThat(huge.statusCode()).isEqualTo(413);
            assertThat(huge.headers().firstValue("connection")).as("unread rest: do not reuse").contains("close");
        } catch (java.io.IOException reset) {
            assertThat(reset).hasMessageNotContaining("timed out");
        }
        // The kept-alive connection stays usable after a refused body (no answer-less reuse).
        for (int i = 0; i < 3; i++) {
            assertThat(post("/v1/chat/completions", TestBed.ACME_KEY, chat("after " + i)).statusCode()).isEqualTo(200);
            assertThat(post("/v1/chat/completions", TestBed.ACME_KEY, chat(big)).statusCode()).isEqualTo(413);
        }
    }

    @Test
    void missingOrUnknownKeyIs401AndUnknownPathIs404() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", null, chat("hi"));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(error(r).get("code").asText()).isEqualTo("missing_api_key");
        assertThat(get("/v1/nothing-here", TestBed.ACME_KEY).statusCode()).isEqualTo(404);
        assertThat(get("/v1/chat/completions", TestBed.ACME_KEY).statusCode()).isEqualTo(405);
    }

    @Test
    void keysFromTheConfigTopicTakeEffectAndRevokeWithoutRestart() throws Exception {
        String key = "sk-rotating-" + System.nanoTime();
        assertThat(post("/v1/chat/completions", key, chat("hi")).statusCode()).isEqualTo(401);
        bed.grant(key, "acme", List.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> post("/v1/chat/completions", key, chat("hi")).statusCode() == 200);

        String hash = ApiKeys.hash(key);
        bed.publishConfig(ApiKeys.configKey(hash), ApiKeys.revoke(hash, "acme"));
        await().atMost(Duration.ofSeconds(30)).until(() -> post("/v1/chat/completions", key, chat("hi")).statusCode() == 401);

        bed.grant(key, "acme", List.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> post("/v1/chat/completions", key, chat("hi")).statusCode() == 200);
        bed.delete(key);
        await().atMost(Duration.ofSeconds(30)).until(() -> post("/v1/chat/completions", key, chat("hi")).statusCode() == 401);
    }

    @Test
    void staticKeyFileKeysWorkAndDisappearWhenRemoved() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", FILE_KEY, chat("from file"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(post("/v1/chat/completions", FILE_KEY,
                "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").statusCode()).isEqualTo(403);

        Files.writeString(keyFile, "# emptied\n");
        Files.setLastModifiedTime(keyFile, FileTime.from(Instant.now().plusSeconds(5)));
        await().atMost(Duration.ofSeconds(30)).until(() -> post("/v1/chat/completions", FILE_KEY, chat("x")).statusCode() == 401);
    }

    @Test
    void aJobWithNoResultBeforeTheDeadlineIs503WithRetryAfter() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", TestBed.ACME_KEY, chat("never answered"),
                "x-detour-timeout-ms", "300");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("retry-after")).isPresent();
        assertThat(r.headers().firstValue("x-detour-job-id")).isPresent();
        assertThat(error(r).get("code").asText()).isEqualTo("timeout");
    }

    @Test
    void idempotencyKeyGivesTheSameJobOnce() throws Exception {
        String idem = "order-" + System.nanoTime();
        HttpResponse<String> first = post("/v1/chat/completions", TestBed.ACME_KEY, chat("once"), "Idempotency-Key", idem);
        HttpResponse<String> second = post("/v1/chat/completions", TestBed.ACME_KEY, chat("once"), "Idempotency-Key", idem);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-detour-job-id")).contains("acme:" + idem);
        assertThat(JSON.readTree(second.body()).get("id")).isEqualTo(JSON.readTree(first.body()).get("id"));
        // The same key from another tenant is another job.
        HttpResponse<String> other = post("/v1/chat/completions", FILE_KEY, chat("once"), "Idempotency-Key", idem);
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.headers().firstValue("x-detour-job-id")).contains("filetenant:" + idem);
    }

    @Test
    void asyncJobIsPolledAndAnnouncedBySignedWebhookRetriedAfterAFailure() throws Exception {
        List<byte[]> bodies = new CopyOnWriteArrayList<>();
        List<String> signatures = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            int n = calls.incrementAndGet();
            if (n > 1) {
                bodies.add(body);
                signatures.add(ex.getRequestHeaders().getFirst(WebhookSignature.HEADER));
            }
            ex.sendResponseHeaders(n == 1 ? 500 : 204, -1); // the first delivery fails
            ex.close();
        });
        receiver.start();
        try {
            String hookUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            String body = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"async work\"}],"
                    + "\"webhook\":{\"url\":\"" + hookUrl + "\",\"secret\":\"hook\"}}";
            HttpResponse<String> accepted = post("/v1/jobs", TestBed.ACME_KEY, body, "Idempotency-Key", "job-" + System.nanoTime());
            assertThat(accepted.statusCode()).isEqualTo(202);
            String jobId = JSON.readTree(accepted.body()).get("id").asText();

            await().atMost(Duration.ofSeconds(30)).until(() ->
                    JSON.readTree(get("/v1/jobs/" + jobId, TestBed.ACME_KEY).body()).get("status").asText().equals("succeeded"));
            JsonNode job = JSON.readTree(get("/v1/jobs/" + jobId, TestBed.ACME_KEY).body());
            assertThat(job.at("/result/choices/0/message/content").asText()).isEqualTo("answer to async work");
            assertThat(get("/v1/jobs/" + jobId, TestBed.LIMITED_KEY).statusCode()).as("same tenant, other key").isEqualTo(200);
            assertThat(get("/v1/jobs/" + jobId, FILE_KEY).statusCode()).as("other tenant").isEqualTo(404);

            await().atMost(Duration.ofSeconds(30)).until(() -> !bodies.isEmpty());
            assertThat(calls.get()).isEqualTo(2);
            assertThat(WebhookSignature.verify(HOOK_SECRET, bodies.get(0), signatures.get(0))).isTrue();
            assertThat(WebhookSignature.verify("wrong", bodies.get(0), signatures.get(0))).isFalse();
            assertThat(JSON.readTree(bodies.get(0)).get("status").asText()).isEqualTo("succeeded");

            String badSecret = body.replace("\"secret\":\"hook\"", "\"secret\":\"nope\"");
            HttpResponse<String> refused = post("/v1/jobs", TestBed.ACME_KEY, badSecret);
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(error(refused).get("param").asText()).isEqualTo("webhook.secret");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void failedJobsReadAsTheirHttpError() throws Exception {
        HttpResponse<String> accepted = post("/v1/jobs", TestBed.BROKE_KEY, chat("async"));
        String jobId = JSON.readTree(accepted.body()).get("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                JSON.readTree(get("/v1/jobs/" + jobId, TestBed.BROKE_KEY).body()).get("status").asText().equals("failed"));
        JsonNode job = JSON.readTree(get("/v1/jobs/" + jobId, TestBed.BROKE_KEY).body());
        assertThat(job.at("/error/code").asText()).isEqualTo("insufficient_quota");
        assertThat(job.at("/error/http_status").asInt()).isEqualTo(429);
    }

}
