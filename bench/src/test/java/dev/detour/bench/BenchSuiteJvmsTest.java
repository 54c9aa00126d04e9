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
 * {@code --jvm per-suite}: two quick suites, each in a bench JVM of its own with its own broker; their
 * tables reach this run's output and their results one file, in order.
 */
class BenchSuiteJvmsTest {

    @Test
    void eachSuiteRunsOnItsOwnBrokerAndTheResultsAreMerged(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench-results.json");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int exit = BenchRunner.run(new String[] {"passthrough", "overhead", "--quick", "--jvm", "per-suite",
                "--registry", "mock", "--out", json.toString()}, new PrintStream(buffer, true, StandardCharsets.UTF_8));
        String stdout = buffer.toString(StandardCharsets.UTF_8);
        System.out.println(stdout);

        assertThat(exit).as(stdout).isZero();
        assertThat(stdout).contains("### passthrough:").contains("### overhead:").contains("results written to");
        Map<?, ?> results = ResultsFile.read(json);
        assertThat(results.get("mode")).isEqualTo("quick");
        assertThat((String) ((Map<?, ?>) results.get("environment")).get("suites_run")).contains("its own");
        List<?> suites = (List<?>) results.get("suites");
        assertThat(suites.stream().map(s -> ((Map<?, ?>) s).get("suite")).toList())
                .isEqualTo(List.of("passthrough", "overhead"));
        List<Object> brokers = suites.stream()
                .map(s -> ((Map<?, ?>) ((Map<?, ?>) s).get("environment")).get("kafka")).map(Object.class::cast).toList();
        assertThat(brokers).doesNotContainNull().doesNotHaveDuplicates();
        for (Object s : suites) {
            assertThat((Map<?, ?>) ((Map<?, ?>) s).get("figures")).as("figures of %s", ((Map<?, ?>) s).get("suite")).isNotEmpty();
        }
    }
}
