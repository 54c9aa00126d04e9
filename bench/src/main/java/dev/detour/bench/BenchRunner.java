package dev.detour.bench;

import dev.detour.bench.report.MarkdownReport;
import dev.detour.bench.report.ResultsFile;
import dev.detour.bench.report.SuiteReport;
import dev.detour.bench.suites.CostUnderFaultTrace;
import dev.detour.bench.suites.FailoverReaction;
import dev.detour.bench.suites.GatewayOverhead;
import dev.detour.bench.suites.PassthroughLadder;
import dev.detour.bench.suites.PipelineOverhead;
import dev.detour.bench.suites.WorkerConcurrencySweep;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import dev.detour.core.ProcessDefaults;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code detour bench [suite...] [--quick] [--out bench-results.json]}: starts one broker and registry,
 * runs the suites one after the other, prints a Markdown table per suite and writes the JSON file.
 * A suite that fails is reported and the others still run; the exit code is then 1.
 */
public final class BenchRunner {
    private BenchRunner() {}

    /** Every suite, in the order {@code all} runs them. */
    public static List<Suite> suites() {
        return List.of(new PassthroughLadder(), new PipelineOverhead(), new WorkerConcurrencySweep(), new FailoverReaction(), new CostUnderFaultTrace(),
                new GatewayOverhead());
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            // Standalone runs keep Kafka's INFO chatter out of the tables; the cli brings its own config.
            System.setProperty("logback.configurationFile", "dev/detour/bench/bench-logback.xml");
        }
        System.exit(run(args));
    }

    public static int run(String[] args) {
        return run(args, System.out);
    }

    public static int run(String[] args, PrintStream out) {
        // Before any HttpClient or JDK server of the run exists: a bounded idle pool (a worker holding
        // 10,000 calls in flight otherwise ran this JVM, broker included, near its descriptor limit) and
        // TCP_NODELAY for every server (the registry's starts first, long before the gateway suite).
        ProcessDefaults.apply();
        List<Suite> all = suites();
        BenchOptions options;
        try {
            options = BenchOptions.parse(args, all.stream().map(Suite::name).toList());
        } catch (IllegalArgumentException e) {
            out.println("detour bench: " + e.getMessage());
            out.println(usage(all));
            return 2;
        }
        if (options.help()) {
            out.println(usage(all));
            all.forEach(s -> out.println("  " + s.name() + ": " + s.description()));
            return 0;
        }
        Instant started = Instant.now();
        List<SuiteReport> reports = new ArrayList<>();
        boolean failed = false;
        out.println("## detour bench (" + (options.quick() ? "quick" : "full") + ") " + started);
        try (BenchEnvironment env = BenchEnvironment.start(options.registry(), options.broker())) {
            Map<String, Object> facts = environment(env);
            out.println();
            facts.forEach((k, v) -> out.println("- " + k + ": " + v));
            out.println();
            for (String name : options.suites()) {
                Suite suite = all.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
                long t0 = System.nanoTime();
                SuiteReport report;
                try {
                    report = suite.run(env, options.quick());
                } catch (Exception | Error e) {
                    log().error("suite {} failed", name, e);
                    failed = true;
                    report = new SuiteReport.Builder(name, "FAILED", "error")
                            .row(String.valueOf(e))
                            .note("the suite threw " + e + "; see the log")
                            .build();
                }
                report = report.withElapsed((System.nanoTime() - t0) / 1_000_000);
                env.dropTopics(env.runPrefix());
                env.settle();
                reports.add(report);
                out.println(MarkdownReport.render(report));
                out.flush();
            }
            ResultsFile.write(options.out(), new ResultsFile.Run(started, options.quick() ? "quick" : "full", facts, reports));
            out.println("results written to " + options.out().toAbsolutePath());
        } catch (Exception e) {
            log().error("bench run failed", e);
            out.println("detour bench: " + e.getMessage());
            return 1;
        }
        return failed ? 1 : 0;
    }

    /** Looked up late: {@link #main} chooses the logging configuration before anything logs. */
    private static Logger log() {
        return LoggerFactory.getLogger(BenchRunner.class);
    }

    private static String usage(List<Suite> all) {
        return BenchOptions.USAGE.formatted(String.join(", ", all.stream().map(Suite::name).toList()));
    }

    /** Facts that qualify every figure of the run. */
    static Map<String, Object> environment(BenchEnvironment env) {
        Map<String, Object> m = new LinkedHashMap<>();
        var os = ManagementFactory.getOperatingSystemMXBean();
        m.put("host", hostName());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            m.put("memory_gb", Math.round(sun.getTotalMemorySize() / 1e8) / 10.0);
        }
        m.put("load_average_1m", os.getSystemLoadAverage());
        m.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("kafka", env.brokerDescription());
        m.put("schema_registry", env.registryUrl());
        return m;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
