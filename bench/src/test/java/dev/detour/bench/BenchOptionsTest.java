package dev.detour.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
    static final List<String> KNOWN = List.of("passthrough", "overhead", "failover");

    @Test
    void defaultsRunEverySuiteInFullMode() {
        BenchOptions o = BenchOptions.parse(new String[0], KNOWN);
        assertThat(o.suites()).isEqualTo(KNOWN);
        assertThat(o.quick()).isFalse();
        assertThat(o.out()).isEqualTo(Path.of("bench-results.json"));
        assertThat(o.registry()).isEqualTo("server");
        assertThat(o.broker()).isEqualTo(BenchOptions.Broker.PROCESS);
    }

    @Test
    void theBrokerRunsInItsOwnProcessOrInTheBenchs() {
        assertThat(BenchOptions.parse(new String[] {"--broker", "in-process"}, KNOWN).broker())
                .isEqualTo(BenchOptions.Broker.IN_PROCESS);
        assertThat(BenchOptions.parse(new String[] {"--broker=process"}, KNOWN).broker())
                .isEqualTo(BenchOptions.Broker.PROCESS);
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--broker", "docker"}, KNOWN))
                .hasMessageContaining("--broker is process or in-process, not 'docker'");
    }

    @Test
    void aFullRunGivesEachSuiteItsOwnJvmAQuickOneSharesOne() {
        assertThat(BenchOptions.parse(new String[0], KNOWN).jvm()).isEqualTo(BenchOptions.Jvm.PER_SUITE);
        assertThat(BenchOptions.parse(new String[] {"--quick"}, KNOWN).jvm()).isEqualTo(BenchOptions.Jvm.SHARED);
        assertThat(BenchOptions.parse(new String[] {"--jvm", "shared"}, KNOWN).jvm()).isEqualTo(BenchOptions.Jvm.SHARED);
        assertThat(BenchOptions.parse(new String[] {"--quick", "--jvm=per-suite"}, KNOWN).jvm())
                .isEqualTo(BenchOptions.Jvm.PER_SUITE);
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--jvm", "forked"}, KNOWN))
                .hasMessageContaining("--jvm is per-suite or shared, not 'forked'");
        assertThat(BenchOptions.parse(new String[0], KNOWN).partOfRun()).isFalse();
        assertThat(BenchOptions.parse(new String[] {BenchOptions.PART_OF_RUN}, KNOWN).partOfRun()).isTrue();
    }

    @Test
    void suitesQuickOutAndRegistry() {
        BenchOptions o = BenchOptions.parse(new String[] {"failover", "passthrough", "--quick", "--out=r.json",
                "--registry", "mock"}, KNOWN);
        assertThat(o.suites()).containsExactly("failover", "passthrough");
        assertThat(o.quick()).isTrue();
        assertThat(o.out()).isEqualTo(Path.of("r.json"));
        assertThat(o.registry()).isEqualTo("mock");
    }

    @Test
    void allMeansEverySuiteOnce() {
        assertThat(BenchOptions.parse(new String[] {"overhead", "all"}, KNOWN).suites())
                .containsExactly("overhead", "passthrough", "failover");
    }

    @Test
    void unknownInputIsRefused() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"nope"}, KNOWN))
                .hasMessageContaining("unknown suite 'nope'");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--fast"}, KNOWN))
                .hasMessageContaining("unknown option --fast");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--out"}, KNOWN))
                .hasMessageContaining("--out needs a value");
    }
}
