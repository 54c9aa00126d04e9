package dev.detour.worker.internal;

import dev.detour.schema.AttemptOutcome;
import dev.detour.schema.AttemptSummary;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.DeadLetter;
import dev.detour.schema.DeploymentRef;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.FailureReason;
import dev.detour.schema.ResultStatus;
import dev.detour.schema.RoutedRequest;
import dev.detour.schema.TokenUsage;
import dev.detour.schema.UnitPrices;
import dev.detour.schema.UsageRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * Builds the records a call publishes. Pure functions of their inputs, so the cost arithmetic and
 * the attempt lists can be tested without Kafka: a job's cost is the sum of every routed attempt's
 * cost (earlier ones travel in {@code tried}), and a routed attempt's cost is the sum of its
 * same-deployment tries.
 */
public final class JobRecords {
    public static final String COMPONENT = "worker";

    private JobRecords() {}

    /** Attempt id of the n-th HTTP call (1-based) of a routed attempt: stable, so a re-delivery reuses it. */
    public static String tryId(String routedAttemptId, int tryNo) {
        return tryNo == 1 ? routedAttemptId : routedAttemptId + "." + tryNo;
    }

    public static boolean billed(TokenUsage usage) {
        return usage != null && (usage.getInputTokens() + usage.getOutputTokens()
                + usage.getCachedReadTokens() + usage.getCacheWriteTokens()) > 0;
    }

    public static TokenUsage add(TokenUsage a, TokenUsage b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return TokenUsage.newBuilder()
                .setInputTokens(a.getInputTokens() + b.getInputTokens())
                .setOutputTokens(a.getOutputTokens() + b.getOutputTokens())
                .setCachedReadTokens(a.getCachedReadTokens() + b.getCachedReadTokens())
                .setCacheWriteTokens(a.getCacheWriteTokens() + b.getCacheWriteTokens())
                .setReasoningTokens(a.getReasoningTokens() + b.getReasoningTokens())
                .build();
    }

    public static AttemptOutcome outcome(RoutedRequest routed, String attemptId, boolean succeeded, ErrorClass errorClass,
                                         Integer httpStatus, Long retryAfterMs, dev.detour.schema.RateLimitSnapshot rateLimit,
                                         TokenUsage usage, long startedAtMs, long endedAtMs, String instance) {
        DeploymentRef d = routed.getDeployment();
        return AttemptOutcome.newBuilder()
                .setAttemptId(attemptId)
                .setJobId(routed.getRequest().getJobId())
                .setTenant(routed.getRequest().getTenant())
                .setProvider(d.getProvider())
                .setDeploymentId(d.getDeploymentId())
                .setModel(d.getModel())
                .setSucceeded(succeeded)
                .setErrorClass(errorClass)
                .setHttpStatus(httpStatus)
                .setLatencyMs(endedAtMs - startedAtMs)
                .setStartedAtMs(startedAtMs)
                .setEndedAtMs(endedAtMs)
                .setRetryAfterMs(retryAfterMs)
                .setRateLimit(rateLimit)
                .setUsage(usage)
                .setWorkerInstance(instance)
                .build();
    }

    public static UsageRecord usage(RoutedRequest routed, String attemptId, TokenUsage usage, UnitPrices prices,
                                    long costMicros, long billedAtMs) {
        DeploymentRef d = routed.getDeployment();
        return UsageRecord.newBuilder()
                .setAttemptId(attemptId)
                .setJobId(routed.getRequest().getJobId())
                .setTenant(routed.getRequest().getTenant())
                .setProvider(d.getProvider())
                .setDeploymentId(d.getDeploymentId())
                .setModel(d.getModel())
                .setRequestedModel(routed.getRequest().getModel())
                .setUsage(usage)
                .setUnitPrices(prices)
                .setCostMicros(costMicros)
                .setBilledAtMs(billedAtMs)
                .setServedFromCache(false)
                .build();
    }

    // The records built per call set every field, defaulted ones too: an Avro builder deep-copies the
    // schema default of each field left unset on every build (JFR: 5% of the worker's call threads).

    /** Summary of this routed attempt (all its tries) as it goes into {@code tried} / {@code attempts}. */
    public static AttemptSummary summary(RoutedRequest routed, boolean succeeded, ErrorClass errorClass, Integer httpStatus,
                                         String message, Long retryAfterMs, long costMicros, TokenUsage usage,
                                         long startedAtMs, long endedAtMs) {
        DeploymentRef d = routed.getDeployment();
        return AttemptSummary.newBuilder()
                .setAttempt(routed.getAttempt())
                .setAttemptId(routed.getAttemptId())
                .setProvider(d.getProvider())
                .setDeploymentId(d.getDeploymentId())
                .setModel(d.getModel())
                .setSucceeded(succeeded)
                .setErrorClass(errorClass)
                .setHttpStatus(httpStatus)
                .setMessage(message)
                .setRetryAfterMs(retryAfterMs)
                .setCostMicros(costMicros)
                .setUsage(usage)
                .setStartedAtMs(startedAtMs)
                .setEndedAtMs(endedAtMs)
                .setVerdicts(new ArrayList<>())
                .build();
    }

