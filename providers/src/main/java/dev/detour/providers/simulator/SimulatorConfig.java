package dev.detour.providers.simulator;

import java.time.Clock;
import java.util.Map;

/**
 * Start-up settings of a {@link ProviderSimulator}.
 *
 * @param host    interface to bind (loopback by default: the simulator accepts any request)
 * @param port    0 picks a free port
 * @param seed    randomness of every provider without its own seed
 * @param scripts initial scripts by provider name; providers not named behave as
 *                {@link ProviderScript#healthy()}
 * @param clock   time source of token buckets and windows (tests may pass a fixed clock so a bucket
 *                never refills)
 */
public record SimulatorConfig(String host, int port, long seed, Map<String, ProviderScript> scripts, Clock clock) {

    public SimulatorConfig {
        host = host == null ? "127.0.0.1" : host;
        scripts = scripts == null ? Map.of() : Map.copyOf(scripts);
        clock = clock == null ? Clock.systemUTC() : clock;
    }

    public static SimulatorConfig defaults() {
        return new SimulatorConfig("127.0.0.1", 0, 42L, Map.of(), Clock.systemUTC());
    }

    public SimulatorConfig withPort(int p) {
        return new SimulatorConfig(host, p, seed, scripts, clock);
    }

    public SimulatorConfig withSeed(long s) {
        return new SimulatorConfig(host, port, s, scripts, clock);
    }

    public SimulatorConfig withClock(Clock c) {
        return new SimulatorConfig(host, port, seed, scripts, c);
    }

    public SimulatorConfig withScripts(Map<String, ProviderScript> s) {
        return new SimulatorConfig(host, port, seed, s, clock);
    }
}
