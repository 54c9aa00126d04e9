package dev.detour.ledger.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detour.ledger.JobReport;
import dev.detour.ledger.LedgerClient;
import dev.detour.ledger.ReportFormat;
import dev.detour.ledger.SavingsReport;
import dev.detour.ledger.SpendQuery;
import dev.detour.ledger.SpendReport;
import dev.detour.ledger.internal.JsonSerde;
import dev.detour.ledger.topology.LedgerDriver;
import dev.detour.schema.UsageRecord;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static dev.detour.ledger.Fixtures.DAY1;
import static dev.detour.ledger.Fixtures.catalog;
import static dev.detour.ledger.Fixtures.catalogRecord;
import static dev.detour.ledger.Fixtures.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP API and the client over a single instance's stores (a TopologyTestDriver), and the report formats. */
class LedgerHttpApiTest {

    private static final long DAY_MS = 86_400_000L;
    private LedgerDriver ledger;
    private LedgerHttpServer server;
    private LedgerClient client;

    @BeforeEach
    void start() throws Exception {
        ledger = new LedgerDriver(Instant.ofEpochMilli(DAY1));
        ledger.config.pipeInput("catalog", catalogRecord(catalog()), DAY1);
        String[][] deployments = {{"openai", "gpt-4o"}, {"anthropic", "claude-sonnet"}, {"deepseek", "deepseek-chat"}};
        for (int i = 0; i < 60; i++) {
            String[] d = deployments[i % 3];
            UsageRecord u = usage("a-" + i, "job-" + (i / 3), "acme", d[0], d[1], "smart", 1_000 + i * 37L, 200 + i * 11L,
                    DAY1 + (i % 4) * DAY_MS);
            ledger.usage(u);
        }
        ledger.usageBytes.pipeInput("bad".getBytes(StandardCharsets.UTF_8), new byte[]{1, 2, 3}, DAY1);
        server = new LedgerHttpServer("127.0.0.1", 0);
        HostInfo self = new HostInfo("127.0.0.1", server.port());
        server.start(ledger.queries, KeyLocator.local(self), self);
        client = new LedgerClient(URI.create("http://127.0.0.1:" + server.port()));
    }

    @AfterEach
    void stop() {
        server.close();
        ledger.close();
    }

    @Test
    void csvExportMatchesTheJsonTotals() throws Exception {
        SpendQuery q = new SpendQuery("acme", LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-30"),
                Set.of(SpendQuery.Dimension.PROVIDER, SpendQuery.Dimension.MODEL, SpendQuery.Dimension.DAY));
        SpendReport report = client.spend(q);
        assertThat(report.rows()).hasSize(12);
        JsonNode json = JsonSerde.MAPPER.readTree(ReportFormat.JSON.render(report));
        List<String> csv = Arrays.asList(ReportFormat.CSV.render(report).split("\r\n"));
        List<String> header = Arrays.asList(csv.get(0).split(","));
        assertThat(csv).hasSize(1 + report.rows().size());
        for (String column : List.of("attempts", "inputTokens", "outputTokens", "costMicros", "baselineMicros", "savingsMicros")) {
            int idx = header.indexOf(column);
            long csvSum = csv.stream().skip(1).mapToLong(line -> Long.parseLong(line.split(",", -1)[idx])).sum();
            assertThat(csvSum).as(column).isEqualTo(json.path("total").path(column).asLong());
        }
        assertThat(json.path("total").path("attempts").asLong()).isEqualTo(60);
        // And the served total is what the store holds for the tenant as a whole.
        assertThat(client.spend(new SpendQuery("acme", q.from(), q.to(), Set.of())).rows())
                .singleElement().satisfies(r -> assertThat(r.costMicros()).isEqualTo(report.total().costMicros()));
    }

    @Test
    void jobShowsEveryAttemptWithTokensUnitPricesAndCost() {
        JobReport job = client.job("job-0").orElseThrow();
        assertThat(job.attempts()).hasSize(3);
        assertThat(job.costMicros()).isEqualTo(job.attempts().stream().mapToLong(a -> a.costMicros()).sum());
        String table = ReportFormat.TABLE.render(job);
        assertThat(table).contains("a-0", "a-1", "a-2", "openai/gpt-4o", "inputPerMillion $");
        assertThat(client.job("no-such-job")).isEmpty();
    }

    @Test
    void savingsAndGroupedTablesRender() {
        SavingsReport savings = client.savings("acme", LocalDate.parse("2026-11-20"), LocalDate.parse("2026-11-21"));
        assertThat(savings.days()).extracting(d -> d.day()).containsExactly("2026-11-20", "2026-11-21");
        assertThat(savings.total().savingsMicros()).isEqualTo(savings.total().baselineMicros() - savings.total().costMicros());
        String table = ReportFormat.TABLE.render(savings);
        assertThat(table).contains("TOTAL").contains("savings $");
    }

    @Test
    void problemsAreListedAndBadQuestionsAnswer400() throws Exception {
        assertThat(client.problems().problems()).singleElement().satisfies(p -> assertThat(p.kind()).isEqualTo("UNDECODABLE"));
        assertThat(ReportFormat.CSV.render(client.problems())).startsWith("id,kind,message");
        java.net.http.HttpResponse<String> bad = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/spend?tenant=acme&from=yesterday&to=2026-11-02")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("from must be YYYY-MM-DD");
        assertThatThrownBy(() -> SpendQuery.parseGroupBy("provider,colour")).hasMessageContaining("colour");
        assertThat(client.budget("acme")).hasValueSatisfying(b -> assertThat(b.level()).isEqualTo("OK"));
    }

    private String run(int expectedExit, String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = new picocli.CommandLine(new dev.detour.ledger.audit.AuditCommand())
                .setOut(new java.io.PrintWriter(out)).setErr(new java.io.PrintWriter(err));
        String[] all = java.util.stream.Stream.concat(Arrays.stream(args),
                java.util.stream.Stream.of("--ledger-url", "http://127.0.0.1:" + server.port())).toArray(String[]::new);
        assertThat(cl.execute(all)).as(err.toString()).isEqualTo(expectedExit);
        return expectedExit == 0 ? out.toString() : err.toString();
    }

    @Test
    void auditCommandsPrintWhatTheClientFetches() throws Exception {
        String csv = run(0, "spend", "--tenant", "acme", "--from", "2026-11-01", "--to", "2026-11-30",
                "--group-by", "provider", "--format", "csv");
        assertThat(csv.split("\r\n")).hasSize(4);
        assertThat(csv).startsWith("tenant,provider,attempts,");
        SpendReport json = JsonSerde.MAPPER.readValue(run(0, "spend", "--tenant", "acme", "--from", "2026-11-01",
                "--to", "2026-11-30", "--format", "json"), SpendReport.class);
        assertThat(json.total().attempts()).isEqualTo(60);
        assertThat(run(0, "job", "job-1")).contains("a-3", "a-4", "a-5");
        assertThat(run(0, "problems", "--format", "csv")).contains("UNDECODABLE");
        assertThat(run(2, "spend", "--tenant", "acme", "--from", "2026-13-01", "--to", "2026-11-30"))
                .contains("--from must be YYYY-MM-DD");
        assertThat(run(2, "spend", "--tenant", "acme", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "xml"))
                .contains("unknown format 'xml'");
    }
}
