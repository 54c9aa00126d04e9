package dev.detour.providers.internal;

import dev.detour.core.catalog.BaseUrlPolicy;
import java.io.IOException;
import java.net.Authenticator;
import java.net.ConnectException;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * An HTTP client that checks, right before each request, what the upstream host resolves to now and
 * refuses link-local and metadata addresses ({@link BaseUrlPolicy#addressProblem}): the defence against
 * a base URL whose name was fine at validation and later answers with 169.254.169.254 (DNS rebinding).
 * The check goes through the JVM's resolver and its address cache, which the wrapped client's own
 * connection uses too, so the connection goes to an address that was just checked (unless the cache
 * entry expires in between; block egress to 169.254.0.0/16 at the network too). A refused request
 * fails with a {@link ConnectException}: no connection, so no key leaves the process.
 */
public final class GuardedHttpClient extends HttpClient {
    private final HttpClient delegate;
    private final BaseUrlPolicy.HostResolver resolver;
    /** Lookups may block on DNS; never on the caller's (the worker's) thread. */
    private static final Executor LOOKUPS = r -> Thread.ofVirtual().name("detour-upstream-check").start(r);

    public GuardedHttpClient(HttpClient delegate, BaseUrlPolicy.HostResolver resolver) {
        this.delegate = delegate;
        this.resolver = resolver;
    }

    private Optional<String> problem(HttpRequest request) {
        String host = request.uri().getHost();
        return host == null ? Optional.of("request without a host") : BaseUrlPolicy.addressProblem(host, resolver);
    }

    private static ConnectException refused(String problem) {
        return new ConnectException("refused to connect: " + problem);
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
        Optional<String> problem = problem(request);
        if (problem.isPresent()) {
            throw refused(problem.get());
        }
        return delegate.send(request, handler);
    }

    /** IP literals need no DNS: checked on the caller's thread, without a hop. */
    private static boolean literal(HttpRequest request) {
        String host = request.uri().getHost();
        return host != null && BaseUrlPolicy.isIpLiteral(host);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        if (literal(request)) {
            Optional<String> problem = problem(request);
            return problem.isPresent() ? CompletableFuture.failedFuture(refused(problem.get())) : delegate.sendAsync(request, handler);
        }
        return CompletableFuture.supplyAsync(() -> problem(request), LOOKUPS).thenCompose(problem -> problem.isPresent()
                ? CompletableFuture.failedFuture(refused(problem.get()))
                : delegate.sendAsync(request, handler));
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> push) {
        return CompletableFuture.supplyAsync(() -> problem(request), LOOKUPS).thenCompose(problem -> problem.isPresent()
                ? CompletableFuture.failedFuture(refused(problem.get()))
                : delegate.sendAsync(request, handler, push));
    }

    @Override public Optional<CookieHandler> cookieHandler() { return delegate.cookieHandler(); }
    @Override public Optional<Duration> connectTimeout() { return delegate.connectTimeout(); }
    @Override public Redirect followRedirects() { return delegate.followRedirects(); }
    @Override public Optional<ProxySelector> proxy() { return delegate.proxy(); }
    @Override public SSLContext sslContext() { return delegate.sslContext(); }
    @Override public SSLParameters sslParameters() { return delegate.sslParameters(); }
    @Override public Optional<Authenticator> authenticator() { return delegate.authenticator(); }
    @Override public Version version() { return delegate.version(); }
    @Override public Optional<Executor> executor() { return delegate.executor(); }

    // The wrapped client is shared by every adapter; its owner shuts it down, never an adapter's view of it.
    @Override public void shutdown() { }
    @Override public void shutdownNow() { }
    @Override public boolean awaitTermination(Duration duration) { return delegate.isTerminated(); }
    @Override public boolean isTerminated() { return delegate.isTerminated(); }
    @Override public void close() { }
}
