package dev.detour.cli.demo;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The figures a demo run ends with, as ordered label/value rows (printed as a table and in the report). */
public record DemoSummary(String headline, Map<String, String> rows) {

    public static DemoSummary of(DemoStats stats, long ledgerSpendMicros, long ledgerBaselineMicros, long durationMs) {
        Map<String, String> rows = new LinkedHashMap<>();
        int finished = stats.finishedCount();
        Histogram latency = stats.latencies();
        rows.put("jobs submitted", Integer.toString(stats.submittedCount()));
        rows.put("jobs finished", Integer.toString(finished));
        rows.put("success rate", finished == 0 ? "-" : String.format("%.2f%%", 100.0 * stats.succeededCount() / finished));
        rows.put("failed jobs", Integer.toString(stats.failedCount()));
        stats.samples().stream().filter(js -> !js.succeeded())
                .collect(java.util.stream.Collectors.groupingBy(js -> String.valueOf(js.failureReason()), java.util.TreeMap::new,
                        java.util.stream.Collectors.counting()))
                .forEach((reason, n) -> rows.put("  failed: " + reason.toLowerCase(), Long.toString(n)));
        rows.put("jobs that failed over", Integer.toString(stats.failoverCount()));
        rows.put("end-to-end latency p50", latency.getTotalCount() == 0 ? "-" : latency.getValueAtPercentile(50) + " ms");
        rows.put("end-to-end latency p99", latency.getTotalCount() == 0 ? "-" : latency.getValueAtPercentile(99) + " ms");
        stats.spendByProvider().forEach((p, micros) -> rows.put("spend " + p, Money.usd(micros)));
        rows.put("spend total (results)", Money.usd(stats.totalCostMicros()));
        if (ledgerSpendMicros >= 0) {
            rows.put("spend total (ledger)", Money.usd(ledgerSpendMicros));
            rows.put("baseline at asked-for models (ledger)", Money.usd(ledgerBaselineMicros));
            long saved = ledgerBaselineMicros - ledgerSpendMicros;
            rows.put("savings", Money.usd(saved) + (ledgerBaselineMicros > 0
                    ? String.format(" (%.1f%%)", 100.0 * saved / ledgerBaselineMicros) : ""));
        }
        String headline = String.format("%d jobs in %.0f s: %.2f%% succeeded, %d failed over",
                finished, durationMs / 1000.0, finished == 0 ? 0 : 100.0 * stats.succeededCount() / finished, stats.failoverCount());
        return new DemoSummary(headline, rows);
    }

    public String asTable() {
        int width = rows.keySet().stream().mapToInt(String::length).max().orElse(10);
        StringBuilder sb = new StringBuilder();
        String rule = "+" + "-".repeat(width + 2) + "+" + "-".repeat(24) + "+\n";
        sb.append(rule);
        rows.forEach((k, v) -> sb.append(String.format("| %-" + width + "s | %22s |%n", k, v)));
        sb.append(rule);
        return sb.toString();
    }
}
