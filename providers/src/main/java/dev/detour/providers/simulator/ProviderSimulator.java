package dev.detour.providers.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.detour.providers.internal.Json;
import dev.detour.schema.ApiFamily;
import dev.detour.schema.Catalog;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.ProviderSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP server that simulates many LLM providers, each under its own path prefix:
 * <pre>
 *   POST /{provider}/v1/chat/completions                                   OpenAI and OpenAI-compatible
 *   POST /{provider}/openai/deployments/{deployment}/chat/completions?api-version=...   Azure OpenAI
 *   POST /{provider}/v1/messages                                           Anthropic
 *   POST /{provider}/v1beta/models/{model}:generateContent                 Gemini
 * </pre>
 * Each provider follows a {@link ProviderScript} (latency, injected errors, token-bucket rate limit,
 * outages, slowdowns, key check). Requests run on virtual threads, so thousands of slow requests wait
 * without holding platform threads. Control API:
 * <pre>
 *   GET    /_sim/providers                     scripts and stats of every provider seen or scripted
 *   GET    /_sim/providers/{name}/script       the script (JSON)
 *   PUT    /_sim/providers/{name}/script       install a script (JSON body; windows restart at 0)
 *   DELETE /_sim/providers/{name}/script       back to healthy
 *   GET    /_sim/providers/{name}/stats        counts by status
 * </pre>
 *
 * <p>Determinism: the n-th request to a provider draws its latency and its error from a random stream
 * seeded by (seed, provider, n). Sequential callers see the same behaviour on every run; concurrent
 * callers see the same multiset of outcomes, in arrival order.
 */
