package dev.detour.cli;

import dev.detour.cli.component.ConfigTopicReader;
import dev.detour.cli.config.DetourConfig;
import dev.detour.router.HealthTable;
import dev.detour.router.RecordSerdes;
import dev.detour.schema.Catalog;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.HealthSnapshot;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The live health table as the routers see it, with each deployment's list price. */
@Command(name = "providers", description = "Live health table: breaker state, latency, error rates, price.")
final class ProvidersCommand implements Callable<Integer> {
    @Mixin ConnectionOptions connection;

    @Option(names = "--all", description = "Also list catalog deployments that have no health yet.") boolean all;

    @Override
    public Integer call() {
        DetourConfig c = connection.config();
        ConnectionOptions.checkReachable(c);
        Properties p = new Properties();
        p.putAll(c.kafkaClientProperties());
        p.put("bootstrap.servers", c.bootstrapServers());
        Map<String, HealthSnapshot> health = HealthTable.read(p, c.topics(), RecordSerdes.forUrl(c.registryUrl()), Duration.ofSeconds(15));
        Catalog catalog;
        try (ConfigTopicReader reader = new ConfigTopicReader(c)) {
            catalog = reader.catalog();
        }
        Map<String, DeploymentSpec> deployments = catalog == null ? Map.of() : catalog.getDeployments().stream()
                .collect(Collectors.toMap(DeploymentSpec::getId, Function.identity(), (a, b) -> b));
        TreeSet<String> ids = new TreeSet<>(health.keySet());
        if (all) {
            ids.addAll(deployments.keySet());
        }
        if (ids.isEmpty()) {
            System.out.println("no health yet: no feedback has reached the routers (is traffic flowing?)");
            return 0;
        }
        System.out.printf("%-34s %-9s %7s %7s %7s %6s %7s %11s %11s%n", "deployment", "breaker", "calls", "p50 ms", "p99 ms",
                "errors", "429/529", "in $/M", "out $/M");
        for (String id : ids) {
            HealthSnapshot h = health.get(id);
            DeploymentSpec d = deployments.get(id);
            System.out.printf("%-34s %-9s %7s %7s %7s %6s %7s %11s %11s%n", id,
                    h == null ? "-" : h.getCircuit(),
                    h == null ? "-" : Long.toString(h.getCalls()),
                    h == null || h.getLatencyP50Ms() == null ? "-" : h.getLatencyP50Ms().toString(),
                    h == null || h.getLatencyP99Ms() == null ? "-" : h.getLatencyP99Ms().toString(),
                    h == null ? "-" : String.format("%.1f%%", 100 * h.getErrorRate()),
                    h == null ? "-" : String.format("%.1f%%", 100 * h.getRateLimitPressure()),
                    d == null ? "-" : String.format("%.3f", d.getPrices().getInputPerMillionMicros() / 1e6),
                    d == null ? "-" : String.format("%.3f", d.getPrices().getOutputPerMillionMicros() / 1e6));
        }
        return 0;
    }
}