    /** Earlier attempts plus this one (when there is one). */
    public static List<AttemptSummary> attempts(RoutedRequest routed, AttemptSummary current) {
        List<AttemptSummary> all = new ArrayList<>(routed.getTried());
        if (current != null) {
            all.add(current);
        }
        return all;
    }

    public static long totalCost(List<AttemptSummary> attempts) {
        long sum = 0;
        for (AttemptSummary a : attempts) {
            sum = Math.addExact(sum, a.getCostMicros());
        }
        return sum;
    }

    public static CompletionResult succeeded(RoutedRequest routed, AttemptSummary current, String content,
                                             String finishReason, TokenUsage usage, long completedAtMs) {
        List<AttemptSummary> attempts = attempts(routed, current);
        CompletionRequest req = routed.getRequest();
        DeploymentRef d = routed.getDeployment();
        return CompletionResult.newBuilder()
                .setJobId(req.getJobId())
                .setTenant(req.getTenant())
                .setStatus(ResultStatus.SUCCEEDED)
                .setContent(content)
                .setFinishReason(finishReason)
                .setUsage(usage)
                .setCostMicros(totalCost(attempts))
                .setProvider(d.getProvider())
                .setDeploymentId(d.getDeploymentId())
                .setModel(d.getModel())
                .setRequestedModel(req.getModel())
                .setAttempts(attempts)
                .setSubmittedAtMs(req.getSubmittedAtMs())
                .setCompletedAtMs(completedAtMs)
                .setMetadata(new HashMap<>(req.getMetadata()))
                .setFailureReason(null)
                .setFailureMessage(null)
                .setServedFromCache(false)
                .setCacheOrigin(null)
                .setVerdicts(new ArrayList<>())
                .build();
    }

    public static CompletionResult failed(RoutedRequest routed, AttemptSummary current, FailureReason reason,
                                          String message, long completedAtMs) {
        List<AttemptSummary> attempts = attempts(routed, current);
        CompletionRequest req = routed.getRequest();
        return CompletionResult.newBuilder()
                .setJobId(req.getJobId())
                .setTenant(req.getTenant())
                .setStatus(ResultStatus.FAILED)
                .setCostMicros(totalCost(attempts))
                .setRequestedModel(req.getModel())
                .setAttempts(attempts)
                .setFailureReason(reason)
                .setFailureMessage(message)
                .setSubmittedAtMs(req.getSubmittedAtMs())
                .setCompletedAtMs(completedAtMs)
                .setMetadata(new HashMap<>(req.getMetadata()))
                .build();
    }

    public static DeadLetter deadLetter(RoutedRequest routed, AttemptSummary current, FailureReason reason,
                                        ErrorClass errorClass, String message, SourcePosition source, long failedAtMs) {
        return DeadLetter.newBuilder()
                .setJobId(routed.getRequest().getJobId())
                .setTenant(routed.getRequest().getTenant())
                .setReason(reason)
                .setErrorClass(errorClass)
                .setMessage(message)
                .setComponent(COMPONENT)
                .setProvider(routed.getDeployment().getProvider())
                .setRequest(routed.getRequest())
                .setAttempts(attempts(routed, current))
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setFailedAtMs(failedAtMs)
                .build();
    }

    /** The record for detour.retries: the same routed request with this attempt appended to {@code tried}. */
    public static RoutedRequest retry(RoutedRequest routed, AttemptSummary current) {
        return RoutedRequest.newBuilder(routed)
                .setTried(attempts(routed, current))
                .setNotBeforeMs(null)
                .build();
    }

    /** A record whose bytes could not be read: kept with its original bytes for audit and replay. */
    public static DeadLetter undecodable(String jobId, String provider, String message, SourcePosition source,
                                         byte[] key, byte[] value, long failedAtMs) {
        return DeadLetter.newBuilder()
                .setJobId(jobId)
                .setReason(FailureReason.UNDECODABLE)
                .setMessage(message)
                .setComponent(COMPONENT)
                .setProvider(provider)
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
                .setFailedAtMs(failedAtMs)
                .build();
    }

    /**
     * The terminal result of a job whose routed record could not be read. The job id (the record
     * key) is all that is known; without this result the submitter would wait forever.
     */
    public static CompletionResult undecodableResult(String jobId, String message, long completedAtMs) {
        return CompletionResult.newBuilder()
                .setJobId(jobId)
                .setTenant("")
                .setStatus(ResultStatus.FAILED)
                .setRequestedModel("")
                .setFailureReason(FailureReason.UNDECODABLE)
                .setFailureMessage(message)
                .setSubmittedAtMs(0)
                .setCompletedAtMs(completedAtMs)
                .build();
    }

    /** Where a record came from. */
    public record SourcePosition(String topic, int partition, long offset) {}
}
