package dev.detour.gateway.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.detour.client.DetourClient;
import dev.detour.core.catalog.CatalogIndex;
import dev.detour.gateway.GatewayConfig;
import dev.detour.gateway.openai.ChatCall;
import dev.detour.gateway.openai.ChatRequestReader;
import dev.detour.gateway.openai.ChatResponseWriter;
import dev.detour.gateway.openai.FailureMapping;
import dev.detour.gateway.openai.OpenAiError;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.ModelGroup;
import dev.detour.schema.ResultStatus;
import dev.detour.schema.VirtualKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the gateway: routes, authentication, and the mapping between OpenAI's wire format
 * and Detour jobs. Each exchange runs on its own virtual thread, so a request waiting for its result
 * just blocks: thousands of open requests cost memory, not threads.
 */
public final class GatewayHttp implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(GatewayHttp.class);
    private static final ObjectMapper JSON = dev.detour.core.json.PooledJson.newMapper();
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,200}");
    /** A result may arrive just after the deadline the router enforces; wait that much longer for it. */
    private static final long GRACE_MS = 2_000;
    /** Unread request bytes read before an error answer; beyond, the connection is closed instead. */
    private static final long DRAIN_LIMIT = 1 << 20;

    private final GatewayConfig config;
    private final DetourClient client;
    private final ConfigView configView;
    private final KeyRing keys;
    private final JobBook jobs;
    private final WebhookDelivery webhooks;

    public GatewayHttp(GatewayConfig config, DetourClient client, ConfigView configView, KeyRing keys, JobBook jobs,
                       WebhookDelivery webhooks) {
        this.config = config;
        this.client = client;
        this.configView = configView;
        this.keys = keys;
        this.jobs = jobs;
        this.webhooks = webhooks;
    }

    @Override
    public void handle(HttpExchange ex) {
        try {
            route(ex);
        } catch (Throwable t) {
            // Logged here with the detail; the caller gets a fixed text, never a trace or a host name.
            log.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), t);
            if (ex.getResponseCode() == -1) {
                trySend(ex, OpenAiError.internal(), Map.of());
            }
        } finally {
            ex.close();
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.equals("/health")) {
            sendJson(ex, 200, "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8), Map.of());
            return;
        }
        if (!path.startsWith("/v1/")) {
            send(ex, OpenAiError.notFound("Unknown path " + safePath(path) + "."), Map.of());
            return;
        }
        Optional<VirtualKey> key = authenticate(ex);
        if (key.isEmpty()) {
            return;
        }
        if (path.equals("/v1/chat/completions")) {
            if (expect(ex, "POST")) completions(ex, key.get());
        } else if (path.equals("/v1/models")) {
            if (expect(ex, "GET")) models(ex, key.get());
        } else if (path.startsWith("/v1/models/")) {
            if (expect(ex, "GET")) model(ex, key.get(), decode(path.substring("/v1/models/".length())));
        } else if (path.equals("/v1/jobs")) {
            if (expect(ex, "POST")) submitJob(ex, key.get());
        } else if (path.startsWith("/v1/jobs/")) {
            if (expect(ex, "GET")) jobStatus(ex, key.get(), decode(path.substring("/v1/jobs/".length())));
        } else {
            send(ex, OpenAiError.notFound("Unknown path " + safePath(path) + "."), Map.of());
        }
    }

    // ---- endpoints ---------------------------------------------------------------------------------

    private void completions(HttpExchange ex, VirtualKey key) throws IOException {
        Admitted a = admit(ex, key, false);
        if (a == null) {
            return;
        }
        CompletionResult r = await(ex, a);
        if (r == null) {
            return;
        }
        Map<String, String> headers = resultHeaders(r);
        if (r.getStatus() != ResultStatus.SUCCEEDED) {
            send(ex, FailureMapping.toError(r), headers);
        } else if (a.call().stream()) {
            stream(ex, r, a.call().includeUsage(), headers);
        } else {
            sendJson(ex, 200, ChatResponseWriter.completionBytes(r), headers);
        }
    }

    private void submitJob(HttpExchange ex, VirtualKey key) throws IOException {
        Admitted a = admit(ex, key, true);
        if (a == null) {
            return;
        }
        JobBook.Job job = a.job();
        if (a.fresh() && a.call().webhook() != null) {
            webhooks.deliverWhenDone(job, a.call().webhook(), () -> ChatResponseWriter.bytes(jobJson(job)));
        }
        Map<String, String> headers = new HashMap<>();
        headers.put("x-detour-job-id", job.jobId());
        headers.put("location", "/v1/jobs/" + job.jobId());
        sendJson(ex, a.fresh() ? 202 : 200, ChatResponseWriter.bytes(jobJson(job)), headers);
    }

    private void jobStatus(HttpExchange ex, VirtualKey key, String jobId) throws IOException {
        Optional<JobBook.Job> job = jobs.find(jobId).filter(j -> j.tenant().equals(key.getTenant()));
        if (job.isEmpty()) {
            // Another tenant's job looks exactly like a missing one.
            send(ex, OpenAiError.notFound("No job with id '" + jobId + "' (finished jobs are kept for a while only)."),
                    Map.of());
            return;
        }
        Map<String, String> headers = new HashMap<>();
        headers.put("x-detour-job-id", jobId);
        CompletionResult r = job.get().result().getNow(null);
        if (r != null) {
            headers.putAll(resultHeaders(r));
        }
        sendJson(ex, 200, ChatResponseWriter.bytes(jobJson(job.get())), headers);
    }

    private void models(HttpExchange ex, VirtualKey key) throws IOException {
        Optional<CatalogIndex> catalog = catalog();
        if (catalog.isEmpty()) {
            send(ex, catalogMissing(), Map.of());
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String id : visibleModels(catalog.get(), key)) {
            data.add(modelJson(catalog.get(), id));
        }
        sendJson(ex, 200, ChatResponseWriter.bytes(root), Map.of());
    }

    private void model(HttpExchange ex, VirtualKey key, String id) throws IOException {
        Optional<CatalogIndex> catalog = catalog();
        if (catalog.isEmpty()) {
            send(ex, catalogMissing(), Map.of());
            return;
        }
        if (!visibleModels(catalog.get(), key).contains(id)) {
            send(ex, new OpenAiError(404, "invalid_request_error", "model_not_found", "model",
                    "The model '" + id + "' does not exist or is not available to this key.", null, false), Map.of());
            return;
        }
        sendJson(ex, 200, ChatResponseWriter.bytes(modelJson(catalog.get(), id)), Map.of());
    }

    // ---- admission ---------------------------------------------------------------------------------

    /** A request accepted as a job (new, or the one already registered under its idempotency key). */
    private record Admitted(ChatCall call, JobBook.Job job, boolean fresh, long deadlineMs) {}

    /** Validates and submits; on any refusal sends the error and returns null. */
    private Admitted admit(HttpExchange ex, VirtualKey key, boolean async) throws IOException {
        long now = System.currentTimeMillis();
        Duration timeout;
        switch (CallerTimeout.of(ex.getRequestHeaders(), async ? config.maxTimeout() : config.defaultTimeout(),
                config.maxTimeout())) {
            case CallerTimeout.Ok ok -> timeout = ok.timeout();
            case CallerTimeout.Bad bad -> {
                send(ex, bad.error(), Map.of());
                return null;
            }
        }
        byte[] body = readBody(ex);
        if (body == null) {
            send(ex, OpenAiError.bodyTooLarge(config.maxBodyBytes()), Map.of());
            return null;
        }
        ChatCall call;
        switch (ChatRequestReader.read(body, async)) {
            case ChatRequestReader.Ok ok -> call = ok.call();
            case ChatRequestReader.Rejected rejected -> {
                send(ex, rejected.error(), Map.of());
                return null;
            }
        }
        if (async && call.stream()) {
            send(ex, OpenAiError.badParameter("stream", "Jobs are not streamed; poll GET /v1/jobs/{id} or use a webhook."),
                    Map.of());
            return null;
        }
        Optional<CatalogIndex> catalog = catalog();
        if (catalog.isEmpty()) {
            send(ex, catalogMissing(), Map.of());
            return null;
        }
        if (!catalog.get().isKnownModelOrGroup(call.model())) {
            send(ex, OpenAiError.unknownModel(call.model()), Map.of());
            return null;
        }
        if (!key.getAllowedModels().isEmpty() && !key.getAllowedModels().contains(call.model())) {
            send(ex, OpenAiError.modelNotAllowed(call.model()), Map.of());
            return null;
        }
        if (call.webhook() != null) {
            Optional<OpenAiError> bad = webhooks.check(call.webhook());
            if (bad.isPresent()) {
                send(ex, bad.get(), Map.of());
                return null;
            }
        }
        String idempotencyKey = ex.getRequestHeaders().getFirst("Idempotency-Key");
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            send(ex, OpenAiError.badParameter("Idempotency-Key",
                    "Header 'Idempotency-Key' must be 1 to 200 printable ASCII characters."), Map.of());
            return null;
        }
        // Namespaced by tenant: two tenants choosing the same key get two jobs, and never see each other's.
        String jobId = idempotencyKey != null ? key.getTenant() + ":" + idempotencyKey : "gw-" + UUID.randomUUID();
        long deadlineMs = now + timeout.toMillis();
        CompletionRequest request = toRequest(jobId, key.getTenant(), call, now, deadlineMs);
        CompletableFuture<CompletionResult> result = new CompletableFuture<>();
        JobBook.Registration reg = jobs.register(jobId,
                () -> new JobBook.Job(jobId, key.getTenant(), call.model(), now, result));
        return switch (reg) {
            case JobBook.Fresh f -> {
                // Published outside the book's lock: a producer waiting for metadata must not stall other requests.
                publish(request, result);
                yield new Admitted(call, f.job(), true, deadlineMs);
            }
            case JobBook.Existing e -> new Admitted(call, e.job(), false,
                    Math.max(deadlineMs, e.job().createdAtMs() + timeout.toMillis()));
            case JobBook.Full full -> {
                send(ex, OpenAiError.unavailable("gateway_overloaded",
                        "The gateway holds its maximum of open requests; retry shortly.", 1), Map.of());
                yield null;
            }
        };
    }

    private void publish(CompletionRequest request, CompletableFuture<CompletionResult> result) {
        try {
            client.submit(request).whenComplete((r, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(r);
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    private static CompletionRequest toRequest(String jobId, String tenant, ChatCall call, long now, long deadlineMs) {
        Map<String, String> metadata = new HashMap<>(call.metadata());
        metadata.put("source", "gateway");
        return CompletionRequest.newBuilder()
                .setJobId(jobId)
                .setTenant(tenant)
                .setModel(call.model())
                .setMessages(call.messages())
                .setParams(call.params())
                .setHints(call.hints())
                .setDeadlineMs(deadlineMs)
                .setSubmittedAtMs(now)
                .setMetadata(metadata)
                .build();
    }

    /** Waits for the result until the deadline (plus a grace); on timeout or publish failure sends 503. */
    private CompletionResult await(HttpExchange ex, Admitted a) throws IOException {
        long waitMs = Math.max(1, a.deadlineMs() + GRACE_MS - System.currentTimeMillis());
        Map<String, String> headers = Map.of("x-detour-job-id", a.job().jobId());
        try {
            return a.job().result().get(waitMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            send(ex, OpenAiError.unavailable("timeout", "No result before the deadline; the job may still finish "
                    + "(GET /v1/jobs/" + a.job().jobId() + ").", FailureMapping.DEFAULT_RETRY_AFTER_SECONDS), headers);
        } catch (ExecutionException e) {
            log.warn("job {} could not be published: {}", a.job().jobId(), e.getCause().toString());
            send(ex, OpenAiError.unavailable("pipeline_unavailable", "The job could not be queued; retry shortly.",
                    FailureMapping.DEFAULT_RETRY_AFTER_SECONDS), headers);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            send(ex, OpenAiError.unavailable("shutting_down", "The gateway is shutting down.", 1), headers);
        }
        return null;
    }

    // ---- keys and catalog --------------------------------------------------------------------------

    private Optional<VirtualKey> authenticate(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7) || auth.substring(7).isBlank()) {
            send(ex, OpenAiError.missingKey(), Map.of());
            return Optional.empty();
        }
        Optional<VirtualKey> key = keys.resolve(auth.substring(7).trim());
        if (key.isEmpty()) {
            send(ex, OpenAiError.invalidKey(), Map.of());
        }
        return key;
    }

    private Optional<CatalogIndex> catalog() {
        if (config.catalog() != null) {
            return Optional.of(config.catalog());
        }
        return configView == null ? Optional.empty() : configView.catalog();
    }

    private static OpenAiError catalogMissing() {
        return OpenAiError.unavailable("catalog_unavailable", "The model catalog is not loaded yet.", 5);
    }

    /** Groups first (what requests usually ask for), then models; limited to the key's allowed models. */
    private static Set<String> visibleModels(CatalogIndex catalog, VirtualKey key) {
        Set<String> ids = new LinkedHashSet<>();
        catalog.groups().forEach(g -> ids.add(g.getName()));
        ids.addAll(catalog.models());
        if (!key.getAllowedModels().isEmpty()) {
            ids.retainAll(key.getAllowedModels());
        }
        return ids;
    }

    private static ObjectNode modelJson(CatalogIndex catalog, String id) {
        ObjectNode m = JSON.createObjectNode();
        m.put("id", id);
        m.put("object", "model");
        m.put("created", 0);
        Optional<ModelGroup> group = catalog.group(id);
        if (group.isPresent()) {
            m.put("owned_by", "detour");
            m.put("detour_kind", "group");
            if (group.get().getDescription() != null) {
                m.put("description", group.get().getDescription());
            }
        } else {
            m.put("owned_by", catalog.deploymentsForModel(id).stream().map(DeploymentSpec::getProvider).findFirst()
                    .orElse("detour"));
            m.put("detour_kind", "model");
        }
        ArrayNode providers = m.putArray("detour_providers");
        catalog.resolve(id).stream().map(DeploymentSpec::getProvider).distinct().forEach(providers::add);
        return m;
    }

    // ---- rendering ---------------------------------------------------------------------------------

    private static ObjectNode jobJson(JobBook.Job job) {
        ObjectNode j = JSON.createObjectNode();
        j.put("id", job.jobId());
        j.put("object", "detour.job");
        j.put("created", job.createdAtMs() / 1000);
        j.put("model", job.requestedModel());
        CompletionResult r = job.result().isDone() && !job.result().isCompletedExceptionally()
                ? job.result().getNow(null) : null;
        if (r == null) {
            j.put("status", job.result().isCompletedExceptionally() ? "failed" : "pending");
            j.putNull("result");
            if (job.result().isCompletedExceptionally()) {
                j.set("error", JSON.valueToTree(Map.of("message", "The job could not be queued.", "type", "server_error",
                        "code", "pipeline_unavailable")));
            } else {
                j.putNull("error");
            }
            return j;
        }
        j.put("provider", r.getProvider());
        j.put("attempts", r.getAttempts().size());
        j.put("cost_micros", r.getCostMicros());
        if (r.getStatus() == ResultStatus.SUCCEEDED) {
            j.put("status", "succeeded");
            j.set("result", ChatResponseWriter.completion(r));
            j.putNull("error");
        } else {
            OpenAiError e = FailureMapping.toError(r);
            j.put("status", "failed");
            j.putNull("result");
            ObjectNode err = j.putObject("error");
            err.put("message", e.message());
            err.put("type", e.type());
            err.put("param", e.param());
            err.put("code", e.code());
            err.put("http_status", e.status());
        }
        return j;
    }

    private static Map<String, String> resultHeaders(CompletionResult r) {
        Map<String, String> h = new HashMap<>();
        h.put("x-detour-job-id", r.getJobId());
        h.put("x-request-id", r.getJobId());
        if (r.getProvider() != null) {
            h.put("x-detour-provider", r.getProvider());
        }
        h.put("x-detour-attempts", Integer.toString(r.getAttempts().size()));
        h.put("x-detour-cost-micros", Long.toString(r.getCostMicros()));
        return h;
    }

    private static void stream(HttpExchange ex, CompletionResult r, boolean includeUsage, Map<String, String> headers)
            throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.getResponseHeaders().set("content-type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("cache-control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            for (byte[] event : ChatResponseWriter.streamEvents(r, includeUsage)) {
                out.write(event);
                out.flush();
            }
        }
    }

    // ---- plumbing ----------------------------------------------------------------------------------

    /** The body, or null when it exceeds the limit. */
    private byte[] readBody(HttpExchange ex) throws IOException {
        int limit = config.maxBodyBytes();
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > limit) {
                    return null;
                }
            } catch (NumberFormatException e) {
                // let the read decide
            }
        }
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes(limit + 1);
            return body.length > limit ? null : body;
        }
    }

    /**
     * Reads what is left of the request body before an error answer. A client reuses a kept-alive
     * connection once it has the response; if the server then closed it because of an unread body, the
     * client's next request on it fails with no response at all. Small rests are read; for a large one
     * the answer says {@code connection: close}, so the client does not reuse the connection.
     */
    private static void drainOrClose(HttpExchange ex) {
        try (InputStream in = ex.getRequestBody()) {
            long skipped = 0;
            while (skipped <= DRAIN_LIMIT) {
                long n = in.skip(DRAIN_LIMIT + 1 - skipped);
                if (n <= 0) {
                    if (in.read() < 0) {
                        return; // fully read
                    }
                    n = 1;
                }
                skipped += n;
            }
            ex.getResponseHeaders().set("connection", "close");
        } catch (IOException e) {
            ex.getResponseHeaders().set("connection", "close");
        }
    }

    private static boolean expect(HttpExchange ex, String method) throws IOException {
        if (ex.getRequestMethod().equals(method)) {
            return true;
        }
        ex.getResponseHeaders().set("allow", method);
        send(ex, OpenAiError.methodNotAllowed(ex.getRequestMethod()), Map.of());
        return false;
    }

    private static void send(HttpExchange ex, OpenAiError error, Map<String, String> headers) throws IOException {
        drainOrClose(ex);
        Map<String, String> h = new HashMap<>(headers);
        error.retryAfter().ifPresent(s -> h.put("retry-after", Integer.toString(s)));
        if (error.shouldRetry() != null) {
            h.put("x-should-retry", error.shouldRetry().toString());
        }
        sendJson(ex, error.status(), error.toJson(), h);
    }

    private static void trySend(HttpExchange ex, OpenAiError error, Map<String, String> headers) {
        try {
            send(ex, error, headers);
        } catch (IOException | RuntimeException ignored) {
            // the caller went away
        }
    }

    private static void sendJson(HttpExchange ex, int status, byte[] body, Map<String, String> headers)
            throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.getResponseHeaders().set("content-type", "application/json");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String safePath(String path) {
        return path.length() > 100 ? path.substring(0, 100) + "..." : path;
    }
}
