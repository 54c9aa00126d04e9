package dev.detour.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.ledger.internal.JsonSerde;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** Asks a running ledger (any instance: it routes the question) over its HTTP API. Used by the CLI. */
public final class LedgerClient {

    private static final ObjectMapper JSON = JsonSerde.MAPPER;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public LedgerClient(URI base) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }

    public SpendReport spend(SpendQuery q) {
        return get("/spend?" + (q.isAllTenants() ? "" : "tenant=" + enc(q.tenant()) + "&") + "from=" + q.from() + "&to=" + q.to()
                + "&groupBy=" + enc(q.groupByText()), SpendReport.class).orElseThrow();
    }

    public SavingsReport savings(String tenant, java.time.LocalDate from, java.time.LocalDate to) {
        return get("/savings?tenant=" + enc(tenant) + "&from=" + from + "&to=" + to, SavingsReport.class).orElseThrow();
    }

    public Optional<JobReport> job(String jobId) {
        return get("/jobs/" + enc(jobId), JobReport.class);
    }

    public Optional<BudgetStatus> budget(String tenant) {
        return get("/budgets/" + enc(tenant), BudgetStatus.class);
    }

    public ProblemList problems() {
        return get("/problems", ProblemList.class).orElseThrow();
    }

    /** Empty on 404; {@link LedgerQueryException} with the ledger's message on any other error. */
    private <T> Optional<T> get(String pathAndQuery, Class<T> type) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(60)).GET().build();
        try {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() == 404) return Optional.empty();
            if (r.statusCode() != 200) {
                String message = new String(r.body(), StandardCharsets.UTF_8);
                try {
                    message = JSON.readTree(r.body()).path("error").asText(message);
                } catch (IOException ignored) {
                    // not JSON: keep the raw body
                }
                throw new LedgerQueryException(r.statusCode(), message);
            }
            return Optional.of(JSON.readValue(r.body(), type));
        } catch (IOException e) {
            throw new UncheckedIOException("ledger at " + base + " did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The ledger refused or could not answer a question (bad parameters: 400; not ready: 503). */
    public static final class LedgerQueryException extends RuntimeException {
        private final int status;

        public LedgerQueryException(int status, String message) {
            super("ledger answered " + status + ": " + message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
