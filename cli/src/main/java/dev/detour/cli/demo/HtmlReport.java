package dev.detour.cli.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;

/**
 * A single self-contained HTML page (inline SVG and CSS, no scripts, no network) with the run's
 * charts: traffic share per provider over time with the fault windows marked, latency over time,
 * and spend by provider.
 */
public final class HtmlReport {
    private static final String[] COLORS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"};
    private static final int W = 900;
    private static final int H = 260;
    private static final int PAD_L = 50;
    private static final int PAD_B = 30;
    private static final int PAD_T = 20;

    private HtmlReport() {}

    public static String render(DemoSummary summary, DemoStats stats, List<Phase> phases, long startMs, long bucketMs) {
        List<JobSample> samples = stats.samples();
        long endMs = samples.stream().mapToLong(JobSample::completedAtMs).max().orElse(startMs + bucketMs);
        int buckets = (int) Math.max(1, (endMs - startMs + bucketMs - 1) / bucketMs);
        List<String> providers = new ArrayList<>(new TreeSet<>(stats.spendByProvider().keySet()));
        samples.forEach(s -> s.attempts().forEach(a -> { if (!providers.contains(a.provider())) providers.add(a.provider()); }));

        double[][] share = new double[providers.size()][buckets];
        int[] attemptsPerBucket = new int[buckets];
        for (JobSample s : samples) {
            for (JobSample.Attempt a : s.attempts()) {
                int b = (int) Math.min(buckets - 1, Math.max(0, (a.startedAtMs() - startMs) / bucketMs));
                share[providers.indexOf(a.provider())][b]++;
                attemptsPerBucket[b]++;
            }
        }
        for (int b = 0; b < buckets; b++) {
            for (int p = 0; p < providers.size(); p++) {
                share[p][b] = attemptsPerBucket[b] == 0 ? 0 : share[p][b] / attemptsPerBucket[b];
            }
        }
        double[] p50 = new double[buckets];
        double[] p99 = new double[buckets];
        for (int b = 0; b < buckets; b++) {
            Histogram h = new Histogram(3_600_000L, 2);
            long from = startMs + b * bucketMs;
            long to = from + bucketMs;
            samples.stream().filter(s -> s.completedAtMs() >= from && s.completedAtMs() < to)
                    .forEach(s -> h.recordValue(Math.min(s.latencyMs(), 3_600_000L)));
            p50[b] = h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(50);
            p99[b] = h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(99);
        }

        StringBuilder html = new StringBuilder();
        html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Detour demo report</title><style>")
                .append("body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:32px;color:#222;max-width:980px}")
                .append("h1{margin-bottom:4px}.sub{color:#666;margin-top:0}table{border-collapse:collapse;margin:12px 0}")
                .append("td,th{border-bottom:1px solid #ddd;padding:4px 12px;text-align:right}td:first-child,th:first-child{text-align:left}")
                .append(".legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}")
                .append("svg text{font-size:11px;fill:#444}.card{border:1px solid #e3e3e3;border-radius:8px;padding:12px 16px;margin:18px 0}")
                .append("</style></head><body>");
        html.append("<h1>Detour demo report</h1><p class=\"sub\">").append(esc(summary.headline())).append("</p>");
        html.append("<div class=\"card\"><h2>Summary</h2><table>");
        for (var row : summary.rows().entrySet()) {
            html.append("<tr><td>").append(esc(row.getKey())).append("</td><td>").append(esc(row.getValue())).append("</td></tr>");
        }
        html.append("</table></div>");

        html.append("<div class=\"card\"><h2>Traffic share per provider</h2><p class=\"sub\">Share of provider calls started in each ")
                .append(bucketMs / 1000).append("-second interval; shaded: the scenario's fault windows.</p>");
        html.append(legend(providers));
        html.append(stackedArea(share, providers, phases, buckets, bucketMs));
        html.append("</div>");

        html.append("<div class=\"card\"><h2>End-to-end latency</h2><p class=\"sub\">Publish to result consumed, p50 and p99 of the jobs completed in each interval (ms).</p>");
        html.append("<div class=\"legend\"><span><i class=\"sw\" style=\"background:#4e79a7\"></i>p50</span><span><i class=\"sw\" style=\"background:#e15759\"></i>p99</span></div>");
        html.append(lines(p50, p99, phases, buckets, bucketMs));
        html.append("</div>");

        html.append("<div class=\"card\"><h2>Spend by provider</h2>");
        html.append(bars(stats.spendByProvider(), providers));
        html.append("</div>");
        html.append("<p class=\"sub\">Generated by <code>detour demo</code>. Self-contained: no network needed to view.</p>");
        html.append("</body></html>\n");
        return html.toString();
    }

    private static String legend(List<String> providers) {
        StringBuilder sb = new StringBuilder("<div class=\"legend\">");
        for (int i = 0; i < providers.size(); i++) {
            sb.append("<span><i class=\"sw\" style=\"background:").append(color(i)).append("\"></i>").append(esc(providers.get(i))).append("</span>");
        }
        return sb.append("</div>").toString();
    }

