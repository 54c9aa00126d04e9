package dev.detour.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.cli.runtime.EmbeddedRuntime;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The user's commands against a running pipeline on a real broker, as a person would type them. */
@WithKafka
class CliCommandsTest {
    private static EmbeddedRuntime runtime;

    @BeforeAll
    static void start(KafkaCluster kafka) {
        runtime = EmbeddedRuntime.start(EmbeddedRuntime.Options.demo().withWorkers(1).withBootstrapServers(kafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    record Run(int exit, String out, String err) {}

    private static Run detour(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Detour.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        java.io.PrintStream oldOut = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true));
        try {
            int exit = cl.execute(args);
            return new Run(exit, out + captured.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
        }
    }

    private static String[] connection(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("-b", runtime.bootstrapServers(), "--registry-url", runtime.registryUrl(),
                "--topic-prefix", runtime.topics().prefix()));
        return all.toArray(String[]::new);
    }

    @Test
    void submitWaitsForTheResultAndResultsListsItOnce(@TempDir Path dir) throws Exception {
        Run submit = detour(connection("submit", "-t", "acme", "-m", "balanced", "-p", "hello there", "--job-id", "cli-job-1", "--wait"));
        assertThat(submit.exit()).as(submit.err()).isZero();
        assertThat(submit.out()).contains("cli-job-1").contains("SUCCEEDED");

        Path jobs = dir.resolve("jobs.jsonl");
        Files.writeString(jobs, """
                {"jobId":"cli-job-2","tenant":"acme","model":"fast-cheap","prompt":"one"}
                {"jobId":"cli-job-3","tenant":"acme","model":"frontier","prompt":"two","strategy":"latency"}
                """);
        Run file = detour(connection("submit", "-f", jobs.toString(), "--wait", "--format", "json"));
        assertThat(file.exit()).as(file.err()).isZero();
        assertThat(file.out()).contains("cli-job-2").contains("cli-job-3");

        // Submitting an accepted job id again yields no second job.
        assertThat(detour(connection("submit", "-t", "acme", "-m", "balanced", "-p", "hello there", "--job-id", "cli-job-1")).exit()).isZero();
        Run results = detour(connection("results", "--tenant", "acme"));
        assertThat(results.exit()).isZero();
        assertThat(results.out().lines().filter(l -> l.startsWith("cli-job-1 ")).count()).isEqualTo(1);
        assertThat(results.out()).contains("cli-job-2").contains("cli-job-3");

        Run providers = detour(connection("providers"));
        assertThat(providers.exit()).isZero();
        assertThat(providers.out()).contains("breaker").contains("CLOSED");

        Run audit = detour("audit", "spend", "--tenant", "acme", "--group-by", "provider,model",
                "--ledger-url", runtime.ledger().httpUrl().toString());
        assertThat(audit.exit()).as(audit.err()).isZero();
    }

    @Test
    void errorsAreOneClearLineWithANonZeroExit(@TempDir Path dir) throws Exception {
        Run unreachable = detour("submit", "-t", "acme", "-m", "balanced", "-p", "hi", "-b", "127.0.0.1:1");
        assertThat(unreachable.exit()).isNotZero();
        assertThat(unreachable.err().strip()).startsWith("detour: cannot reach Kafka at 127.0.0.1:1").doesNotContain("\n").doesNotContain("Exception");

        Path badConfig = dir.resolve("bad.yaml");
        Files.writeString(badConfig, "worker:\n  max.in.flight: many\n");
        Run bad = detour("worker", "--config", badConfig.toString(), "-b", runtime.bootstrapServers(), "--registry-url", runtime.registryUrl());
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("worker.max.in.flight").doesNotContain("\tat ");

        Run badRouter = detour("router", "-b", runtime.bootstrapServers(), "--registry-url", runtime.registryUrl(),
                "--config", write(dir, "router.yaml", "router:\n  brekaer.failure-rate-threshold: 50\n"));
        assertThat(badRouter.exit()).isNotZero();
        assertThat(badRouter.err()).contains("brekaer");

        Run unknownModel = detour(connection("submit", "-t", "acme", "-m", "no-such-model", "-p", "hi", "--wait", "--timeout", "60"));
        assertThat(unknownModel.exit()).isNotZero();
        assertThat(unknownModel.out()).contains("FAILED").contains("INVALID_REQUEST");
    }

    private static String write(Path dir, String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p.toString();
    }
}
