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
 * @param jvm whether each suite of a run gets a bench JVM, broker and registry of its own
 * @param partOfRun this JVM runs one suite for a parent run ({@link Jvm#PER_SUITE}): no run header
 * @param help print usage and run nothing
 */
public record BenchOptions(List<String> suites, boolean quick, Path out, String registry, Broker broker,
                           Jvm jvm, boolean partOfRun, boolean help) {

    /** Internal: marks the command line of a suite's own JVM. */
    public static final String PART_OF_RUN = "--part-of-run";

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

        /** The value {@code --broker} takes for this. */
        public String option() {
            return this == PROCESS ? "process" : "in-process";
        }
    }

    /** Where the suites of one run execute. */
    public enum Jvm {
        /**
         * Each suite in a bench JVM of its own, with its own embedded broker and registry, one after the
         * other: a suite starts from the state a deployment's processes are in, not from the heap
         * sizing, JIT profile and broker state the suite before it left (full mode's default).
         */
        PER_SUITE,
        /** Every suite in this JVM, on one broker (quick mode's default: a few seconds per suite). */
        SHARED;

        static Jvm parse(String value) {
            return switch (value) {
                case "per-suite" -> PER_SUITE;
                case "shared" -> SHARED;
                default -> throw new IllegalArgumentException("--jvm is per-suite or shared, not '" + value + "'");
            };
        }
    }

    public static final String USAGE = """
            usage: detour bench [SUITE...|all] [--quick] [--out FILE] [--registry server|mock|URL]
                               [--broker process|in-process] [--jvm per-suite|shared]
              suites: %s
              --quick     a few seconds per suite; checks that every suite runs and produces numbers
              --out FILE  results as JSON (default bench-results.json)
              --registry  schema registry: the project's own server on the bench broker (default),
                          an in-memory mock, or a URL; SCHEMA_REGISTRY_URL wins when set
              --broker    the embedded broker in its own JVM (default) or in the bench's
              --jvm       each suite in a bench JVM with a broker of its own (default, except
                          with --quick), or every suite in this one
            Runs on an embedded broker unless KAFKA_BOOTSTRAP_SERVERS is set.""";

    public static BenchOptions parse(String[] args, List<String> known) {
        List<String> suites = new ArrayList<>();
        boolean quick = false;
        boolean help = false;
        Path out = Path.of("bench-results.json");
        String registry = "server";
        Broker broker = Broker.PROCESS;
        Jvm jvm = null;
        boolean partOfRun = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick", "-q" -> quick = true;
                case "--help", "-h" -> help = true;
                case "--out", "-o" -> out = Path.of(value(args, ++i, a));
                case "--registry" -> registry = value(args, ++i, a);
                case "--broker" -> broker = Broker.parse(value(args, ++i, a));
                case "--jvm" -> jvm = Jvm.parse(value(args, ++i, a));
                case PART_OF_RUN -> partOfRun = true;
                default -> {
                    if (a.startsWith("--out=")) {
                        out = Path.of(a.substring("--out=".length()));
                    } else if (a.startsWith("--registry=")) {
                        registry = a.substring("--registry=".length());
                    } else if (a.startsWith("--broker=")) {
                        broker = Broker.parse(a.substring("--broker=".length()));
                    } else if (a.startsWith("--jvm=")) {
                        jvm = Jvm.parse(a.substring("--jvm=".length()));
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
        if (jvm == null) {
            jvm = quick ? Jvm.SHARED : Jvm.PER_SUITE;
        }
        return new BenchOptions(suites.stream().distinct().toList(), quick, out, registry, broker, jvm, partOfRun, help);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
