package dev.detour.router.internal;

import dev.detour.schema.AttemptSummary;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.DeadLetter;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.FailureReason;
import dev.detour.schema.ResultStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** The two records every router-side terminal failure produces: a FAILED result and a dead letter. */
final class TerminalRecords {
    static final String COMPONENT = "router";

    private TerminalRecords() {}

    /** Where the failing record came from. */
    record Source(String topic, Integer partition, Long offset) {
        static final Source NONE = new Source(null, null, null);
    }

    static CompletionResult failedResult(String jobId, CompletionRequest request, List<AttemptSummary> tried,
                                         FailureReason reason, String message, long nowMs) {
        long cost = tried.stream().mapToLong(AttemptSummary::getCostMicros).sum();
        AttemptSummary last = tried.isEmpty() ? null : tried.get(tried.size() - 1);
        return CompletionResult.newBuilder()
                .setJobId(jobId)
                .setTenant(request == null ? "" : request.getTenant())
                .setStatus(ResultStatus.FAILED)
                .setCostMicros(cost)
                .setProvider(last == null ? null : last.getProvider())
                .setDeploymentId(last == null ? null : last.getDeploymentId())
                .setModel(last == null ? null : last.getModel())
                .setRequestedModel(request == null ? "" : request.getModel())
                .setAttempts(List.copyOf(tried))
                .setFailureReason(reason)
                .setFailureMessage(message)
                .setSubmittedAtMs(request == null ? nowMs : request.getSubmittedAtMs())
                .setCompletedAtMs(nowMs)
                .setMetadata(request == null ? Map.of() : request.getMetadata())
                // A job failing on quality shows why: the verdicts of its last answer.
                .setVerdicts(last == null ? List.of() : List.copyOf(last.getVerdicts()))
                .build();
    }

    static DeadLetter deadLetter(String jobId, CompletionRequest request, List<AttemptSummary> tried,
                                 FailureReason reason, String message, Source source, String originalKey,
                                 byte[] originalValue, long nowMs) {
        AttemptSummary last = tried.isEmpty() ? null : tried.get(tried.size() - 1);
        ErrorClass errorClass = last == null ? null : last.getErrorClass();
        return DeadLetter.newBuilder()
                .setJobId(jobId)
                .setTenant(request == null ? null : request.getTenant())
                .setReason(reason)
                .setErrorClass(errorClass)
                .setMessage(message)
                .setComponent(COMPONENT)
                .setProvider(last == null ? null : last.getProvider())
                .setRequest(request)
                .setAttempts(List.copyOf(tried))
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setOriginalKey(originalKey == null ? null : ByteBuffer.wrap(originalKey.getBytes(StandardCharsets.UTF_8)))
                .setOriginalValue(originalValue == null ? null : ByteBuffer.wrap(originalValue))
                .setFailedAtMs(nowMs)
                .build();
    }
}
