package dev.detour.router.policy;

import dev.detour.core.quality.QualityGates;
import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.FailureReason;
import java.util.Optional;

/** Checks a new request before it is routed; a problem ends the job at once. */
public final class RequestValidation {
    private RequestValidation() {}

    /** A problem with the request, or empty when it may be routed. */
    public record Problem(FailureReason reason, String message) {}

    public static Optional<Problem> check(CompletionRequest r, RoutingCatalog catalog, long nowMs) {
        if (r.getJobId() == null || r.getJobId().isBlank()) {
            return invalid("jobId is empty");
        }
        if (r.getTenant() == null || r.getTenant().isBlank()) {
            return invalid("tenant is empty");
        }
        if (r.getMessages() == null || r.getMessages().isEmpty()) {
            return invalid("messages are empty");
        }
        for (ChatMessage m : r.getMessages()) {
            if (m.getRole() == null || m.getRole().isBlank()) {
                return invalid("a message has no role");
            }
        }
        Integer maxTokens = r.getParams() == null ? null : r.getParams().getMaxTokens();
        if (maxTokens != null && maxTokens <= 0) {
            return invalid("maxTokens must be positive, got " + maxTokens);
        }
        if (r.getDeadlineMs() != null) {
            if (r.getDeadlineMs() <= r.getSubmittedAtMs()) {
                return invalid("deadline " + r.getDeadlineMs() + " is not after submission " + r.getSubmittedAtMs());
            }
            if (r.getDeadlineMs() <= nowMs) {
                return Optional.of(new Problem(FailureReason.DEADLINE, "deadline passed before the job was routed"));
            }
        }
        if (!catalog.isEmpty() && !catalog.knows(r.getModel())) {
            return invalid("unknown model or group '" + r.getModel() + "'");
        }
        if (r.getQuality() != null) {
            var format = r.getParams() == null ? null : r.getParams().getResponseFormat();
            if (QualityGates.compile(r.getQuality(), format, "quality") instanceof QualityGates.Invalid bad) {
                return invalid("bad quality gates: " + bad.problems().get(0));
            }
            var judge = r.getQuality().getJudge();
            if (judge != null && !catalog.isEmpty() && catalog.deployment(judge.getDeploymentId()).isEmpty()) {
                return invalid("bad quality gates: quality.judge.deploymentId: unknown deployment '"
                        + judge.getDeploymentId() + "'");
            }
        }
        return Optional.empty();
    }

    private static Optional<Problem> invalid(String message) {
        return Optional.of(new Problem(FailureReason.INVALID_REQUEST, message));
    }
}