public final class ProviderSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderSimulator.class);
    private static final Pattern AZURE = Pattern.compile("/openai/deployments/([^/]+)/chat/completions");
    private static final Pattern GEMINI = Pattern.compile("/v1(?:beta|alpha)?/models/([^/:]+):generateContent");

    private final SimulatorConfig config;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, ProviderState> providers = new ConcurrentHashMap<>();

    private ProviderSimulator(SimulatorConfig config) throws IOException {
        this.config = config;
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        this.server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 4096);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        config.scripts().forEach(this::script);
        server.start();
    }

    public static ProviderSimulator start(SimulatorConfig config) {
        try {
            return new ProviderSimulator(config);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot start the provider simulator on " + config.host() + ":" + config.port(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String host() {
        return config.host();
    }

    /** Base URL to configure for a provider of this API family (what the catalog's baseUrl would be). */
    public String baseUrlFor(String provider, ApiFamily family) {
        return baseUrl("http://" + hostForUrl() + ":" + port(), provider, family);
    }

    /** Base URL of a provider on a simulator whose root URL is {@code root} (e.g. http://127.0.0.1:8089). */
    public static String baseUrl(String root, String provider, ApiFamily family) {
        String base = (root.endsWith("/") ? root.substring(0, root.length() - 1) : root) + "/" + provider;
        return switch (family) {
            case OPENAI, OPENAI_COMPATIBLE -> base + "/v1";
            case ANTHROPIC, GEMINI, AZURE_OPENAI -> base;
        };
    }

    public String baseUrlFor(ProviderSpec spec) {
        return baseUrlFor(spec.getName(), spec.getApiFamily());
    }

    /** Base-URL overrides pointing every provider of a catalog here (for CatalogOptions). */
    public Map<String, String> baseUrlOverrides(Catalog catalog) {
        Map<String, String> m = new LinkedHashMap<>();
        for (ProviderSpec p : catalog.getProviders()) {
            m.put(p.getName(), baseUrlFor(p));
        }
        return m;
    }

    /** Installs a script for a provider; its windows count from now. */
    public void script(String provider, ProviderScript script) {
        state(provider).install(script, config.clock().millis());
    }

    public ProviderScript script(String provider) {
        return state(provider).script;
    }

    public SimulatorStats stats(String provider) {
        return state(provider).stats();
    }

    public void resetStats(String provider) {
        state(provider).resetStats();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow(); // interrupts requests held by latency or injected timeouts
    }

    private String hostForUrl() {
        String h = config.host();
        return h.equals("0.0.0.0") ? "127.0.0.1" : h.contains(":") ? "[" + h + "]" : h;
    }

    private ProviderState state(String provider) {
        return providers.computeIfAbsent(provider, p -> {
            ProviderState s = new ProviderState(p);
            s.install(ProviderScript.healthy(), config.clock().millis());
            return s;
        });
    }

    // ---- request handling ---------------------------------------------------------------------------

    private void handle(HttpExchange ex) {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            if (path.startsWith("/_sim/")) {
                control(ex, path);
                return;
            }
            int slash = path.indexOf('/', 1);
            if (slash < 0) {
                sendJson(ex, 404, Json.object().put("error", "unknown path; use /{provider}/..."), Map.of());
                return;
            }
            String provider = path.substring(1, slash);
            String rest = path.substring(slash);
            WireProtocol protocol;
            String modelFromPath = null;
            Matcher az = AZURE.matcher(rest);
            Matcher gm = GEMINI.matcher(rest);
            if (az.matches()) {
                protocol = WireProtocol.AZURE;
                modelFromPath = java.net.URLDecoder.decode(az.group(1), StandardCharsets.UTF_8);
            } else if (rest.endsWith("/chat/completions")) {
                protocol = WireProtocol.OPENAI;
            } else if (rest.equals("/v1/messages")) {
                protocol = WireProtocol.ANTHROPIC;
            } else if (gm.matches()) {
                protocol = WireProtocol.GEMINI;
                modelFromPath = java.net.URLDecoder.decode(gm.group(1), StandardCharsets.UTF_8);
            } else {
                sendJson(ex, 404, Json.object().put("error", "no simulated API at this path"), Map.of());
                return;
            }
            if (!"POST".equals(ex.getRequestMethod())) {
                sendJson(ex, 405, Json.object().put("error", "method not allowed"), Map.of());
                return;
            }
            ProviderState st = state(provider);
            st.enter();
            try {
                serve(ex, st, protocol, modelFromPath);
            } finally {
                st.inFlight.decrementAndGet();
            }
        } catch (IOException e) {
            LOG.debug("simulator exchange failed: {}", e.toString());
        } catch (RuntimeException e) {
            LOG.warn("simulator bug", e);
        }
    }

    private void serve(HttpExchange ex, ProviderState st, WireProtocol protocol, String modelFromPath) throws IOException {
        long arrivedNanos = System.nanoTime();
        byte[] raw = readBody(ex);
        long seq = st.sequence.getAndIncrement();
        ProviderScript script = st.script;
        long seed = script.seed() != null ? script.seed() : config.seed();
        SplittableRandom random = new SplittableRandom(mix(seed, st.name, seq));
        String requestId = Long.toHexString(mix(seed, st.name, seq) & 0xffffffffffffL);
        st.requests.incrementAndGet();

        JsonNode body;
        WireProtocol.Call call;
        try {
            body = Json.MAPPER.readTree(raw);
            if (body == null || !body.isObject()) {
                throw new IllegalArgumentException("request body must be a JSON object");
            }
            call = protocol.parse(st.name, modelFromPath, body, ex.getRequestHeaders(), ex.getRequestURI().getRawQuery(), requestId);
        } catch (IOException | IllegalArgumentException bad) {
            String detail = bad instanceof IOException ? "We could not parse the JSON body of your request." : bad.getMessage();
            reply(ex, st, protocol, protocol.error(ErrorClass.INVALID_REQUEST, null, null, detail), requestId);
            return;
        }

        // The order real APIs check in: key, availability, rate limit, request validity.
        if (!script.acceptsKey(call.key())) {
            reply(ex, st, protocol, protocol.error(ErrorClass.AUTH, call, null, null), requestId);
            return;
        }
        long now = config.clock().millis();
        long elapsed = now - st.installedAtMs;
        boolean inOutage = script.down();
        String outageMode = "error";
        for (ProviderScript.Window w : script.outages()) {
            if (w.covers(elapsed)) {
                inOutage = true;
                outageMode = w.mode();
            }
        }
        if (inOutage) {
            if (outageMode.equals("reset")) {
                cut(ex, st);
            } else {
                reply(ex, st, protocol, protocol.error(ErrorClass.OVERLOADED, call, null, null), requestId);
            }
            return;
        }
        RateDecision rate = st.takeToken(script, now);
        if (rate != null && !rate.allowed()) {
            reply(ex, st, protocol, protocol.error(ErrorClass.RATE_LIMITED, call, rate.retryAfterMs(), String.valueOf(rate.limitPerMinute())),
                    requestId, rate.headers(protocol, config.clock().instant()));
            return;
        }
        if (script.maxContextTokens() != null && call.inputTokens() > script.maxContextTokens()) {
            reply(ex, st, protocol, protocol.error(ErrorClass.CONTEXT_LENGTH, call, null, String.valueOf(script.maxContextTokens())), requestId);
            return;
        }

        ErrorClass injected = drawError(script, random);
        long latency = script.latency().draw(random);
        for (ProviderScript.Slowdown s : script.slowdowns()) {
            if (s.covers(elapsed)) {
                latency = Math.round(latency * s.factor()) + s.extraMs();
            }
        }
        if (injected == ErrorClass.TIMEOUT) {
            latency = Math.max(latency, script.hangMs());
        }
        if (latency > 0 && injected != ErrorClass.RATE_LIMITED && injected != ErrorClass.AUTH && injected != ErrorClass.QUOTA_EXHAUSTED) {
            try {
                // Counted from the request's arrival, as a real provider's latency is: parsing it is part of it.
                long left = latency * 1_000_000L - (System.nanoTime() - arrivedNanos);
                if (left > 0) {
                    Thread.sleep(java.time.Duration.ofNanos(left)); // a virtual thread: parks, holds no platform thread
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // simulator closing
            }
        }
        Map<String, String> extra = rate == null ? Map.of() : rate.headers(protocol, config.clock().instant());
        if (injected == ErrorClass.CONNECTION) {
            cut(ex, st);
            return;
        }
        if (injected == ErrorClass.MALFORMED_RESPONSE) {
            byte[] broken = "{\"id\": \"sim-broken\", \"choices\": [ {\"message\": <html>upstream proxy error".getBytes(StandardCharsets.UTF_8);
            Map<String, String> h = new LinkedHashMap<>(protocol.standardHeaders(requestId));
            h.putAll(extra);
            st.count(200, true); // counted before sending, so stats never lag behind what a client has seen
            send(ex, 200, broken, h);
            return;
        }
        if (injected != null && injected != ErrorClass.TIMEOUT && !(injected == ErrorClass.CONTENT_FILTER && protocol != WireProtocol.AZURE)) {
            Long retryAfter = injected == ErrorClass.RATE_LIMITED ? 1000L : null;
            String detail = switch (injected) {
                case RATE_LIMITED -> String.valueOf(rate == null ? 60 : rate.limitPerMinute());
                case CONTEXT_LENGTH -> String.valueOf(script.maxContextTokens() == null ? 128000 : script.maxContextTokens());
                default -> null;
            };
            reply(ex, st, protocol, protocol.error(injected, call, retryAfter, detail), requestId, extra);
            return;
        }

        // Success (or a content-filtered 200).
        String text = script.reply() != null ? script.reply() : defaultReply(call);
        ProviderScript.Quality quality = script.qualityFor(call.model());
        if (quality != null && script.reply() == null) {
            text = scriptedAnswer(quality, random.nextDouble(), text, jsonAsked(body));
        }
        long outTokens = Math.max(1, (text.length() + 3) / 4);
        String finish = "stop";
        if (call.maxTokens() != null && call.maxTokens() > 0 && outTokens > call.maxTokens()) {
            outTokens = call.maxTokens();
            text = text.substring(0, (int) Math.min(text.length(), outTokens * 4));
            finish = "length";
        }
        if (injected == ErrorClass.CONTENT_FILTER) {
            finish = "content_filter";
            text = "";
        }
        ObjectNode ok = protocol.success(call, text, outTokens, finish, config.clock().instant().getEpochSecond());
        Map<String, String> h = new LinkedHashMap<>(protocol.standardHeaders(requestId));
        h.putAll(extra);
        st.count(200, true);
        send(ex, 200, Json.MAPPER.writeValueAsBytes(ok), h);
    }

    /** A good, malformed, refusing or too-short answer, by where {@code u} falls among the quality shares. */
    static String scriptedAnswer(ProviderScript.Quality q, double u, String good, boolean json) {
        if (u < q.malformedJson()) {
            return "{\"answer\": \"" + good.substring(0, Math.min(20, good.length()));
        }
        if (u < q.malformedJson() + q.refusal()) {
            return "I'm sorry, but I can't help with that request.";
        }
        if (u < q.malformedJson() + q.refusal() + q.tooShort()) {
            return json ? "{}" : "Not sure.";
        }
        return json ? Json.MAPPER.createObjectNode().put("answer", good).toString() : good;
    }

    /** Whether the request asked for a JSON answer (OpenAI-style response_format or Gemini's MIME type). */
    static boolean jsonAsked(JsonNode body) {
        return body.path("response_format").path("type").asText("").startsWith("json")
                || body.path("generationConfig").path("responseMimeType").asText("").equals("application/json");
    }

    /** Deterministic reply text: names the simulated provider and model and fingerprints the prompt. */
    static String defaultReply(WireProtocol.Call call) {
        long h = 1125899906842597L;
        for (String[] m : call.messages()) {
            h = 31 * h + m[0].hashCode();
            h = 31 * h + m[1].hashCode();
        }
        return "Simulated answer from " + call.provider() + " (" + call.model() + "), prompt " + Long.toHexString(h)
                + ". The quick brown fox jumps over the lazy dog.";
    }

    private static ErrorClass drawError(ProviderScript script, SplittableRandom random) {
        double u = random.nextDouble();
        if (script.errorRates().isEmpty()) {
            return null;
        }
        double cumulative = 0;
        for (ErrorClass c : ErrorClass.values()) {
            Double rate = script.errorRates().get(c);
            if (rate != null) {
                cumulative += rate;
                if (u < cumulative) {
                    return c;
                }
            }
        }
        return null;
    }

    private void reply(HttpExchange ex, ProviderState st, WireProtocol protocol, WireProtocol.Reply r, String requestId) throws IOException {
        reply(ex, st, protocol, r, requestId, Map.of());
    }

    private void reply(HttpExchange ex, ProviderState st, WireProtocol protocol, WireProtocol.Reply r, String requestId,
                       Map<String, String> extra) throws IOException {
        Map<String, String> h = new LinkedHashMap<>(protocol.standardHeaders(requestId));
        h.putAll(extra);
        h.putAll(r.headers());
        if (protocol == WireProtocol.ANTHROPIC && r.status() >= 400) {
            h.put("x-should-retry", String.valueOf(r.status() == 429 || r.status() >= 500));
        }
        st.count(r.status(), false);
        send(ex, r.status(), Json.MAPPER.writeValueAsBytes(r.body()), h);
    }

    /**
     * Promises a body, sends a fragment and drops the connection: the client sees a broken stream. (The
     * JDK server closes the connection when an exchange ends with fewer bytes written than promised.)
     */
    private static void cut(HttpExchange ex, ProviderState st) {
        st.count(0, false);
        try {
            ex.getResponseHeaders().set("content-type", "application/json");
            ex.sendResponseHeaders(200, 4096);
            OutputStream out = ex.getResponseBody();
            out.write("{\"id\":\"chatcmpl-cut\",".getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException expected) {
            // the client may already be gone
        }
        ex.close(); // must close the exchange, not the stream, for the server to drop the connection
    }

    private static void send(HttpExchange ex, int status, byte[] body, Map<String, String> headers) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void sendJson(HttpExchange ex, int status, Object body, Map<String, String> headers) throws IOException {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("content-type", "application/json");
        send(ex, status, Json.MAPPER.writeValueAsBytes(body), h);
    }

    /** Sized by Content-Length when given: readAllBytes allocates 16 KB chunks for a 1-2 KB body. */
    private static byte[] readBody(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        try (InputStream in = ex.getRequestBody()) {
            if (length != null) {
                try {
                    int n = Integer.parseInt(length.trim());
                    if (n >= 0) {
                        return in.readNBytes(n);
                    }
                } catch (NumberFormatException e) {
                    // fall through: read to the end
                }
            }
            return in.readAllBytes();
        }
    }

    static long mix(long seed, String provider, long seq) {
        long z = seed ^ (provider.hashCode() * 0x9E3779B97F4A7C15L) ^ (seq * 0xBF58476D1CE4E5B9L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    // ---- control API ---------------------------------------------------------------------------------

    private static final Pattern CONTROL = Pattern.compile("/_sim/providers/([^/]+)/(script|stats)");

    private void control(HttpExchange ex, String path) throws IOException {
        String method = ex.getRequestMethod();
        if (path.equals("/_sim/health")) {
            sendJson(ex, 200, Map.of("status", "ok"), Map.of());
            return;
        }
        if (path.equals("/_sim/providers") && method.equals("GET")) {
            Map<String, Object> all = new TreeMap<>();
            providers.forEach((name, st) -> all.put(name, Map.of("script", st.script, "stats", st.stats())));
            sendJson(ex, 200, all, Map.of());
            return;
        }
        Matcher m = CONTROL.matcher(path);
        if (!m.matches()) {
            sendJson(ex, 404, Map.of("error", "unknown control path"), Map.of());
            return;
        }
        String name = java.net.URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
        if (m.group(2).equals("stats")) {
            sendJson(ex, 200, stats(name), Map.of());
            return;
        }
        switch (method) {
            case "GET" -> sendJson(ex, 200, script(name), Map.of());
            case "PUT", "POST" -> {
                ProviderScript s;
                try {
                    s = Json.MAPPER.readValue(readBody(ex), ProviderScript.class);
                } catch (IOException | IllegalArgumentException bad) {
                    sendJson(ex, 400, Map.of("error", "invalid script: " + rootMessage(bad)), Map.of());
                    return;
                }
                script(name, s);
                sendJson(ex, 200, s, Map.of());
            }
            case "DELETE" -> {
                script(name, ProviderScript.healthy());
                sendJson(ex, 200, script(name), Map.of());
            }
            default -> sendJson(ex, 405, Map.of("error", "method not allowed"), Map.of());
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        String msg = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        int nl = msg.indexOf('\n');
        return nl > 0 ? msg.substring(0, nl) : msg;
    }

    // ---- per-provider state --------------------------------------------------------------------------

    record RateDecision(boolean allowed, long retryAfterMs, long limitPerMinute, long remaining, long resetMs) {
        Map<String, String> headers(WireProtocol p, Instant now) {
            return p.rateLimitHeaders(limitPerMinute, remaining, resetMs, now);
        }
    }

    private static final class ProviderState {
        final String name;
        volatile ProviderScript script;
        volatile long installedAtMs;
        final AtomicLong sequence = new AtomicLong();
        final AtomicLong requests = new AtomicLong();
        final AtomicLong succeeded = new AtomicLong();
        final Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();
        final AtomicLong inFlight = new AtomicLong();
        final AtomicLong peakInFlight = new AtomicLong();
        private double tokens;
        private long lastRefillMs;

        ProviderState(String name) {
            this.name = name;
        }

        synchronized void install(ProviderScript s, long nowMs) {
            script = s;
            installedAtMs = nowMs;
            tokens = s.burst() == null ? 1 : s.burst();
            lastRefillMs = nowMs;
        }

        /** Token bucket: null when unlimited, otherwise whether this request gets a token. */
        synchronized RateDecision takeToken(ProviderScript s, long nowMs) {
            if (s.requestsPerSecond() == null) {
                return null;
            }
            double rate = s.requestsPerSecond();
            int capacity = s.burst() == null ? 1 : s.burst();
            tokens = Math.min(capacity, tokens + (nowMs - lastRefillMs) * rate / 1000.0);
            lastRefillMs = nowMs;
            long perMinute = Math.round(rate * 60);
            if (tokens >= 1) {
                tokens -= 1;
                long resetMs = (long) Math.ceil((capacity - tokens) * 1000 / rate);
                return new RateDecision(true, 0, perMinute, (long) Math.floor(tokens), resetMs);
            }
            long waitMs = (long) Math.ceil((1 - tokens) * 1000 / rate);
            return new RateDecision(false, waitMs, perMinute, 0, waitMs);
        }

        void enter() {
            long now = inFlight.incrementAndGet();
            peakInFlight.accumulateAndGet(now, Math::max);
        }

        void count(int status, boolean success) {
            byStatus.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
            if (success) {
                succeeded.incrementAndGet();
            }
        }

        SimulatorStats stats() {
            Map<Integer, Long> m = new TreeMap<>();
            byStatus.forEach((k, v) -> m.put(k, v.get()));
            return new SimulatorStats(requests.get(), succeeded.get(), m, inFlight.get(), peakInFlight.get());
        }

        void resetStats() {
            requests.set(0);
            succeeded.set(0);
            byStatus.clear();
            peakInFlight.set(inFlight.get());
        }
    }

    // ---- standalone ----------------------------------------------------------------------------------

    /**
     * Runs the simulator until the process ends: {@code [--host H] [--port N] [--seed S]
     * [--script provider=file.json]...}. Prints one base URL per common provider.
     */
    public static void main(String[] args) throws Exception {
        SimulatorConfig cfg = new SimulatorConfig("127.0.0.1", 8089, 42L, Map.of(), null);
        Map<String, ProviderScript> scripts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> cfg = new SimulatorConfig(args[++i], cfg.port(), cfg.seed(), cfg.scripts(), cfg.clock());
                case "--port" -> cfg = cfg.withPort(Integer.parseInt(args[++i]));
                case "--seed" -> cfg = cfg.withSeed(Long.parseLong(args[++i]));
                case "--script" -> {
                    String[] kv = args[++i].split("=", 2);
                    scripts.put(kv[0], Json.MAPPER.readValue(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(kv[1])), ProviderScript.class));
                }
                default -> {
                    System.err.println("usage: simulator [--host H] [--port N] [--seed S] [--script provider=file.json]...");
                    System.exit(2);
                }
            }
        }
        ProviderSimulator sim = start(cfg.withScripts(scripts));
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close));
        System.out.println("provider simulator on http://" + sim.hostForUrl() + ":" + sim.port() + " (control API under /_sim/)");
        for (Map.Entry<String, ApiFamily> e : Map.of("openai", ApiFamily.OPENAI, "anthropic", ApiFamily.ANTHROPIC, "gemini",
                ApiFamily.GEMINI, "deepseek", ApiFamily.OPENAI_COMPATIBLE, "mistral", ApiFamily.OPENAI_COMPATIBLE).entrySet()) {
            System.out.println("  " + e.getKey() + ": " + sim.baseUrlFor(e.getKey(), e.getValue()));
        }
        Thread.currentThread().join();
    }
}
