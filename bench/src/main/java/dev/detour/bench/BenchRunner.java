package dev.detour.bench;

import dev.detour.bench.internal.SuiteProcess;
import dev.detour.bench.report.MarkdownReport;
import dev.detour.bench.report.ResultsFile;
import dev.detour.bench.report.SuiteReport;
import dev.detour.bench.suites.CostUnderFaultTrace;
import dev.detour.bench.suites.FailoverReaction;
import dev.detour.bench.suites.GatewayOverhead;
import dev.detour.bench.suites.PassthroughLadder;
import dev.detour.bench.suites.PipelineOverhead;
import dev.detour.bench.suites.WorkerConcurrencySweep;
import dev.detour.core.ProcessDefaults;
import dev.detour.core.ScratchDirectory;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code detour bench [suite...] [--quick] [--out bench-results.json]}: runs the suites one after the
 * other, each in a bench JVM with a broker and registry of its own (full mode) or all in this one on
 * one broker ({@code --quick} or {@code --jvm shared}), prints a Markdown table per suite and writes
 * the JSON file. A suite that fails is reported and the others still run; the exit code is then 1.
 */
public final class BenchRunner {
    private BenchRunner() {}

    /** Every suite, in the order {@code all} runs them. */
    public static List<Suite> suites() {
        return List.of(new PassthroughLadder(), new PipelineOverhead(), new WorkerConcurrencySweep(), new FailoverReaction(), new CostUnderFaultTrace(),
                new GatewayOverhead());
    }

    public static void main(String[] args) {
        // A suite's own JVM keeps the class path's configuration, as the run that started it does.
        if (System.getProperty("logback.configurationFile") == null && !List.of(args).contains(BenchOptions.PART_OF_RUN)) {
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
        if (options.jvm() == BenchOptions.Jvm.PER_SUITE && options.suites().size() > 1) {
            return runEachInItsOwnJvm(options, out);
        }
        if (options.partOfRun()) {
            SuiteProcess.exitWithParent();
        }
        Instant started = Instant.now();
        List<SuiteReport> reports = new ArrayList<>();
        boolean failed = false;
        if (!options.partOfRun()) {
            header(out, options, started);
        }
        try (BenchEnvironment env = BenchEnvironment.start(options.registry(), options.broker())) {
            Map<String, Object> broker = brokerFacts(env);
            Map<String, Object> facts = hostFacts();
            facts.putAll(broker);
            // A suite of a per-suite run shows only what differs from the run's header: its broker and registry.
            printFacts(out, options.partOfRun() ? broker : facts);
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
            ResultsFile.write(options.out(), new ResultsFile.Run(started, mode(options), facts, reports));
            if (!options.partOfRun()) {
                out.println("results written to " + options.out().toAbsolutePath());
            }
        } catch (Exception e) {
            log().error("bench run failed", e);
            out.println("detour bench: " + e.getMessage());
            return 1;
        }
        return failed ? 1 : 0;
    }

    /**
     * Each suite in a child JVM running this class with the same options for that suite alone; their
     * tables are relayed as they come, their results files merged into one, each suite with the
     * environment (broker, registry) it ran on.
     */
    private static int runEachInItsOwnJvm(BenchOptions options, PrintStream out) {
        Instant started = Instant.now();
        header(out, options, started);
        Map<String, Object> facts = hostFacts();
        facts.put("suites_run", "each in a bench JVM of its own, with its own embedded broker and registry (--jvm per-suite)");
        printFacts(out, facts);
        List<Object> suites = new ArrayList<>();
        boolean failed = false;
        try {
            try (ScratchDirectory dir = ScratchDirectory.create("detour-bench-suites")) {
                for (String name : options.suites()) {
                    Path file = dir.path().resolve(name + ".json");
                    List<String> args = new ArrayList<>(List.of(name, "--out", file.toString(), "--registry",
                            options.registry(), "--broker", options.broker().option(), "--jvm", "shared",
                            BenchOptions.PART_OF_RUN));
                    if (options.quick()) {
                        args.add("--quick");
                    }
                    int exit = SuiteProcess.run(BenchRunner.class, args, out);
                    failed |= exit != 0;
                    if (Files.exists(file)) {
                        Map<?, ?> results = ResultsFile.read(file);
                        for (Object suite : (List<?>) results.get("suites")) {
                            Map<Object, Object> entry = new LinkedHashMap<>((Map<?, ?>) suite);
                            entry.put("environment", results.get("environment"));
                            suites.add(entry);
                        }
                    } else {
                        SuiteReport report = new SuiteReport.Builder(name, "FAILED", "error")
                                .row("its JVM exited with " + exit + " and wrote no results")
                                .note("the suite's own JVM exited with " + exit + " before writing its results; see the log")
                                .build();
                        suites.add(report);
                        out.println(MarkdownReport.render(report));
                    }
                }
            }
            ResultsFile.write(options.out(), new ResultsFile.Run(started, mode(options), facts, suites));
            out.println("results written to " + options.out().toAbsolutePath());
        } catch (IOException e) {
            log().error("bench run failed", e);
            out.println("detour bench: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("detour bench: interrupted");
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

    private static String mode(BenchOptions options) {
        return options.quick() ? "quick" : "full";
    }

    private static void header(PrintStream out, BenchOptions options, Instant started) {
        out.println("## detour bench (" + mode(options) + ") " + started);
        out.println();
    }

    private static void printFacts(PrintStream out, Map<String, Object> facts) {
        facts.forEach((k, v) -> out.println("- " + k + ": " + v));
        out.println();
    }

    /** Where the run's (or the suite's) broker and registry are. */
    static Map<String, Object> brokerFacts(BenchEnvironment env) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kafka", env.brokerDescription());
        m.put("schema_registry", env.registryUrl());
        return m;
    }

    /** The machine and this JVM. */
    static Map<String, Object> hostFacts() {
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
