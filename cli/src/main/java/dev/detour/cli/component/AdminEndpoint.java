package dev.detour.cli.component;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /health} (200 when the component is processing, 503 otherwise) and {@code /metrics}
 * (Prometheus text) for components that have no HTTP server of their own, so the compose file's
 * health checks and Prometheus can see them. Label values are catalog names and states only.
 */
public final class AdminEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminEndpoint.class);

    private final HttpServer server;

    private AdminEndpoint(HttpServer server) {
        this.server = server;
    }

    public static AdminEndpoint start(String host, int port, BooleanSupplier healthy, Supplier<String> metrics) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
            server.createContext("/health", ex -> {
                boolean up = healthy.getAsBoolean();
                respond(ex, up ? 200 : 503, "text/plain", up ? "up\n" : "starting\n");
            });
            server.createContext("/metrics", ex -> {
                String text;
                try {
                    text = metrics.get();
                } catch (RuntimeException e) {
                    // e.g. a state store while rebalancing: an empty scrape, never a stack trace
                    log.debug("metrics not available: {}", e.toString());
                    text = "";
                }
                respond(ex, 200, "text/plain; version=0.0.4", text);
            });
            server.setExecutor(Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "detour-admin-http");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            return new AdminEndpoint(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the admin port " + port, e);
        }
    }

    private static void respond(com.sun.net.httpserver.HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("content-type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Prometheus label value escaping. */
    public static String label(String v) {
        return v == null ? "" : v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