    private static String frame(List<Phase> phases, int buckets, long bucketMs, String yTop, String yBottom) {
        StringBuilder sb = new StringBuilder();
        double plotW = W - PAD_L - 10;
        double totalMs = (double) buckets * bucketMs;
        for (Phase ph : phases) {
            if (ph.kind().equals("steady") || ph.kind().equals("recovery")) {
                continue;
            }
            double x0 = PAD_L + plotW * Math.min(1, ph.fromMs() / totalMs);
            double x1 = PAD_L + plotW * Math.min(1, ph.toMs() / totalMs);
            String fill = ph.kind().equals("outage") ? "#e15759" : "#f28e2b";
            sb.append(String.format("<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" opacity=\"0.12\"/>",
                    x0, PAD_T, Math.max(0, x1 - x0), H - PAD_T - PAD_B, fill));
            sb.append(String.format("<text x=\"%.1f\" y=\"%d\">%s</text>", x0 + 3, PAD_T - 6, esc(ph.label())));
        }
        sb.append(String.format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>", PAD_L, H - PAD_B, W - 10, H - PAD_B));
        sb.append(String.format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>", PAD_L, PAD_T, PAD_L, H - PAD_B));
        sb.append(String.format("<text x=\"4\" y=\"%d\">%s</text><text x=\"4\" y=\"%d\">%s</text>", PAD_T + 4, yTop, H - PAD_B, yBottom));
        long seconds = buckets * bucketMs / 1000;
        for (long s = 0; s <= seconds; s += Math.max(5, seconds / 10 / 5 * 5)) {
            double x = PAD_L + plotW * (s * 1000.0 / totalMs);
            sb.append(String.format("<text x=\"%.1f\" y=\"%d\">%ds</text>", x - 6, H - 10, s));
        }
        return sb.toString();
    }

    private static String stackedArea(double[][] share, List<String> providers, List<Phase> phases, int buckets, long bucketMs) {
        StringBuilder sb = new StringBuilder(String.format("<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">", W, H, W, H));
        double plotW = W - PAD_L - 10;
        double plotH = H - PAD_T - PAD_B;
        double[] base = new double[buckets];
        for (int p = 0; p < providers.size(); p++) {
            StringBuilder top = new StringBuilder();
            StringBuilder bottom = new StringBuilder();
            for (int b = 0; b < buckets; b++) {
                double x = PAD_L + plotW * (b + 0.5) / buckets;
                top.append(String.format("%.1f,%.1f ", x, PAD_T + plotH * (1 - base[b] - share[p][b])));
            }
            for (int b = buckets - 1; b >= 0; b--) {
                double x = PAD_L + plotW * (b + 0.5) / buckets;
                bottom.append(String.format("%.1f,%.1f ", x, PAD_T + plotH * (1 - base[b])));
                base[b] += share[p][b];
            }
            sb.append("<polygon points=\"").append(top).append(bottom).append("\" fill=\"").append(color(p)).append("\" opacity=\"0.85\"/>");
        }
        sb.append(frame(phases, buckets, bucketMs, "100%", "0%"));
        return sb.append("</svg>").toString();
    }

    private static String lines(double[] p50, double[] p99, List<Phase> phases, int buckets, long bucketMs) {
        double max = 1;
        for (double v : p99) {
            if (!Double.isNaN(v)) {
                max = Math.max(max, v);
            }
        }
        StringBuilder sb = new StringBuilder(String.format("<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">", W, H, W, H));
        sb.append(polyline(p50, max, buckets, "#4e79a7")).append(polyline(p99, max, buckets, "#e15759"));
        sb.append(frame(phases, buckets, bucketMs, String.format("%.0f", max), "0"));
        return sb.append("</svg>").toString();
    }

    private static String polyline(double[] values, double max, int buckets, String color) {
        double plotW = W - PAD_L - 10;
        double plotH = H - PAD_T - PAD_B;
        StringBuilder pts = new StringBuilder();
        for (int b = 0; b < buckets; b++) {
            if (Double.isNaN(values[b])) {
                continue;
            }
            double x = PAD_L + plotW * (b + 0.5) / buckets;
            pts.append(String.format("%.1f,%.1f ", x, PAD_T + plotH * (1 - values[b] / max)));
        }
        return "<polyline points=\"" + pts + "\" fill=\"none\" stroke=\"" + color + "\" stroke-width=\"2\"/>";
    }

    private static String bars(Map<String, Long> spend, List<String> providers) {
        long max = Math.max(1, spend.values().stream().mapToLong(Long::longValue).max().orElse(1));
        int rowH = 26;
        Map<String, Long> ordered = new LinkedHashMap<>(spend);
        StringBuilder sb = new StringBuilder(String.format("<svg width=\"%d\" height=\"%d\">", W, rowH * ordered.size() + 10));
        int i = 0;
        for (var e : ordered.entrySet()) {
            double w = (W - 260) * (double) e.getValue() / max;
            int y = 5 + i * rowH;
            sb.append(String.format("<text x=\"0\" y=\"%d\">%s</text>", y + 15, esc(e.getKey())));
            sb.append(String.format("<rect x=\"110\" y=\"%d\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>", y, Math.max(1, w), color(providers.indexOf(e.getKey()))));
            sb.append(String.format("<text x=\"%.1f\" y=\"%d\">%s</text>", 116 + w, y + 14, Money.usd(e.getValue())));
            i++;
        }
        return sb.append("</svg>").toString();
    }

    private static String color(int i) {
        return COLORS[Math.floorMod(i, COLORS.length)];
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
