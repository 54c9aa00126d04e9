package dev.detour.gateway.internal;

import dev.detour.gateway.WebhookPolicy;
import dev.detour.gateway.WebhookSignature;
import dev.detour.gateway.openai.ChatCall.WebhookTarget;
import dev.detour.gateway.openai.OpenAiError;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces finished jobs to the URL the job named: POST of the job's JSON, signed with the HMAC of
 * the body ({@link WebhookSignature}), retried on any non-2xx answer or I/O error with jittered
 * exponential backoff up to {@link WebhookPolicy#maxAttempts()}. Each delivery waits on its own virtual
 * thread, so slow receivers cost no platform threads.
 */
public final class WebhookDelivery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookDelivery.class);

    private final WebhookPolicy policy;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http;

    public WebhookDelivery(WebhookPolicy policy) {
        this.policy = policy;
        this.http = HttpClient.newBuilder().connectTimeout(policy.callTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).executor(threads).build();
    }

    /** Checks a requested webhook at submission, so a bad one is a 400 rather than a silent loss. */
    public Optional<OpenAiError> check(WebhookTarget target) {
        URI uri;
        try {
            uri = URI.create(target.url());
        } catch (IllegalArgumentException e) {
            return Optional.of(OpenAiError.badParameter("webhook.url", "'webhook.url' is not a valid URL."));
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
                || uri.getHost() == null) {
            return Optional.of(OpenAiError.badParameter("webhook.url", "'webhook.url' must be an absolute http(s) URL."));
        }
        if (secretName(target) == null) {
            return Optional.of(OpenAiError.badParameter("webhook.secret",
                    "'webhook.secret' must name a signing secret configured in the gateway."));
        }
        if (!policy.allowPrivateTargets() && isPrivate(uri.getHost())) {
            return Optional.of(OpenAiError.badParameter("webhook.url",
                    "'webhook.url' must point to a public address."));
        }
        return Optional.empty();
    }

    /** Delivers once the job is done; {@code body} renders the job at that moment. */
    public void deliverWhenDone(JobBook.Job job, WebhookTarget target, Supplier<byte[]> body) {
        job.result().whenComplete((r, e) -> threads.submit(() -> deliver(job.jobId(), target, body.get())));
    }

    private void deliver(String jobId, WebhookTarget target, byte[] body) {
        String secret = policy.secrets().get(secretName(target));
        String signature = WebhookSignature.sign(secret, body);
        long backoff = policy.firstBackoff().toMillis();
        for (int attempt = 1; attempt <= policy.maxAttempts(); attempt++) {
            try {
                if (!policy.allowPrivateTargets() && isPrivate(URI.create(target.url()).getHost())) {
                    log.warn("webhook of job {} not sent: target resolves to a private address", jobId);
                    return; // DNS may have changed since submission; never call inward
                }
                HttpRequest req = HttpRequest.newBuilder(URI.create(target.url()))
                        .timeout(policy.callTimeout())
                        .header("content-type", "application/json")
                        .header(WebhookSignature.HEADER, signature)
                        .header("x-detour-job-id", jobId)
                        .header("x-detour-webhook-attempt", Integer.toString(attempt))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build();
                int status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    log.debug("webhook of job {} delivered on attempt {}", jobId, attempt);
                    return;
                }
                log.info("webhook of job {} got HTTP {} on attempt {}", jobId, status, attempt);
            } catch (IOException | IllegalArgumentException e) {
                log.info("webhook of job {} failed on attempt {}: {}", jobId, attempt, e.getClass().getSimpleName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (attempt < policy.maxAttempts()) {
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(policy.maxBackoff().toMillis(), backoff * 2);
            }
        }
        log.warn("webhook of job {} abandoned after {} attempts", jobId, policy.maxAttempts());
    }

    private String secretName(WebhookTarget target) {
        String name = target.secretName() != null ? target.secretName() : policy.defaultSecret();
        return name != null && policy.secrets().containsKey(name) ? name : null;
    }

    static boolean isPrivate(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                        || a.isMulticastAddress()
                        || (a instanceof Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc)) {
                    return true;
                }
            }
            return false;
        } catch (UnknownHostException e) {
            return true; // unresolvable: treat as not allowed rather than guess
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
