package dev.detour.gateway;

import com.sun.net.httpserver.HttpServer;
import dev.detour.client.DetourClient;
import dev.detour.gateway.internal.ConfigView;
import dev.detour.gateway.internal.GatewayHttp;
import dev.detour.gateway.internal.JobBook;
import dev.detour.gateway.internal.KeyRing;
import dev.detour.gateway.internal.WebhookDelivery;
import dev.detour.schemas.serde.SchemaRegistryClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenAI-compatible endpoint in front of the Detour pipeline: point an OpenAI SDK's base URL at
 * {@link #url()} + {@code /v1} and each chat completion becomes a durable Detour job with failover and
 * cost routing.
 *
 * <p>Served by the JDK's {@code com.sun.net.httpserver} with one virtual thread per exchange: no extra
 * dependency, HTTP/1.1 keep-alive and chunked streaming (enough for SSE), and a waiting request is a
 * parked virtual thread rather than a platform thread (see docs/gateway.md for the measurements).
 *
 * <pre>{@code
 * try (Gateway gw = Gateway.start(GatewayConfig.defaults(DetourClientConfig.of("localhost:9092", "http://localhost:8081")))) {
 *     System.out.println("OpenAI base URL: " + gw.url() + "/v1");
 * }
 * }</pre>
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    /** The JDK server's cap on idle keep-alive connections (default 200), read once per JVM. */
    static final String IDLE_CONNECTIONS_PROPERTY = "sun.net.httpserver.maxIdleConnections";

    private final HttpServer server;
    private final ExecutorService exchanges;
    private final DetourClient client;
    private final ConfigView configView;
    private final WebhookDelivery webhooks;
    private final JobBook jobs;
    private final URI url;

    static {
        // For processes that embed the gateway without Detour's main; too late if another JDK server started first.
        dev.detour.core.ProcessDefaults.serverNoDelay();
    }

    private Gateway(GatewayConfig config) {
        this.client = DetourClient.create(config.pipeline());
        ConfigView view = null;
        WebhookDelivery hooks = null;
        try {
            if (config.readConfigTopic()) {
                view = new ConfigView(config.pipeline(), SchemaRegistryClients.forUrl(config.pipeline().registryUrl()));
                if (!view.awaitCaughtUp(Duration.ofSeconds(60))) {
                    log.warn("config topic not read to its end within 60 s; keys and catalog will arrive later");
                }
            }
            this.configView = view;
            this.jobs = new JobBook(config.jobCapacity(), config.maxOpenRequests());
            hooks = new WebhookDelivery(config.webhooks());
            this.webhooks = hooks;
            KeyRing keys = new KeyRing(view, config.keyFile());
            this.exchanges = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("gateway-", 0).factory());
            this.server = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 1024);
            server.setExecutor(exchanges);
            server.createContext("/", new GatewayHttp(config, client, view, keys, jobs, hooks));
            server.start();
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (view != null) view.close();
            if (hooks != null) hooks.close();
            client.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof IOException io ? new UncheckedIOException("cannot start the gateway", io)
                    : new IllegalStateException("cannot start the gateway", e);
        }
        String host = config.bindAddress().equals("0.0.0.0") || config.bindAddress().equals("::")
                ? "127.0.0.1" : config.bindAddress();
        this.url = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + server.getAddress().getPort());
        log.info("gateway listening on {}", url);
        if (System.getProperty(IDLE_CONNECTIONS_PROPERTY) == null) {
            log.warn("-D{} is not set: the JDK's HTTP server closes a finished keep-alive connection when 200 are"
                    + " already idle, and a client that reuses it at once fails its call; the detour launcher and image"
                    + " set 10000 (docs/gateway.md, Limits)", IDLE_CONNECTIONS_PROPERTY);
        }
    }

    /** Connects to the pipeline, reads the config topic to its end, and starts serving. */
    public static Gateway start(GatewayConfig config) {
        return new Gateway(config);
    }

    /** Base URL, e.g. {@code http://127.0.0.1:8080}; OpenAI SDKs take {@code url() + "/v1"}. */
    public URI url() {
        return url;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Jobs accepted and still waiting for their result. */
    public int openRequests() {
        return jobs.open();
    }

    @Override
    public void close() {
        server.stop(0);
        exchanges.shutdownNow();
        webhooks.close();
        if (configView != null) {
            configView.close();
        }
        client.close();
        log.info("gateway on {} stopped", url);
    }

    /** Runs a gateway configured from the environment ({@link GatewayConfig#fromEnv}) until the JVM stops. */
    public static void main(String[] args) throws InterruptedException {
        Gateway gw = start(GatewayConfig.fromEnv(System.getenv()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gw.close();
            stopped.countDown();
        }, "gateway-shutdown"));
        System.out.println("Detour gateway: OpenAI base URL " + gw.url() + "/v1");
        stopped.await();
    }
}
