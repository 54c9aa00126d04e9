package dev.detour.worker.metrics;

/**
 * Metric names carry Prometheus-style labels inside the Dropwizard name,
 * {@code detour_worker_call_latency{deployment="openai/gpt-4o"}}, so one registry feeds both JMX
 * and the Prometheus endpoint. Label values are provider, deployment and error-class names from the
 * catalog: never keys, never URLs.
 */
public final class MetricName {
    private MetricName() {}

    public static String of(String name, String... labelPairs) {
        if (labelPairs.length == 0) {
            return name;
        }
        if (labelPairs.length % 2 != 0) {
            throw new IllegalArgumentException("label names and values come in pairs");
        }
        StringBuilder sb = new StringBuilder(name).append('{');
        for (int i = 0; i < labelPairs.length; i += 2) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(labelPairs[i]).append("=\"").append(escape(labelPairs[i + 1])).append('"');
        }
        return sb.append('}').toString();
    }

    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** The part before the labels. */
    static String base(String name) {
        int i = name.indexOf('{');
        return i < 0 ? name : name.substring(0, i);
    }

    /** The labels without braces, or "" when there are none. */
    static String labels(String name) {
        int i = name.indexOf('{');
        return i < 0 ? "" : name.substring(i + 1, name.length() - 1);
    }
}
