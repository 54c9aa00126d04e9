package dev.detour.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MarkdownReportTest {

    @Test
    void rendersTableTargetsAndNotes() {
        SuiteReport r = new SuiteReport.Builder("demo", "a demo", "stage", "records/s")
                .row("router", 12345.6)
                .row("a|b", Double.NaN)
                .figure("router.records_per_s", 12345.6)
                .figure("missing", Double.NaN)
                .target(TargetCheck.atLeast("ratio", 0.8, 0.75))
                .target(TargetCheck.atMost("p99 ms", 25, 12))
                .note("measured on a busy machine")
                .table(new SuiteReport.Table("where the time goes", java.util.List.of("hop", "p50"),
                        java.util.List.of(java.util.List.of("router", 1.25))))
                .build()
                .withElapsed(1500);

        String md = MarkdownReport.render(r);

        assertThat(md).contains("### demo: a demo")
                .contains("| stage | records/s |")
                .contains("| router | 12,346 |")
                .contains("| a\\|b | n/a |")
                .contains("| ratio | >= 0.80 | 0.75 | NOT met |")
                .contains("| p99 ms | <= 25.0 | 12.0 | met |")
                .contains("- measured on a busy machine")
                .contains("where the time goes\n\n| hop | p50 |\n|---|---|\n| router | 1.25 |")
                .contains("demo took 1.50 s");
        assertThat(r.figures()).containsOnlyKeys("router.records_per_s");
    }

    @Test
    void notANumberNeverMeetsAnUpperBound() {
        assertThat(TargetCheck.atMost("p99", 25, Double.NaN).met()).isFalse();
        assertThat(TargetCheck.atLeast("rate", 0.8, Double.NaN).met()).isFalse();
    }
}
