package dev.detour.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.bench.report.ResultsFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every suite in quick mode on the runner's own embedded broker and checks that each produced
 * numbers and a table. No timing thresholds: the figures depend on the machine, the targets are
 * reported, not asserted.
 */
class BenchQuickTest {

    @Test
    void everySuiteRunsAndProducesNumbers(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench-results.json");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int exit = BenchRunner.run(new String[] {"all", "--quick", "--registry", "mock", "--out", json.toString()},
                new PrintStream(buffer, true, StandardCharsets.UTF_8));
        String stdout = buffer.toString(StandardCharsets.UTF_8);
        System.out.println(stdout); // the tables, in the test's output file

        assertThat(exit).as(stdout).isZero();
        Map<?, ?> results = ResultsFile.read(json);
        assertThat(results.get("mode")).isEqualTo("quick");
        List<?> suites = (List<?>) results.get("suites");
        List<Object> names = suites.stream().map(s -> ((Map<?, ?>) s).get("suite")).map(Object.class::cast).toList();
        assertThat(names).containsExactlyElementsOf(BenchRunner.suites().stream().map(Suite::name).toList());
        for (Object s : suites) {
            Map<?, ?> suite = (Map<?, ?>) s;
            Map<?, ?> figures = (Map<?, ?>) suite.get("figures");
            assertThat(figures).as("figures of %s", suite.get("suite")).isNotEmpty();
            assertThat(figures.values()).as("figures of %s", suite.get("suite"))
                    .allSatisfy(v -> assertThat(v).isInstanceOf(Number.class));
            assertThat(figures.values().stream().mapToDouble(v -> ((Number) v).doubleValue()).filter(d -> d > 0).count())
                    .as("positive figures of %s", suite.get("suite")).isPositive();
            assertThat((List<?>) suite.get("rows")).isNotEmpty();
            assertThat(stdout).contains("### " + suite.get("suite") + ":");
        }
    }

    @Test
    void unknownSuiteIsAUsageError() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int exit = BenchRunner.run(new String[] {"no-such-suite"}, new PrintStream(buffer, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(2);
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("unknown suite 'no-such-suite'").contains("usage:");
    }
}
