package dev.detour.bench.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.providers.simulator.ProviderScript;
import dev.detour.providers.simulator.ProviderSimulator;
import dev.detour.schema.ApiFamily;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The provider simulator in its own OS process: the same {@link ProviderSimulator#main} that
 * {@code detour simulator} runs, started with this JVM's own java binary and class path. A suite that
 * holds thousands of calls in flight needs it: in one process every call holds two sockets (the
 * worker's and the simulator's), against one file-descriptor limit, and the simulator's CPU and heap
 * would count as the worker's. Scripts go through the simulator's HTTP control API, as an operator's
 * would.
 *
 * <p>The process is destroyed by {@link #close}, by a shutdown hook if this JVM exits first, and on
 * its own when this JVM disappears without either (killed): {@link #main} watches its parent.
 */
public final class SimulatorProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("provider simulator on http://([^:/]+):(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final ChildJvm process;
    private final String host;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    private SimulatorProcess(ChildJvm process) {
        this.process = process;
        this.host = process.ready().group(1);
        this.port = Integer.parseInt(process.ready().group(2));
    }

    /**
     * Starts the simulator on a free loopback port and waits until it listens.
     *
     * @param seed the simulator's seed
     * @param maxHeapMb the child's heap bound
     */
    public static SimulatorProcess start(long seed, int maxHeapMb) throws IOException {
        return new SimulatorProcess(ChildJvm.start("simulator", Main.class, List.of(
                        "-Xmx" + maxHeapMb + "m",
                        // The JDK server closes a finished connection instead of keeping it alive when 200 are
                        // already idle; with thousands of calls in flight the worker would then reconnect for
                        // most calls (and meet closed connections). Providers keep connections alive.
                        "-Dsun.net.httpserver.maxIdleConnections=100000",
                        // Providers' front ends send small responses without waiting on Nagle's algorithm.
                        "-Dsun.net.httpserver.nodelay=true"),
                List.of("--host", "127.0.0.1", "--port", "0", "--seed", Long.toString(seed)),
                LISTENING, START_TIMEOUT, Duration.ofSeconds(10)));
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    public String baseUrl(String provider) {
        return ProviderSimulator.baseUrl("http://" + host + ":" + port, provider, ApiFamily.OPENAI_COMPATIBLE);
    }

    /** Installs a script through the control API. */
    public void put(String provider, ProviderScript script) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://" + host + ":" + port + "/_sim/providers/" + provider + "/script"))
                .PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(script)))
                .header("content-type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("simulator refused the script for " + provider + ": " + r.body());
        }
    }

    /** Resident memory (MB) and live threads of the child, from /proc; NaN where there is none. */
    public ProcessFigures figures() {
        return ProcessFigures.of(process.pid());
    }

    @Override
    public void close() {
        process.close();
    }

    /** Resident set size and thread count of a process, read from {@code /proc/<pid>/status}. */
    public record ProcessFigures(double rssMb, int threads) {
        static ProcessFigures of(long pid) {
            try {
                double rss = Double.NaN;
                int threads = -1;
                for (String line : java.nio.file.Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rss = Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                    } else if (line.startsWith("Threads:")) {
                        threads = Integer.parseInt(line.replaceAll("\\D", ""));
                    }
                }
                return new ProcessFigures(rss, threads);
            } catch (IOException | RuntimeException e) {
                return new ProcessFigures(Double.NaN, -1);
            }
        }
    }

    /**
     * The child's entry point: {@link ProviderSimulator#main} (what {@code detour simulator} runs),
     * plus an exit when the parent bench JVM is gone, so a killed bench leaves no simulator behind.
     */
    public static final class Main {
        private Main() {}

        public static void main(String[] args) throws Exception {
            ChildJvm.exitWithParent();
            ProviderSimulator.main(args);
        }
    }
}
