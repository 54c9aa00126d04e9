package dev.detour.schemas.serde.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.detour.schemas.serde.RegisteredSchema;
import dev.detour.schemas.serde.SchemaRegistryClient;
import dev.detour.schemas.serde.SchemaRegistryException;
import org.apache.avro.Schema;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Speaks the Confluent Schema Registry REST API (also served by Apicurio's ccompat API, Karapace,
 * Redpanda and the project's own registry). Not cached: wrap it in {@link CachingSchemaRegistryClient}.
 *
 * <p>With several base URLs, a request that cannot reach one (connection refused, timeout) is tried
 * on the next; after a round over all of them without an answer it waits and tries again (three rounds,
 * 100 and 400 ms apart; a timeout ends the rounds). An HTTP error answer is final, as it is with
 * Confluent's client.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Rounds over the base URLs before giving up on a connection failure. Every request of this API is
     * safe to repeat (registering a schema twice returns the same id), and a reset connection is usually a
     * pooled one the server closed, or a server briefly out of sockets: worth a second try, not a failed job.
     */
    private static final int ROUNDS = 3;
    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);

    private final List<URI> baseUrls;
    private final String authorization;
    private final Duration requestTimeout;
    private final HttpClient http;
    private final AtomicInteger preferred = new AtomicInteger();

    /**
     * @param baseUrls      one or more registry base URLs
     * @param basicUserInfo {@code user:password} for HTTP basic auth, or null
     */
    public RestSchemaRegistryClient(List<URI> baseUrls, String basicUserInfo, Duration requestTimeout) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("no schema registry URL");
        }
        this.baseUrls = List.copyOf(baseUrls);
        this.authorization = basicUserInfo == null || basicUserInfo.isBlank() ? null
                : "Basic " + Base64.getEncoder().encodeToString(basicUserInfo.getBytes(StandardCharsets.UTF_8));
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    public static List<URI> parseUrls(String commaSeparated) {
        List<URI> urls = new ArrayList<>();
        for (String part : commaSeparated.split(",")) {
            String url = part.trim();
            if (url.isEmpty()) {
                continue;
            }
            String lower = url.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
                throw new IllegalArgumentException("schema registry URL must be http(s)://...: " + url);
            }
            while (url.endsWith("/")) {
                url = url.substring(0, url.length() - 1);
            }
            urls.add(URI.create(url));
        }
        return urls;
    }

    public List<URI> baseUrls() {
        return baseUrls;
    }

    @Override
    public int register(String subject, Schema schema) {
        JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        return answer.path("id").asInt();
    }

    @Override
    public int lookupId(String subject, Schema schema) {
        JsonNode answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema));
        return answer.path("id").asInt();
    }

    @Override
    public Schema schemaById(int id) {
        JsonNode answer = send("GET", "/schemas/ids/" + id, null);
        return parseSchema(answer);
    }

    @Override
    public RegisteredSchema latest(String subject) {
        JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
        return new RegisteredSchema(answer.path("subject").asText(subject), answer.path("version").asInt(),
                answer.path("id").asInt(), parseSchema(answer));
    }

    @Override
    public List<Integer> versions(String subject) {
        JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions", null);
        List<Integer> versions = new ArrayList<>();
        answer.forEach(v -> versions.add(v.asInt()));
        return versions;
    }

    @Override
    public List<String> subjects() {
        JsonNode answer = send("GET", "/subjects", null);
        List<String> subjects = new ArrayList<>();
        answer.forEach(s -> subjects.add(s.asText()));
        return subjects;
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        try {
            JsonNode answer = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                    schemaBody(schema));
            return answer.path("is_compatible").asBoolean(false);
        } catch (SchemaRegistryException e) {
            // Some registries answer 40401 instead of true when the subject has no version yet.
            if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
                    || e.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND) {
                return true;
            }
            throw e;
        }
    }

    private static String schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    private static Schema parseSchema(JsonNode answer) {
        String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new SchemaRegistryException(200, SchemaRegistryException.INVALID_SCHEMA,
                    "schema type " + type + " is not supported, only AVRO");
        }
        String text = answer.path("schema").asText(null);
        if (text == null) {
            throw new SchemaRegistryException(200, SchemaRegistryException.INVALID_SCHEMA,
                    "registry answer carries no schema");
        }
        try {
            return new Schema.Parser().parse(text);
        } catch (RuntimeException e) {
            // Avro reports some bad schemas (unknown type names) as NullPointerException.
            throw new SchemaRegistryException(200, SchemaRegistryException.INVALID_SCHEMA,
                    "registry returned an unparseable Avro schema: " + e.getMessage(), e);
        }
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode send(String method, String path, String body) {
        IOException lastFailure = null;
        for (int round = 0; round < ROUNDS; round++) {
            if (round > 0) {
                pause(FIRST_PAUSE.multipliedBy(1L << (2 * (round - 1))));
            }
            int start = preferred.get();
            for (int i = 0; i < baseUrls.size(); i++) {
                int index = (start + i) % baseUrls.size();
                HttpResponse<String> response;
                try {
                    response = http.send(request(baseUrls.get(index), method, path, body),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    lastFailure = e;
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw SchemaRegistryException.unreachable("interrupted while calling the schema registry", e);
                }
                preferred.set(index);
                return answer(method, path, response);
            }
            if (lastFailure instanceof HttpTimeoutException) {
                break; // a registry this slow would make every further round as slow: say so now
            }
        }
        throw SchemaRegistryException.unreachable("no schema registry answered " + method + " " + path + " at "
                + baseUrls + ": " + lastFailure, lastFailure);
    }

    private HttpRequest request(URI base, String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(requestTimeout)
                .header("Accept", ACCEPT)
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request.build();
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SchemaRegistryException.unreachable("interrupted while calling the schema registry", e);
        }
    }

    private static JsonNode answer(String method, String path, HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode json;
        try {
            json = response.body() == null || response.body().isBlank()
                    ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            json = null;
        }
        if (status >= 200 && status < 300) {
            if (json == null) {
                throw new SchemaRegistryException(status, status, method + " " + path + " answered non-JSON");
            }
            return json;
        }
        int code = json != null && json.has("error_code") ? json.path("error_code").asInt(status) : status;
        String message = json != null && json.has("message") ? json.path("message").asText() : "HTTP " + status;
        throw new SchemaRegistryException(status, code, method + " " + path + " failed: " + message
                + " (error code " + code + ")");
    }
}
