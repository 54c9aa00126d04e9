package dev.detour.providers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.detour.providers.ApiKeySource;
import dev.detour.providers.ProviderAdapter;
import dev.detour.providers.ProviderReply;
import dev.detour.providers.ProviderReply.Failure;
import dev.detour.providers.ProviderRequest;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.ProviderSpec;
import dev.detour.schema.RateLimitSnapshot;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every HTTP adapter shares: one POST with a JSON body, a deadline, and the mapping of transport
 * faults, HTTP statuses, rate-limit headers and bodies into a {@link ProviderReply}. Subclasses only
 * say how to encode a request, where to send it, which auth headers to set and how to decode success.
 *
 * <p>The future never completes exceptionally: every fault becomes a {@link Failure}. Failure messages
 * are scrubbed of the key and of URL queries; the upstream URL itself never appears in them.
 */
public abstract class HttpProviderAdapter implements ProviderAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HttpProviderAdapter.class);
    /** The HTTP client's own timeout fires first; this only catches a body that never finishes. */
    private static final Duration BODY_GRACE = Duration.ofSeconds(2);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    protected final ProviderSpec spec;
    protected final String baseUrl;
    private final ApiKeySource keys;
    private final HttpClient http;
    protected final Clock clock;

    protected HttpProviderAdapter(ProviderSpec spec, ApiKeySource keys, HttpClient http, Clock clock) {
        this.spec = spec;
        this.baseUrl = stripSlash(spec.getBaseUrl());
        this.keys = keys;
        this.http = http;
        this.clock = clock;
    }

    @Override
    public String provider() {
        return spec.getName();
    }

    /** The JSON body of the call. Throws IllegalArgumentException for a request this API cannot express. */
    protected abstract ObjectNode encode(ProviderRequest request);

    protected abstract URI endpoint(ProviderRequest request);

    /** Authentication and version headers; the key is present unless the provider needs none. */
    protected abstract Map<String, String> headers(Optional<String> key);

    /** A 2xx body into a completion or a failure (content filter, malformed). */
    protected abstract ProviderReply decode(JsonNode body, RateLimitSnapshot rateLimit);

    /** At most this many keys are tried for one attempt (a pool of many revoked keys must not stall a call). */
    private static final int MAX_KEYS_PER_ATTEMPT = 8;

    /**
     * One attempt; when the provider refuses the key (AUTH) and the key source has another key, the
     * refused key leaves the pool and the same attempt is sent again with the next key, so a revoked
     * key never counts against the deployment's health.
     */
    @Override
    public CompletableFuture<ProviderReply> complete(ProviderRequest request) {
        return completeWithKeys(request, new java.util.HashSet<>(), null);
    }

    private CompletableFuture<ProviderReply> completeWithKeys(ProviderRequest request, java.util.Set<String> tried, Failure refused) {
        ApiKeySource.Choice choice = keys.next();
        if (refused != null && (choice.key().isEmpty() || tried.contains(choice.key().get()))) {
            return CompletableFuture.completedFuture(refused); // no other key: the refusal stands
        }
        if (choice.key().isEmpty() && choice.waitMs() > 0) {
            return CompletableFuture.completedFuture(new Failure(ErrorClass.RATE_LIMITED, null,
                    "every key of provider " + spec.getName() + " is at its own rate limit", choice.waitMs(), null, null));
        }
        Optional<String> key = choice.key();
        return send(request, key).thenCompose(reply -> {
            if (reply instanceof Failure f && f.errorClass() == ErrorClass.AUTH && key.isPresent()
                    && tried.size() + 1 < MAX_KEYS_PER_ATTEMPT) {
                keys.rejected(key.get());
                tried.add(key.get());
                return completeWithKeys(request, tried, f);
            }
            return CompletableFuture.completedFuture(reply);
        });
    }

    private CompletableFuture<ProviderReply> send(ProviderRequest request, Optional<String> key) {
        if (key.isEmpty() && requiresKey()) {
            return CompletableFuture.completedFuture(Failure.of(ErrorClass.AUTH, null,
                    "no API key for provider " + spec.getName() + " (" + keys + ")"));
        }
        Duration timeout = request.timeout() == null || request.timeout().isZero() || request.timeout().isNegative()
                ? defaultTimeout() : request.timeout();
        HttpRequest httpRequest;
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(endpoint(request))
                    .timeout(timeout)
                    .header("content-type", "application/json")
                    .header("accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(encode(request))));
            headers(key).forEach(b::header);
            httpRequest = b.build();
        } catch (IllegalArgumentException | IOException e) {
            return CompletableFuture.completedFuture(Failure.of(ErrorClass.INVALID_REQUEST, null,
                    "cannot encode request for " + spec.getName() + ": " + SecretScrubber.scrub(e.getMessage(), key.orElse(null))));
        }
        long started = System.nanoTime();
        CompletableFuture<HttpResponse<byte[]>> sent;
        try {
            sent = http.sendAsync(httpRequest, HttpResponse.BodyHandlers.ofByteArray());
        } catch (RuntimeException e) { // e.g. a closed client: still a value, never a thrown exception
            sent = CompletableFuture.failedFuture(e);
        }
        return sent
                .orTimeout(timeout.plus(BODY_GRACE).toMillis(), TimeUnit.MILLISECONDS)
                .handle((response, error) -> {
                    try {
                        ProviderReply reply = error != null ? fromException(error, key.orElse(null)) : fromResponse(response, key.orElse(null));
                        if (reply instanceof Failure f && LOG.isDebugEnabled()) {
                            LOG.debug("{} failed after {} ms: {} {} {}", spec.getName(),
                                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), f.errorClass(), f.httpStatus(), f.message());
                        }
                        return reply;
                    } catch (RuntimeException bug) {
                        // Never let a decoding bug escape as an exceptional future.
                        return Failure.of(ErrorClass.MALFORMED_RESPONSE, response == null ? null : response.statusCode(),
                                "could not read " + spec.getName() + " response: " + bug.getClass().getSimpleName());
                    }
                });
    }

    protected Duration defaultTimeout() {
        return spec.getTimeoutMs() == null ? DEFAULT_TIMEOUT : Duration.ofMillis(spec.getTimeoutMs());
    }

    /** Self-hosted OpenAI-compatible servers often need no key; everyone else does. */
    protected boolean requiresKey() {
        return true;
    }

    private ProviderReply fromResponse(HttpResponse<byte[]> response, String key) {
        int status = response.statusCode();
        RateLimitSnapshot rateLimit = RateLimitHeaders.snapshot(response.headers(), clock);
        if (status >= 200 && status < 300) {
            JsonNode body;
            try {
                body = Json.MAPPER.readTree(response.body());
            } catch (IOException e) {
                body = null;
            }
            if (body == null || !body.isObject()) {
                return new Failure(ErrorClass.MALFORMED_RESPONSE, status, spec.getName() + " returned " + status + " with a body that is not a JSON object",
                        null, rateLimit, null);
            }
            return decode(body, rateLimit);
        }
        ErrorBody err = ErrorBody.parse(response.body());
        ErrorClass cls = ErrorClassifier.classify(status, err);
        Long retryAfter = RateLimitHeaders.retryAfterMs(response.headers(), clock);
        if (retryAfter == null) {
            retryAfter = err.retryDelayMs();
        }
        StringBuilder msg = new StringBuilder(spec.getName()).append(" HTTP ").append(status);
        // The most specific identifier each API has: Gemini's status, OpenAI's code, Anthropic's type.
        String label = err.status() != null ? err.status()
                : err.code() != null && !err.code().chars().allMatch(Character::isDigit) ? err.code() : err.type();
        if (label != null) {
            msg.append(' ').append(label);
        }
        if (err.message() != null) {
            msg.append(": ").append(err.message());
        }
        return new Failure(cls, status, SecretScrubber.scrub(msg.toString(), key), retryAfter, rateLimit, null);
    }

    private ProviderReply fromException(Throwable error, String key) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        ErrorClass cls;
        if (t instanceof HttpConnectTimeoutException || t instanceof ConnectException) {
            cls = ErrorClass.CONNECTION;
        } else if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
            cls = ErrorClass.TIMEOUT;
        } else if (t instanceof EOFException || t instanceof ClosedChannelException || t instanceof IOException) {
            cls = ErrorClass.CONNECTION;
        } else {
            cls = ErrorClass.UNKNOWN;
        }
        // Exception texts of the HTTP client can carry the request URI; keep only the type and a scrubbed message.
        String detail = t.getMessage() == null ? "" : ": " + SecretScrubber.scrub(t.getMessage().replace(baseUrl, "<base>"), key);
        return Failure.of(cls, null, spec.getName() + " " + cls.name().toLowerCase() + " (" + t.getClass().getSimpleName() + detail + ")");
    }

    protected static String stripSlash(String url) {
        String u = url == null ? "" : url.trim();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }

    protected static URI uri(String s) {
        return URI.create(s);
    }
}
