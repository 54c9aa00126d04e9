package dev.detour.worker.internal;

import dev.detour.core.RetryDecision;
import dev.detour.core.quality.QualityGates;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.GateVerdict;
import dev.detour.schema.JudgeSpec;
import dev.detour.schema.QualityPolicy;
import dev.detour.schema.ResponseFormat;
import dev.detour.schema.UsageRecord;
import dev.detour.worker.quality.JudgePrompt;
import dev.detour.providers.ProviderAdapter;
import dev.detour.providers.ProviderReply;
import dev.detour.providers.ProviderRequest;
import dev.detour.schema.AttemptSummary;
import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.DeploymentRef;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.FailureReason;
import dev.detour.schema.ProviderSpec;
import dev.detour.schema.RoutedRequest;
import dev.detour.schema.TokenUsage;
import dev.detour.schema.UnitPrices;
import dev.detour.worker.AdapterRegistry;
import dev.detour.worker.CostFunction;
import dev.detour.worker.DeploymentCatalog;
import dev.detour.worker.RetrySettings;
import dev.detour.worker.flow.Throttles;
import dev.detour.worker.internal.JobRecords.SourcePosition;
import dev.detour.worker.metrics.WorkerMetrics;
import dev.detour.worker.metrics.WorkerMetrics.JobEnd;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * Runs one routed attempt of a job: waits for its not-before time and the client-side rate limit,
 * calls the deployment (retrying transient faults on it), publishes feedback and usage per HTTP
 * call, and ends with exactly one of: a terminal result (succeeded, or failed + dead letter), or
 * the job handed back to the router on detour.retries.
 *
 * <p>Runs on its own virtual thread, so waiting (sleep, the provider's answer) costs no platform
 * thread. Who decides what after a failure:
 * <ul>
 *   <li>RETRY_SAME classes: up to {@code maxTries} calls here, then back to the router;</li>
 *   <li>FAILOVER classes: straight back to the router, with error class and retry-after;</li>
 *   <li>TERMINAL classes: the job ends FAILED (NON_RETRYABLE);</li>
 *   <li>the job's deadline passed (before a call, or it cut a call short): the job ends FAILED
 *       (DEADLINE) here rather than making a round trip to the router that would end it anyway.</li>
 * </ul>
 */
public final class AttemptRunner {
    /** A retry is only worth making if at least this much time is left for the call itself. */
    static final long MIN_CALL_BUDGET_MS = 100;
    /** How long past its timeout an adapter's answer is awaited before the worker gives up on it. */
    static final long ADAPTER_GRACE_MS = 5_000;

    private final AdapterRegistry adapters;
    private final DeploymentCatalog catalog;
    private final CostFunction cost;
    private final Throttles throttles;
    private final RetrySettings retrySettings;
    private final RetryRegistry retries;
    private final Duration defaultTimeout;
    private final Duration maxThrottleWait;
    private final String instance;
    private final WorkerMetrics metrics;
    private final WorkerClock clock;

    public AttemptRunner(AdapterRegistry adapters, DeploymentCatalog catalog, CostFunction cost, Throttles throttles,
                         RetrySettings retrySettings, Duration defaultTimeout, Duration maxThrottleWait,
                         String instance, WorkerMetrics metrics, WorkerClock clock) {
        this.adapters = adapters;
        this.catalog = catalog;
        this.cost = cost;
        this.throttles = throttles;
        this.retrySettings = retrySettings;
        this.defaultTimeout = defaultTimeout;
        this.maxThrottleWait = maxThrottleWait;
        this.instance = instance;
        this.metrics = metrics;
        this.clock = clock;
        this.retries = RetryRegistry.of(RetryConfig.<Try>custom()
                .maxAttempts(retrySettings.maxTries())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(retrySettings.initialBackoff(),
                        retrySettings.multiplier(), retrySettings.jitter(), retrySettings.maxBackoff()))
                .retryOnResult(t -> t != null && t.retryHere)
                .retryExceptions()
                .failAfterMaxAttempts(false)
                .build());
    }

    /** One HTTP call and what it left behind. */
    static final class Try {
        final int no;
        final String attemptId;
        final ProviderReply reply;
        final long startedAtMs;
        final long endedAtMs;
        final long costMicros;
        final boolean deadlineCut;
        final boolean retryHere;
        final boolean called;

        Try(int no, String attemptId, ProviderReply reply, long startedAtMs, long endedAtMs, long costMicros,
            boolean deadlineCut, boolean retryHere, boolean called) {
            this.called = called;
            this.no = no;
            this.attemptId = attemptId;
            this.reply = reply;
            this.startedAtMs = startedAtMs;
            this.endedAtMs = endedAtMs;
            this.costMicros = costMicros;
            this.deadlineCut = deadlineCut;
            this.retryHere = retryHere;
        }
    }

    /** Processes one routed request; returns normally also when the work was abandoned. */
    void run(RoutedRequest routed, SourcePosition source, Emitter emit) throws InterruptedException {
        CompletionRequest req = routed.getRequest();
        DeploymentRef dep = routed.getDeployment();
        Long deadline = req.getDeadlineMs();
        long startedAt = clock.nowMs();

        Long notBefore = routed.getNotBeforeMs();
        if (notBefore != null && notBefore > startedAt) {
            long until = deadline == null ? notBefore : Math.min(notBefore, deadline);
            clock.sleep(until - startedAt);
        }
        if (pastDeadline(deadline)) {
            endDeadline(routed, null, source, emit, "deadline passed before the call");
            return;
        }

        Optional<ProviderAdapter> adapter = adapters.adapterFor(dep.getProvider());
        if (adapter.isEmpty()) {
            // This worker cannot serve the deployment; another deployment (or worker) may.
            failover(routed, emit, summaryWithoutCall(routed, ErrorClass.AUTH,
                    "no adapter configured for provider " + dep.getProvider(), null));
            return;
        }
        Optional<DeploymentSpec> spec = catalog.deployment(dep.getDeploymentId());
        Optional<ProviderSpec> providerSpec = catalog.provider(dep.getProvider());
        long timeoutMs = spec.map(DeploymentSpec::getTimeoutMs)
                .or(() -> providerSpec.map(ProviderSpec::getTimeoutMs))
                .orElse(defaultTimeout.toMillis());
        UnitPrices prices = spec.map(DeploymentSpec::getPrices).orElse(null);
        long tokens = estimateTokens(req);

        int[] tries = {0};
        Tally tally = new Tally(clock.nowMs());
        Try last;
        try {
            Retry retry = retries.retry(dep.getDeploymentId());
            last = retry.executeCheckedSupplier(() -> {
                int no = ++tries[0];
                if (no > 1) {
                    metrics.retried(dep.getDeploymentId());
                }
                return call(no, routed, adapter.get(), timeoutMs, prices, tokens, deadline, tally, emit);
            });
        } catch (InterruptedException e) {
            throw e;
        } catch (Throwable e) {
            if (e.getCause() instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IllegalStateException("retry of " + routed.getAttemptId() + " failed", e);
        }
        if (last == null) {
            return; // abandoned while waiting
        }
        conclude(routed, last, tries[0], tally, source, emit);
    }

    /** Throttle, then one HTTP call; null when abandoned. */
    private Try call(int no, RoutedRequest routed, ProviderAdapter adapter, long deploymentTimeoutMs, UnitPrices prices,
                     long tokens, Long deadline, Tally tally, Emitter emit) throws InterruptedException {
        DeploymentRef dep = routed.getDeployment();
        String attemptId = JobRecords.tryId(routed.getAttemptId(), no);
        if (emit.abandoned()) {
            return null;
        }
        long now = clock.nowMs();
        long wait = throttles.reserve(dep.getProvider(), dep.getDeploymentId(), now, tokens);
        if (wait > 0) {
            metrics.throttled(dep.getDeploymentId());
            if (wait > maxThrottleWait.toMillis() || (deadline != null && now + wait >= deadline)) {
                return throttledOut(no, attemptId, now, wait);
            }
            clock.sleep(wait);
            now = clock.nowMs();
        }
        long timeLeft = deadline == null ? Long.MAX_VALUE : deadline - now;
        if (timeLeft <= 0) {
            return new Try(no, attemptId, ProviderReply.Failure.of(ErrorClass.TIMEOUT, null, "job deadline passed"),
                    now, now, 0, true, false, false);
        }
        long timeoutMs = Math.min(deploymentTimeoutMs, timeLeft);
        boolean deadlineBinds = timeLeft < deploymentTimeoutMs;
        ProviderReply reply = invoke(adapter, routed, timeoutMs);
        long end = clock.nowMs();
        if (emit.abandoned()) {
            return null;
        }

        throttles.observe(dep.getDeploymentId(), end, reply.rateLimit());
        ErrorClass errorClass = reply instanceof ProviderReply.Failure f ? f.errorClass() : null;
        Integer status = reply instanceof ProviderReply.Failure f ? f.httpStatus() : null;
        Long retryAfter = reply instanceof ProviderReply.Failure f ? f.retryAfterMs() : null;
        if (retryAfter != null && retryAfter > 0
                && (errorClass == ErrorClass.RATE_LIMITED || errorClass == ErrorClass.OVERLOADED)) {
            throttles.hold(dep.getDeploymentId(), end, retryAfter);
        }
        // A timeout that only happened because the job ran out of time says nothing about the deployment.
        boolean deadlineCut = errorClass == ErrorClass.TIMEOUT && deadlineBinds;
        TokenUsage usage = reply.usage();
        long costMicros = JobRecords.billed(usage) ? cost.costMicros(usage, prices) : 0;
        metrics.call(dep.getDeploymentId(), end - now, errorClass);
        if (!deadlineCut) {
            emit.feedback(JobRecords.outcome(routed, attemptId, errorClass == null, errorClass, status, retryAfter,
                    reply.rateLimit(), usage, now, end, instance));
        }
        if (JobRecords.billed(usage)) {
            emit.usage(JobRecords.usage(routed, attemptId, usage, prices, costMicros, end));
        }
        boolean retryHere = errorClass != null && !deadlineCut
                && RetryDecision.of(errorClass) == RetryDecision.RETRY_SAME
                && no < retrySettings.maxTries()
                && (deadline == null
                    || deadline - end > retrySettings.maxWaitBeforeMs(no + 1) + MIN_CALL_BUDGET_MS);
        tally.add(costMicros, usage);
        return new Try(no, attemptId, reply, now, end, costMicros, deadlineCut, retryHere, true);
    }

    private static Try throttledOut(int no, String attemptId, long now, long wait) {
        ProviderReply.Failure f = new ProviderReply.Failure(ErrorClass.RATE_LIMITED, null,
                "client-side rate limit: next slot in " + wait + " ms", wait, null, null);
        return new Try(no, attemptId, f, now, now, 0, false, false, false);
    }

    private ProviderReply invoke(ProviderAdapter adapter, RoutedRequest routed, long timeoutMs) throws InterruptedException {
        CompletionRequest req = routed.getRequest();
        ProviderRequest call = new ProviderRequest(routed.getDeployment().getProviderModel(), req.getMessages(),
                req.getParams(), Duration.ofMillis(timeoutMs));
        java.util.concurrent.CompletableFuture<ProviderReply> pending = adapter.complete(call);
        try {
            // Adapters enforce the timeout; this bound only guards against one that does not.
            return pending.get(timeoutMs + ADAPTER_GRACE_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            pending.cancel(true);
            return ProviderReply.Failure.of(ErrorClass.TIMEOUT, null, "no answer within " + timeoutMs + " ms");
        } catch (InterruptedException e) {
            pending.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            // The adapter promises failures as values; anything else is its bug. Only the exception
            // type is kept: messages of HTTP exceptions can carry URLs.
            return ProviderReply.Failure.of(ErrorClass.UNKNOWN, null,
                    "adapter error: " + e.getCause().getClass().getSimpleName());
        }
    }

    private void conclude(RoutedRequest routed, Try last, int tries, Tally tally, SourcePosition source, Emitter emit) {
        long now = clock.nowMs();
        if (last.reply instanceof ProviderReply.Completion c) {
            List<GateVerdict> verdicts = List.of();
            QualityPolicy quality = routed.getQuality();
            if (quality != null) {
                ResponseFormat format = routed.getRequest().getParams() == null ? null
                        : routed.getRequest().getParams().getResponseFormat();
                QualityGates.Compiled compiled = QualityGates.compile(quality, format, "quality");
                if (compiled instanceof QualityGates.Invalid bad) {
                    // The router rejects bad gates before routing; meeting one here is a bug upstream, and
                    // escalating would fail the same way everywhere.
                    String message = "invalid quality gates: " + bad.problems();
                    AttemptSummary summary = JobRecords.summary(routed, false, ErrorClass.INVALID_REQUEST, null,
                            message, null, tally.costMicros, tally.usage, tally.startedAtMs, last.endedAtMs);
                    emit.result(JobRecords.failed(routed, summary, FailureReason.INVALID_REQUEST, message, now));
                    emit.deadLetter(JobRecords.deadLetter(routed, summary, FailureReason.INVALID_REQUEST,
                            ErrorClass.INVALID_REQUEST, message, source, now));
                    metrics.jobEnded(JobEnd.FAILED);
                    return;
                }
                QualityGates gates = ((QualityGates.Ok) compiled).gates();
                verdicts = new ArrayList<>(gates.evaluate(c.content(), format));
                if (quality.getJudge() != null && QualityGates.allPassed(verdicts)) {
                    try {
                        verdicts.add(judge(routed, quality.getJudge(), c.content(), tally, emit));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return; // abandoned: publish nothing
                    }
                    if (emit.abandoned()) {
                        return;
                    }
                }
                now = clock.nowMs();
                if (!QualityGates.allPassed(verdicts)) {
                    String failed = verdicts.stream().filter(v -> !v.getPassed()).map(GateVerdict::getGate)
                            .distinct().collect(java.util.stream.Collectors.joining(", "));
                    AttemptSummary summary = JobRecords.summary(routed, false, ErrorClass.QUALITY, null,
                            "failed quality gates: " + failed, null, tally.costMicros, tally.usage,
                            tally.startedAtMs, last.endedAtMs);
                    summary.setVerdicts(verdicts);
                    metrics.qualityFailed(routed.getDeployment().getDeploymentId());
                    failover(routed, emit, summary);
                    return;
                }
            }
            AttemptSummary summary = JobRecords.summary(routed, true, null, null, null, null, tally.costMicros,
                    tally.usage, tally.startedAtMs, last.endedAtMs);
            summary.setVerdicts(verdicts);
            CompletionResult result = JobRecords.succeeded(routed, summary, c.content(), c.finishReason(), c.usage(), now);
            result.setVerdicts(verdicts);
            emit.result(result);
            metrics.jobEnded(JobEnd.SUCCEEDED);
            return;
        }
        ProviderReply.Failure f = (ProviderReply.Failure) last.reply;
        String message = tries > 1 ? f.message() + " (after " + tries + " tries)" : f.message();
        AttemptSummary summary = JobRecords.summary(routed, false, f.errorClass(), f.httpStatus(), message,
                f.retryAfterMs(), tally.costMicros, tally.usage, tally.startedAtMs, last.endedAtMs);
        RetryDecision decision = RetryDecision.of(f.errorClass());
        if (decision == RetryDecision.TERMINAL) {
            emit.result(JobRecords.failed(routed, summary, FailureReason.NON_RETRYABLE, message, now));
            emit.deadLetter(JobRecords.deadLetter(routed, summary, FailureReason.NON_RETRYABLE, f.errorClass(),
                    message, source, now));
            metrics.jobEnded(JobEnd.FAILED);
        } else if (last.deadlineCut || pastDeadline(routed.getRequest().getDeadlineMs())) {
            endDeadline(routed, summary, source, emit, "deadline passed: " + message);
        } else {
            failover(routed, emit, summary);
        }
    }

    /**
     * Asks the judge deployment to score the answer. The judge's call is billed to the job (attempt id
     * {@code <attemptId>.judge}); a judge that cannot be reached or gives no score fails the gate, so an
     * unverified answer is never accepted as verified.
     */
    private GateVerdict judge(RoutedRequest routed, JudgeSpec spec, String answer, Tally tally, Emitter emit)
            throws InterruptedException {
        Optional<DeploymentSpec> judgeDep = catalog.deployment(spec.getDeploymentId());
        if (judgeDep.isEmpty()) {
            return new GateVerdict("judge", false, "unknown judge deployment " + spec.getDeploymentId(), null);
        }
        DeploymentSpec d = judgeDep.get();
        Optional<ProviderAdapter> adapter = adapters.adapterFor(d.getProvider());
        if (adapter.isEmpty()) {
            return new GateVerdict("judge", false, "no adapter for the judge's provider " + d.getProvider(), null);
        }
        String question = routed.getRequest().getMessages().isEmpty() ? ""
                : routed.getRequest().getMessages().get(routed.getRequest().getMessages().size() - 1).getContent();
        long timeout = d.getTimeoutMs() != null ? d.getTimeoutMs() : defaultTimeout.toMillis();
        long started = clock.nowMs();
        ProviderRequest call = new ProviderRequest(d.getProviderModel(), JudgePrompt.messages(spec, question, answer),
                dev.detour.schema.CompletionParams.newBuilder().setMaxTokens(16).setTemperature(0.0).build(),
                Duration.ofMillis(timeout));
        ProviderReply reply;
        try {
            reply = adapter.get().complete(call).get(timeout + ADAPTER_GRACE_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | ExecutionException e) {
            return new GateVerdict("judge", false, "judge call failed: " + e.getClass().getSimpleName(), null);
        }
        long end = clock.nowMs();
        TokenUsage usage = reply.usage();
        if (JobRecords.billed(usage)) {
            long judgeCost = cost.costMicros(usage, d.getPrices());
            UsageRecord u = JobRecords.usage(routed, routed.getAttemptId() + ".judge", usage, d.getPrices(), judgeCost, end);
            u.setProvider(d.getProvider());
            u.setDeploymentId(d.getId());
            u.setModel(d.getModel());
            emit.usage(u);
            tally.add(judgeCost, null);
        }
        if (!(reply instanceof ProviderReply.Completion jc)) {
            return new GateVerdict("judge", false, "judge failed: " + ((ProviderReply.Failure) reply).errorClass(), null);
        }
        java.util.OptionalDouble score = JudgePrompt.score(jc.content());
        if (score.isEmpty()) {
            return new GateVerdict("judge", false, "judge gave no score", null);
        }
        boolean ok = score.getAsDouble() >= spec.getThreshold();
        return new GateVerdict("judge", ok, "score " + score.getAsDouble() + ", threshold " + spec.getThreshold(),
                score.getAsDouble());
    }

    /** Cost and usage of every HTTP call of one routed attempt. */
    private static final class Tally {
        final long startedAtMs;
        long costMicros;
        TokenUsage usage;

        Tally(long startedAtMs) {
            this.startedAtMs = startedAtMs;
        }

        void add(long cost, TokenUsage u) {
            costMicros = Math.addExact(costMicros, cost);
            if (JobRecords.billed(u)) {
                usage = JobRecords.add(usage, u);
            }
        }
    }

    private AttemptSummary summaryWithoutCall(RoutedRequest routed, ErrorClass errorClass, String message, Long retryAfter) {
        long now = clock.nowMs();
        return JobRecords.summary(routed, false, errorClass, null, message, retryAfter, 0, null, now, now);
    }

    private void failover(RoutedRequest routed, Emitter emit, AttemptSummary summary) {
        emit.retry(JobRecords.retry(routed, summary));
        metrics.jobEnded(JobEnd.FAILED_OVER);
    }

    private void endDeadline(RoutedRequest routed, AttemptSummary summary, SourcePosition source, Emitter emit,
                             String message) {
        long now = clock.nowMs();
        emit.result(JobRecords.failed(routed, summary, FailureReason.DEADLINE, message, now));
        emit.deadLetter(JobRecords.deadLetter(routed, summary, FailureReason.DEADLINE, ErrorClass.TIMEOUT, message,
                source, now));
        metrics.jobEnded(JobEnd.FAILED);
    }

    private boolean pastDeadline(Long deadline) {
        return deadline != null && clock.nowMs() >= deadline;
    }

    /** Rough token count for the tokens-per-minute budget: ~4 characters a token plus the output cap. */
    static long estimateTokens(CompletionRequest req) {
        long chars = 0;
        for (ChatMessage m : req.getMessages()) {
            chars += m.getContent().length();
        }
        Integer maxTokens = req.getParams() == null ? null : req.getParams().getMaxTokens();
        return chars / 4 + 1 + (maxTokens == null ? 256 : maxTokens);
    }
}
