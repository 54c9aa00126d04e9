package dev.detour.cli;

import dev.detour.cli.demo.DemoScenario;
import dev.detour.cli.demo.HtmlReport;
import dev.detour.cli.runtime.EmbeddedRuntime;
import dev.detour.schema.Strategy;
import dev.detour.schema.TenantPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The main job: the whole pipeline in one JVM on the embedded broker, through an outage and a 429 storm. */
@Command(name = "demo", description = "Run the pipeline end to end on an embedded Kafka broker: steady traffic, "
        + "a provider outage, a 429 storm, recovery; ends with a summary and an HTML report.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--rate", description = "Jobs per second (default: ${DEFAULT-VALUE}).", defaultValue = "50") int rate;
    @Option(names = "--duration", description = "Seconds of traffic (default: ${DEFAULT-VALUE}).", defaultValue = "60") int durationSeconds;
    @Option(names = "--report", description = "HTML report file (default: ${DEFAULT-VALUE}).", defaultValue = "detour-report.html") Path report;
    @Option(names = "--workers", description = "Worker instances (default: ${DEFAULT-VALUE}).", defaultValue = "2") int workers;

    @Override
    public Integer call() throws Exception {
        System.out.println("Detour demo: starting Kafka (KRaft, embedded), schema registry, simulated providers, router, "
                + workers + " workers and the ledger...");
        DemoScenario.Settings settings = DemoScenario.Settings.demo().withRate(rate, durationSeconds * 1000L);
        TenantPolicy tenant = TenantPolicy.newBuilder().setTenant(settings.tenant()).setStrategy(Strategy.BALANCED)
                .setAllowCheaperTier(true).build();
        try (EmbeddedRuntime runtime = EmbeddedRuntime.start(EmbeddedRuntime.Options.demo()
                .withWorkers(workers).withTenants(List.of(tenant)))) {
            runtime.describe().forEach((k, v) -> System.out.printf("  %-10s %s%n", k, v));
            System.out.printf("Sending %d jobs over %d s (%d/s)...%n", settings.totalJobs(), durationSeconds, rate);
            DemoScenario.Outcome outcome = new DemoScenario(runtime, settings, System.out, System.console() != null).run();
            System.out.println();
            System.out.println(outcome.summary().asTable());
            Files.writeString(report, HtmlReport.render(outcome.summary(), outcome.stats(), outcome.phases(), outcome.startMs(), 2_000));
            System.out.println("Report: " + report.toAbsolutePath().toUri());
            return outcome.stats().failedCount() == 0 ? 0 : 1;
        }
    }
}
