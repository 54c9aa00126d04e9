package dev.detour.cli;

import dev.detour.bench.BenchRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code detour bench [suite...] [--quick] [--out FILE]}: the benchmark harness (docs/benchmarks.md). */
@Command(name = "bench", description = "Run benchmark suites (passthrough, overhead, worker-sweep, failover, cost-trace; default all). "
        + "--quick for a short run; prints Markdown tables and writes bench-results.json.")
final class BenchCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return BenchRunner.run(args.toArray(String[]::new));
    }
}
