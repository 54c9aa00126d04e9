package dev.detour.bench.internal;

import dev.detour.providers.simulator.ProviderScript;
import dev.detour.providers.simulator.ProviderSimulator;
import dev.detour.providers.simulator.SimulatorConfig;
import dev.detour.schema.ApiFamily;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** The provider simulator of a suite, and its HTTP control API (what an operator or a chaos tool uses). */
public final class Simulator implements AutoCloseable {
    private final ProviderSimulator simulator;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Simulator(ProviderSimulator simulator) {
        this.simulator = simulator;
    }

    public static Simulator start(long seed) {
        return new Simulator(ProviderSimulator.start(new SimulatorConfig("127.0.0.1", 0, seed, Map.of(), Clock.systemUTC())));
    }

    public ProviderSimulator simulator() {
        return simulator;
    }

    public String baseUrl(String provider) {
        return simulator.baseUrlFor(provider, ApiFamily.OPENAI_COMPATIBLE);
    }

    /** Installs a script in process (set-up between runs). */
    public void script(String provider, ProviderScript script) {
        simulator.script(provider, script);
    }

    /** Installs a script through the control API. */
    public void put(String provider, ProviderScript script) throws IOException, InterruptedException {
        String body = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(script);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(control(provider))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).header("content-type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("simulator refused the script for " + provider + ": " + r.body());
        }
    }

    private URI control(String provider) {
        return URI.create("http://127.0.0.1:" + simulator.port() + "/_sim/providers/" + provider + "/script");
    }

    @Override
    public void close() {
        simulator.close();
    }
}
