package dev.detour.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command line of {@code detour bench}, parsed once.
 *
 * @param suites suite names to run, in order
 * @param quick a few seconds per suite, numbers only (CI)
 * @param out where bench-results.json goes
 * @param registry {@code server} (the project's registry, default), {@code mock}, or a registry URL
 * @param broker where the embedded broker runs (ignored when KAFKA_BOOTSTRAP_SERVERS names a cluster)
 * @param help print usage and run nothing
 */
public record BenchOptions(List<String> suites, boolean quick, Path out, String registry, Broker broker,
                           boolean help) {

    /** Where the embedded broker runs. */
    public enum Broker {
        /** Its own JVM, as in a deployment (the default). */
        PROCESS,
        /** The bench's JVM, as in the project's integration tests. */
        IN_PROCESS;

        static Broker parse(String value) {
            return switch (value) {
                case "process" -> PROCESS;
                case "in-process" -> IN_PROCESS;
                default -> throw new IllegalArgumentException("--broker is process or in-process, not '" + value + "'");
            };
        }
    }

    public static final String USAGE = """
            usage: detour bench [SUITE...|all] [--quick] [--out FILE] [--registry server|mock|URL]
                               [--broker process|in-process]
              suites: %s
              --quick     a few seconds per suite; checks that every suite runs and produces numbers
              --out FILE  results as JSON (default bench-results.json)
              --registry  schema registry: the project's own server on the bench broker (default),
                          an in-memory mock, or a URL; SCHEMA_REGISTRY_URL wins when set
              --broker    the embedded broker in its own JVM (default) or in the bench's
            Runs on an embedded broker unless KAFKA_BOOTSTRAP_SERVERS is set.""";

    public static BenchOptions parse(String[] args, List<String> known) {
        List<String> suites = new ArrayList<>();
        boolean quick = false;
        boolean help = false;
        Path out = Path.of("bench-results.json");
        String registry = "server";
        Broker broker = Broker.PROCESS;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick", "-q" -> quick = true;
                case "--help", "-h" -> help = true;
                case "--out", "-o" -> out = Path.of(value(args, ++i, a));
                case "--registry" -> registry = value(args, ++i, a);
                case "--broker" -> broker = Broker.parse(value(args, ++i, a));
                default -> {
                    if (a.startsWith("--out=")) {
                        out = Path.of(a.substring("--out=".length()));
                    } else if (a.startsWith("--registry=")) {
                        registry = a.substring("--registry=".length());
                    } else if (a.startsWith("--broker=")) {
                        broker = Broker.parse(a.substring("--broker=".length()));
                    } else if (a.startsWith("-")) {
                        throw new IllegalArgumentException("unknown option " + a);
                    } else if (a.equals("all")) {
                        suites.addAll(known);
                    } else if (known.contains(a)) {
                        suites.add(a);
                    } else {
                        throw new IllegalArgumentException("unknown suite '" + a + "' (known: " + String.join(", ", known) + ", all)");
                    }
                }
            }
        }
        if (suites.isEmpty()) {
            suites.addAll(known);
        }
        return new BenchOptions(suites.stream().distinct().toList(), quick, out, registry, broker, help);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
