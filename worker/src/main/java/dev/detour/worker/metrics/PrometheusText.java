package dev.detour.worker.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Renders a Dropwizard registry in the Prometheus text exposition format (version 0.0.4). */
public final class PrometheusText {
    private PrometheusText() {}

    public static String render(MetricRegistry registry) {
        StringBuilder out = new StringBuilder(4096);
        Set<String> typed = new HashSet<>();
        for (Map.Entry<String, Gauge> e : registry.getGauges().entrySet()) {
            Object v = e.getValue().getValue();
            if (v instanceof Number n) {
                type(out, typed, MetricName.base(e.getKey()), "gauge");
                sample(out, MetricName.base(e.getKey()), MetricName.labels(e.getKey()), "", n.doubleValue());
            }
        }
        for (Map.Entry<String, Counter> e : registry.getCounters().entrySet()) {
            String base = MetricName.base(e.getKey()) + "_total";
            type(out, typed, base, "counter");
            sample(out, base, MetricName.labels(e.getKey()), "", e.getValue().getCount());
        }
        for (Map.Entry<String, Meter> e : registry.getMeters().entrySet()) {
            String base = MetricName.base(e.getKey()) + "_total";
            type(out, typed, base, "counter");
            sample(out, base, MetricName.labels(e.getKey()), "", e.getValue().getCount());
        }
        for (Map.Entry<String, Timer> e : registry.getTimers().entrySet()) {
            String base = MetricName.base(e.getKey()) + "_seconds";
            String labels = MetricName.labels(e.getKey());
            type(out, typed, base, "summary");
            Snapshot s = e.getValue().getSnapshot();
            sample(out, base, labels, "quantile=\"0.5\"", s.getMedian() / 1e9);
            sample(out, base, labels, "quantile=\"0.99\"", s.get99thPercentile() / 1e9);
            sample(out, base + "_count", labels, "", e.getValue().getCount());
        }
        return out.toString();
    }

    private static void type(StringBuilder out, Set<String> typed, String base, String type) {
        if (typed.add(base)) {
            out.append("# TYPE ").append(base).append(' ').append(type).append('\n');
        }
    }

    private static void sample(StringBuilder out, String name, String labels, String extra, double value) {
        out.append(name);
        if (!labels.isEmpty() || !extra.isEmpty()) {
            out.append('{').append(labels);
            if (!labels.isEmpty() && !extra.isEmpty()) {
                out.append(',');
            }
            out.append(extra).append('}');
        }
        out.append(' ');
        if (value == Math.rint(value) && !Double.isInfinite(value)) {
            out.append((long) value);
        } else {
            out.append(value);
        }
        out.append('\n');
    }
}
