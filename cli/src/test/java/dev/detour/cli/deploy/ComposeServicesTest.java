package dev.detour.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.detour.kafka.EmbeddedKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Detour service of docker-compose.yml, run as a plain process with the command and environment
 * the compose file gives it (env_file included), in the compose start order, on the embedded broker
 * standing in for the kafka service: each must pass its own compose health check (the same port and
 * path), and the one-shot catalog service must exit 0. Host names of services become 127.0.0.1 and
 * every port a free one, consistently across services, as the containers' network would resolve them.
 */
class ComposeServicesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String IMAGE = "detour:latest";

    @TempDir
    Path dir;
    private EmbeddedKafka kafka;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    record Service(String name, List<String> command, Map<String, String> env, List<String> health, Map<String, String> dependsOn) {}

    @Test
    void everyServiceOfTheComposeFileStartsAsAPlainProcessAndBecomesHealthy() throws Exception {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.yml").toFile());
        Map<String, Service> services = new LinkedHashMap<>();
        compose.get("services").fields().forEachRemaining(e -> {
            JsonNode s = e.getValue();
            if (!IMAGE.equals(s.path("image").asText())) {
                return;
            }
            List<String> command = new ArrayList<>();
            s.path("command").forEach(n -> command.add(n.asText()));
            Map<String, String> env = new LinkedHashMap<>();
            if (s.has("env_file")) {
                env.putAll(envFile(ROOT.resolve(s.get("env_file").asText())));
            }
            s.path("environment").fields().forEachRemaining(v -> env.put(v.getKey(), v.getValue().asText()));
            List<String> health = new ArrayList<>();
            s.path("healthcheck").path("test").forEach(n -> health.add(n.asText()));
            Map<String, String> deps = new LinkedHashMap<>();
            s.path("depends_on").fields().forEachRemaining(d -> deps.put(d.getKey(), d.getValue().path("condition").asText()));
            services.put(e.getKey(), new Service(e.getKey(), command, env, health, deps));
        });
        assertThat(services.keySet()).contains("registry", "simulator", "catalog", "router-1", "router-2", "worker-1", "worker-2", "ledger", "gateway");

        // Prometheus scrapes every long-running Detour service that has a metrics endpoint.
        String prometheus = Files.readString(ROOT.resolve("deploy/prometheus/prometheus.yml"));
        for (String s : List.of("router-1", "router-2", "worker-1", "worker-2", "ledger", "registry")) {
            assertThat(prometheus).contains("\"" + s + ":");
        }
        assertThat(ROOT.resolve("deploy/grafana/dashboards/detour.json")).exists();

        kafka = EmbeddedKafka.builder().build().start();
        Map<String, String> addresses = new HashMap<>();
        addresses.put("kafka:9092", kafka.bootstrapServers());
        Map<String, Map<String, Integer>> ports = new HashMap<>();
        services.values().forEach(s -> {
            Map<String, Integer> mine = new HashMap<>();
            s.env().forEach((k, v) -> {
                if (k.endsWith("_PORT")) {
                    mine.put(v, freePort());
                }
            });
            int i = s.command().indexOf("--port");
            if (i >= 0) {
                mine.put(s.command().get(i + 1), freePort());
            }
            mine.forEach((old, now) -> addresses.put(s.name() + ":" + old, "127.0.0.1:" + now));
            ports.put(s.name(), mine);
        });

        Set<String> done = new LinkedHashSet<>();
        while (done.size() < services.size()) {
            Service next = services.values().stream()
                    .filter(s -> !done.contains(s.name()))
                    .filter(s -> s.dependsOn().keySet().stream().allMatch(d -> d.equals("kafka") || done.contains(d)))
                    .findFirst().orElseThrow(() -> new AssertionError("dependency cycle or unknown dependency in " + services.keySet()));
            try {
                start(next, addresses, ports.get(next.name()), services.keySet());
            } catch (org.awaitility.core.ConditionTimeoutException | AssertionError e) {
                Path log = dir.resolve(next.name()).resolve("out.log");
                throw new AssertionError(next.name() + " did not become healthy: " + e.getMessage() + "\n--- its output:\n"
                        + (Files.exists(log) ? Files.readString(log) : ""), e);
            }
            done.add(next.name());
        }
    }

    private void start(Service s, Map<String, String> addresses, Map<String, Integer> ports, Set<String> names) throws Exception {
        Path home = Files.createDirectories(dir.resolve(s.name()));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + home, "-cp", System.getProperty("java.class.path"),
                "dev.detour.cli.Detour"));
        for (String a : s.command()) {
            cmd.add(rewrite(a, addresses, ports, Set.of(), home));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(home.resolve("out.log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("DETOUR_"));
        s.env().forEach((k, v) -> pb.environment().put(k, rewrite(v, addresses, ports, names, home)));
        Process p = pb.start();
        processes.add(p);
        Duration limit = Duration.ofSeconds(180);
        if (s.health().isEmpty()) {
            // a one-shot service: it must finish, successfully
            await(s.name() + " exits").atMost(limit).until(() -> !p.isAlive());
            assertThat(p.exitValue()).as(s.name() + " exit code; log:\n" + Files.readString(home.resolve("out.log"))).isZero();
            return;
        }
        assertThat(s.health().subList(0, 2)).containsExactly("CMD", "/app/healthcheck.sh");
        int port = ports.get(s.health().get(2));
        String path = s.health().get(3);
        String want = s.health().size() > 4 ? s.health().get(4) : "200";
        HttpClient http = HttpClient.newHttpClient();
        await(s.name() + " healthy").atMost(limit).pollInterval(Duration.ofMillis(500))
                .failFast(s.name() + " died", () -> !p.isAlive())
                .ignoreExceptions().untilAsserted(() -> {
            int status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            if (!want.equals("any")) {
                assertThat(status).isEqualTo(Integer.parseInt(want));
            }
        });
    }

    /** What the container network and volumes would make of a value, on this one machine. */
    private static String rewrite(String value, Map<String, String> addresses, Map<String, Integer> ports, Set<String> names, Path home) {
        if (ports.containsKey(value)) {
            return Integer.toString(ports.get(value));
        }
        String v = value;
        for (var e : addresses.entrySet()) {
            v = v.replace(e.getKey(), e.getValue());
        }
        if (names.contains(v)) {
            return "127.0.0.1"; // an advertised host name
        }
        if (v.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        if (v.startsWith("/var/lib/detour")) {
            return home.resolve(v.substring("/var/lib/detour/".length())).toString();
        }
        return v;
    }

    private static Map<String, String> envFile(Path file) {
        Map<String, String> env = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#") || !l.contains("=")) {
                    continue;
                }
                env.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return env;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
