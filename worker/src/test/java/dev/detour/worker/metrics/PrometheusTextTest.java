package dev.detour.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.detour.schema.ErrorClass;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void rendersGaugesCountersAndTimersWithLabels() {
        WorkerMetrics metrics = new WorkerMetrics(new MetricRegistry());
        metrics.gauges(() -> 7, () -> 9, () -> 0);
        metrics.call("acme/small", 120, null);
        metrics.call("acme/small", 80, ErrorClass.TIMEOUT);
        metrics.retried("acme/small");

        String text = PrometheusText.render(metrics.registry());
        assertThat(text)
                .contains("# TYPE detour_worker_calls_in_flight gauge\ndetour_worker_calls_in_flight 7\n")
                .contains("detour_worker_calls_in_flight_peak 9\n")
                .contains("detour_worker_call_latency_seconds_count{deployment=\"acme/small\"} 2\n")
                .contains("detour_worker_call_latency_seconds{deployment=\"acme/small\",quantile=\"0.99\"}")
                .contains("detour_worker_call_errors_total{deployment=\"acme/small\",class=\"TIMEOUT\"} 1\n")
                .contains("detour_worker_same_deployment_retries_total{deployment=\"acme/small\"} 1\n");
        assertThat(text.lines().filter(l -> l.startsWith("# TYPE detour_worker_call_latency_seconds ")).count()).isOne();
    }

    @Test
    void servesTheTextOverHttp() throws Exception {
        WorkerMetrics metrics = new WorkerMetrics(new MetricRegistry());
        metrics.gauges(() -> 3, () -> 3, () -> 1);
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(metrics.registry(), 0);
             HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + endpoint.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("detour_worker_paused_partitions 1");
        }
    }

    @Test
    void labelValuesAreEscaped() {
        assertThat(MetricName.of("m", "deployment", "a\"b")).isEqualTo("m{deployment=\"a\\\"b\"}");
    }
}
