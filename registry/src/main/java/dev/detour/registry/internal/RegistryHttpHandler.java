package dev.detour.registry.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.detour.schemas.serde.CompatibilityLevel;
import dev.detour.schemas.serde.SchemaRegistryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Confluent Schema Registry REST API over {@link Registry}: same paths, JSON shapes, content
 * type and error codes, so Confluent's clients, tools and the project's serde all talk to it.
 */
public final class RegistryHttpHandler implements HttpHandler {

    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Set<String> ACCEPTED_BODY_TYPES = Set.of(
            "application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json",
            "application/json", "application/octet-stream");
    private static final int MAX_BODY_BYTES = 8 * 1024 * 1024;
    private static final Logger log = LoggerFactory.getLogger(RegistryHttpHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Registry registry;

    public RegistryHttpHandler(Registry registry) {
        this.registry = registry;
    }

    /** An answer: status and JSON body, or raw text for the {@code /schema} endpoints. */
    private record Reply(int status, Object body) {
        static Reply ok(Object body) {
            return new Reply(200, body);
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Reply reply;
        try {
            reply = route(new Request(exchange));
        } catch (SchemaRegistryException e) {
            reply = error(e.httpStatus() > 0 ? e.httpStatus() : 500, e.errorCode(), e.getMessage());
        } catch (BadRequest e) {
            reply = error(e.status, e.code, e.getMessage());
        } catch (RuntimeException e) {
            log.error("registry request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            reply = error(500, 500, "Internal Server Error");
        }
        send(exchange, reply);
    }

    private Reply route(Request request) throws IOException {
        List<String> path = request.segments;
        String method = request.method;
        if (path.isEmpty()) {
            return only(method, "GET", () -> Reply.ok(JSON.createObjectNode()));
        }
        switch (path.get(0)) {
            case "subjects" -> {
                return subjects(request, path);
            }
            case "schemas" -> {
                return schemas(request, path);
            }
            case "compatibility" -> {
                if (path.size() >= 4 && path.get(1).equals("subjects") && path.get(3).equals("versions")
                        && path.size() <= 5) {
                    String subject = path.get(2);
                    return only(method, "POST", () -> compatibility(request, subject,
                            path.size() == 5 ? path.get(4) : null));
                }
            }
            case "config" -> {
                if (path.size() == 1) {
                    return config(request, null);
                }
                if (path.size() == 2) {
                    return config(request, path.get(1));
                }
            }
            case "mode" -> {
                if (path.size() <= 2) {
                    return only(method, "GET", () -> Reply.ok(JSON.createObjectNode().put("mode", "READWRITE")));
                }
            }
            default -> {
            }
        }
        throw notFound();
    }

    private Reply subjects(Request request, List<String> path) throws IOException {
        String method = request.method;
        if (path.size() == 1) {
            return only(method, "GET", () -> Reply.ok(array(registry.subjects(request.flag("deleted")))));
        }
        String subject = path.get(1);
        if (path.size() == 2) {
            return switch (method) {
                case "POST" -> {
                    Registry.Version found = registry.lookup(subject, request.schema());
                    yield Reply.ok(version(found));
                }
                case "DELETE" -> Reply.ok(array(registry.deleteSubject(subject, request.flag("permanent"))));
                default -> throw methodNotAllowed();
            };
        }
        if (!path.get(2).equals("versions")) {
            throw notFound();
        }
        if (path.size() == 3) {
            return switch (method) {
                case "GET" -> Reply.ok(array(registry.versions(subject, request.flag("deleted"))));
                case "POST" -> Reply.ok(JSON.createObjectNode().put("id", registry.register(subject, request.schema())));
                default -> throw methodNotAllowed();
            };
        }
        Integer version = parseVersion(path.get(3));
        if (path.size() == 4) {
            return only(method, "GET", () -> Reply.ok(version(registry.version(subject, version, request.flag("deleted")))));
        }
        if (path.size() == 5 && path.get(4).equals("schema")) {
            return only(method, "GET", () -> Reply.ok(registry.version(subject, version, false).schema()));
        }
        throw notFound();
    }

    private Reply schemas(Request request, List<String> path) throws IOException {
        if (path.size() == 2 && path.get(1).equals("types")) {
            return only(request.method, "GET", () -> Reply.ok(array(List.of("AVRO"))));
        }
        if (path.size() < 3 || path.size() > 4 || !path.get(1).equals("ids")) {
            throw notFound();
        }
        int id = parseId(path.get(2));
        if (path.size() == 3) {
            return only(request.method, "GET", () -> Reply.ok(JSON.createObjectNode().put("schema", registry.schemaById(id))));
        }
        return switch (path.get(3)) {
            case "schema" -> only(request.method, "GET", () -> Reply.ok(registry.schemaById(id)));
            case "versions" -> only(request.method, "GET", () -> {
                ArrayNode uses = JSON.createArrayNode();
                registry.usesOf(id).forEach(v -> uses.addObject().put("subject", v.subject()).put("version", v.version()));
                return Reply.ok(uses);
            });
            case "subjects" -> only(request.method, "GET",
                    () -> Reply.ok(array(registry.usesOf(id).stream().map(Registry.Version::subject).distinct().toList())));
            default -> throw notFound();
        };
    }

    private Reply compatibility(Request request, String subject, String versionText) throws IOException {
        String schema = request.schema();
        List<String> problems;
        if (versionText == null) {
            problems = registry.compatibilityProblemsWithAll(subject, schema);
        } else {
            Integer version = parseVersion(versionText);
            problems = version == null
                    ? registry.compatibilityProblems(subject, null, schema)
                    : registry.compatibilityProblems(subject, version, schema);
        }
        ObjectNode answer = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
        if (request.flag("verbose")) {
            answer.set("messages", array(problems));
        }
        return Reply.ok(answer);
    }

    private Reply config(Request request, String subject) throws IOException {
        switch (request.method) {
            case "GET" -> {
                CompatibilityLevel level;
                if (subject == null) {
                    level = registry.globalLevel();
                } else {
                    level = registry.subjectLevel(subject).orElse(null);
                    if (level == null && request.flag("defaultToGlobal")) {
                        level = registry.globalLevel();
                    }
                    if (level == null) {
                        throw new BadRequest(404, 40408,
                                "Subject '" + subject + "' does not have subject-level compatibility configured");
                    }
                }
                return Reply.ok(JSON.createObjectNode().put("compatibilityLevel", level.name()));
            }
            case "PUT" -> {
                JsonNode body = request.json();
                String name = body.path("compatibility").asText(body.path("compatibilityLevel").asText(null));
                CompatibilityLevel level;
                try {
                    level = CompatibilityLevel.parse(name);
                } catch (IllegalArgumentException e) {
                    throw new BadRequest(422, SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL,
                            "Invalid compatibility level. Valid values are none, backward, forward, full, "
                                    + "backward_transitive, forward_transitive, and full_transitive");
                }
                registry.setLevel(subject, level);
                return Reply.ok(JSON.createObjectNode().put("compatibility", level.name()));
            }
            case "DELETE" -> {
                CompatibilityLevel previous = subject == null ? registry.globalLevel()
                        : registry.subjectLevel(subject).orElseThrow(() -> Registry.subjectNotFound(subject));
                registry.setLevel(subject, null);
                return Reply.ok(JSON.createObjectNode().put("compatibilityLevel", previous.name()));
            }
            default -> throw methodNotAllowed();
        }
    }

    private static ObjectNode version(Registry.Version v) {
        ObjectNode node = JSON.createObjectNode();
        node.put("subject", v.subject());
        node.put("version", v.version());
        node.put("id", v.id());
        node.put("schema", v.schema());
        return node;
    }

    private static ArrayNode array(List<?> values) {
        ArrayNode array = JSON.createArrayNode();
        for (Object value : values) {
            if (value instanceof Integer number) {
                array.add(number);
            } else {
                array.add(String.valueOf(value));
            }
        }
        return array;
    }

    /** {@code latest} and {@code -1} mean the latest version: null. */
    private static Integer parseVersion(String text) {
        if (text.equalsIgnoreCase("latest") || text.equals("-1")) {
            return null;
        }
        try {
            int version = Integer.parseInt(text);
            if (version >= 1) {
                return version;
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw new BadRequest(422, SchemaRegistryException.INVALID_VERSION, "The specified version '" + text
                + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    private static int parseId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new BadRequest(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + text + " not found");
        }
    }

    private interface Action {
        Reply run() throws IOException;
    }

    private static Reply only(String method, String allowed, Action action) throws IOException {
        if (!method.equals(allowed)) {
            throw methodNotAllowed();
        }
        return action.run();
    }

    private static BadRequest notFound() {
        return new BadRequest(404, 404, "HTTP 404 Not Found");
    }

    private static BadRequest methodNotAllowed() {
        return new BadRequest(405, 405, "HTTP 405 Method Not Allowed");
    }

    private static Reply error(int status, int code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error_code", code);
        body.put("message", message);
        return new Reply(status, body);
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        byte[] bytes;
        if (reply.body() instanceof String raw) {
            bytes = raw.getBytes(StandardCharsets.UTF_8);
        } else {
            bytes = JSON.writeValueAsBytes(reply.body());
        }
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** An HTTP-level error decided here (not by the registry). */
    private static final class BadRequest extends RuntimeException {
        final int status;
        final int code;

        BadRequest(int status, int code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    /** Method, decoded path segments, query flags and lazily read body of one exchange. */
    private static final class Request {
        final String method;
        final List<String> segments = new ArrayList<>();
        final Map<String, String> query = new HashMap<>();
        private final HttpExchange exchange;

        Request(HttpExchange exchange) {
            this.exchange = exchange;
            this.method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            for (String raw : exchange.getRequestURI().getRawPath().split("/")) {
                if (!raw.isEmpty()) {
                    segments.add(decode(raw));
                }
            }
            String rawQuery = exchange.getRequestURI().getRawQuery();
            if (rawQuery != null) {
                for (String pair : rawQuery.split("&")) {
                    int eq = pair.indexOf('=');
                    String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                    query.put(key, eq < 0 ? "true" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }

        /** Path segments keep '+' literally (URLDecoder would make it a space). */
        private static String decode(String raw) {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        }

        boolean flag(String name) {
            return Boolean.parseBoolean(query.getOrDefault(name, "false"));
        }

        JsonNode json() throws IOException {
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            if (type != null) {
                String bare = type.split(";")[0].trim().toLowerCase(Locale.ROOT);
                if (!bare.isEmpty() && !ACCEPTED_BODY_TYPES.contains(bare)) {
                    throw new BadRequest(415, 415, "HTTP 415 Unsupported Media Type");
                }
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_BODY_BYTES + 1);
            }
            if (body.length > MAX_BODY_BYTES) {
                throw new BadRequest(413, 413, "request body too large");
            }
            try {
                JsonNode node = JSON.readTree(body);
                if (node == null || !node.isObject()) {
                    throw new BadRequest(400, 400, "request body must be a JSON object");
                }
                return node;
            } catch (JsonProcessingException e) {
                throw new BadRequest(400, 400, "Unexpected character or malformed JSON in the request body");
            }
        }

        /** The {@code schema} of a register/lookup/compatibility body; only Avro without references. */
        String schema() throws IOException {
            JsonNode body = json();
            String type = body.path("schemaType").asText("AVRO");
            if (!type.equalsIgnoreCase("AVRO")) {
                throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                        "Invalid schema type " + type + ": this registry serves AVRO only");
            }
            if (body.path("references").size() > 0) {
                throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                        "Schema references are not supported");
            }
            JsonNode schema = body.get("schema");
            if (schema == null || !schema.isTextual()) {
                throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                        "Empty schema");
            }
            return schema.asText();
        }
    }
}
