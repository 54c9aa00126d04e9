package dev.detour.ledger.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.detour.ledger.Problem;
import dev.detour.ledger.ProblemList;
import dev.detour.ledger.SpendQuery;
import dev.detour.ledger.SpendReport;
import dev.detour.ledger.internal.JsonSerde;
import dev.detour.ledger.topology.LedgerStores;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The ledger's JSON API over its state stores. A question about one tenant or job is answered by the instance
 * that holds that key: any instance forwards it there (once; a forwarded call is answered locally). Problems
 * and all-tenant spend are spread over all instances, so those questions are asked of each and merged.
 * <pre>
 * GET /spend?tenant=T&amp;from=YYYY-MM-DD&amp;to=YYYY-MM-DD&amp;groupBy=provider,model,day   (no tenant: all tenants)
 * GET /savings?tenant=T&amp;from=..&amp;to=..
 * GET /jobs/{jobId}
 * GET /budgets/{tenant}
 * GET /problems
 * GET /health
 * </pre>
 */
public final class LedgerHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LedgerHttpServer.class);
    static final String FORWARDED = "X-Detour-Ledger-Forwarded";
    private static final ObjectMapper JSON = JsonSerde.MAPPER;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile LedgerQueries queries;
    private volatile KeyLocator locator;
    private volatile HostInfo self;

    /** Binds now (port 0 picks a free port) so the address can be advertised before the streams start. */
    public LedgerHttpServer(String bindHost, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(bindHost, port), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Starts answering; until then every call gets 503. */
    public void start(LedgerQueries queries, KeyLocator locator, HostInfo self) {
        this.queries = queries;
        this.locator = locator;
        this.self = self;
        server.start();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                send(ex, 405, Map.of("error", "only GET"));
                return;
            }
            String path = ex.getRequestURI().getPath();
            Map<String, String> params = params(ex.getRequestURI().getRawQuery());
            boolean forwarded = ex.getRequestHeaders().containsKey(FORWARDED);
            try {
                route(ex, path, params, forwarded);
            } catch (IllegalArgumentException e) {
                send(ex, 400, Map.of("error", e.getMessage()));
            } catch (InvalidStateStoreException e) {
                send(ex, 503, Map.of("error", "ledger state not ready (rebalancing or restoring): " + e.getMessage()));
            }
        } catch (RuntimeException e) {
            log.warn("ledger query {} failed", ex.getRequestURI(), e);
        }
    }

    private void route(HttpExchange ex, String path, Map<String, String> params, boolean forwarded) throws IOException {
        if (path.equals("/health")) {
            send(ex, 200, Map.of("status", "up"));
        } else if (path.equals("/spend")) {
            SpendQuery q = new SpendQuery(params.get("tenant"), date(params, "from"), date(params, "to"),
                    SpendQuery.parseGroupBy(params.get("groupBy")));
            if (q.isAllTenants()) {
                send(ex, 200, forwarded ? queries.spend(q) : spendEverywhere(q, ex.getRequestURI()));
            } else {
                keyed(ex, LedgerStores.SPEND, q.tenant(), forwarded, () -> Optional.of(queries.spend(q)));
            }
        } else if (path.equals("/savings")) {
            String tenant = required(params, "tenant");
            String from = date(params, "from").toString();
            String to = date(params, "to").toString();
            keyed(ex, LedgerStores.TENANT_DAY, tenant, forwarded, () -> Optional.of(queries.savings(tenant, from, to)));
        } else if (path.startsWith("/jobs/") && path.length() > 6) {
            String jobId = URLDecoder.decode(path.substring(6), StandardCharsets.UTF_8);
            keyed(ex, LedgerStores.JOBS, jobId, forwarded, () -> queries.job(jobId));
        } else if (path.startsWith("/budgets/") && path.length() > 9) {
            String tenant = URLDecoder.decode(path.substring(9), StandardCharsets.UTF_8);
            keyed(ex, LedgerStores.BUDGETS, tenant, forwarded, () -> queries.budget(tenant));
        } else if (path.equals("/problems")) {
            send(ex, 200, forwarded ? queries.problems() : problemsEverywhere());
        } else {
            send(ex, 404, Map.of("error", "no such endpoint: " + path));
        }
    }

    private interface LocalAnswer {
        Optional<?> answer();
    }

    private void keyed(HttpExchange ex, String store, String key, boolean forwarded, LocalAnswer local) throws IOException {
        if (queries == null) {
            send(ex, 503, Map.of("error", "ledger not started"));
            return;
        }
        Optional<HostInfo> owner = forwarded ? Optional.of(self) : locator.ownerOf(store, key);
        if (owner.isEmpty()) {
            send(ex, 503, Map.of("error", "no instance holds " + store + " key yet (rebalancing)"));
            return;
        }
        if (!owner.get().equals(self)) {
            forward(ex, owner.get());
            return;
        }
        Optional<?> answer = local.answer();
        if (answer.isEmpty()) {
            send(ex, 404, Map.of("error", "not found: " + key));
        } else {
            send(ex, 200, answer.get());
        }
    }

    private void forward(HttpExchange ex, HostInfo owner) throws IOException {
        HttpResponse<byte[]> r = get(owner, ex.getRequestURI());
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(r.body());
        }
    }

    private HttpResponse<byte[]> get(HostInfo host, URI original) throws IOException {
        String target = "http://" + host.host() + ":" + host.port() + original.getRawPath()
                + (original.getRawQuery() == null ? "" : "?" + original.getRawQuery());
        HttpRequest req = HttpRequest.newBuilder(URI.create(target)).header(FORWARDED, self.host() + ":" + self.port())
                .timeout(Duration.ofSeconds(30)).GET().build();
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted forwarding to " + target, e);
        }
    }

    private SpendReport spendEverywhere(SpendQuery q, URI original) throws IOException {
        List<SpendReport> parts = new ArrayList<>();
        parts.add(queries.spend(q));
        for (HostInfo host : locator.allHosts()) {
            if (host.equals(self)) continue;
            parts.add(JSON.readValue(askAll(host, original), SpendReport.class));
        }
        return dev.detour.ledger.spend.SpendRollup.merge(q, parts);
    }

    private byte[] askAll(HostInfo host, URI original) throws IOException {
        HttpResponse<byte[]> r = get(host, original);
        if (r.statusCode() != 200) {
            throw new InvalidStateStoreException("instance " + host + " answered " + r.statusCode());
        }
        return r.body();
    }

    private ProblemList problemsEverywhere() throws IOException {
        List<Problem> all = new ArrayList<>(queries.problems().problems());
        for (HostInfo host : locator.allHosts()) {
            if (host.equals(self)) continue;
            all.addAll(JSON.readValue(askAll(host, URI.create("/problems")), ProblemList.class).problems());
        }
        all.sort(Comparator.comparingLong(Problem::seenAtMs).thenComparing(Problem::id));
        return new ProblemList(all);
    }

    private static void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> params(String rawQuery) {
        Map<String, String> out = new HashMap<>();
        if (rawQuery == null) return out;
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) continue;
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String required(Map<String, String> params, String name) {
        String v = params.get(name);
        if (v == null || v.isBlank()) throw new IllegalArgumentException(name + " is required");
        return v;
    }

    private static LocalDate date(Map<String, String> params, String name) {
        String v = required(params, name);
        try {
            return LocalDate.parse(v);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be YYYY-MM-DD, got " + v);
        }
    }
}
