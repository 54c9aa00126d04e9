package dev.detour.cli.demo;

import dev.detour.schema.AttemptSummary;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.ResultStatus;
import java.util.List;

/** What the demo keeps of one finished job. */
public record JobSample(String jobId, long submittedAtMs, long completedAtMs, boolean succeeded, String provider,
                        String model, String requestedModel, long costMicros, List<Attempt> attempts,
                        String failureReason) {

    /** One attempt: which provider, when it started, and how it ended (null error class = success). */
    public record Attempt(String provider, long startedAtMs, String errorClass, long costMicros) {}

    public static JobSample of(CompletionResult r) {
        List<Attempt> attempts = r.getAttempts().stream()
                .map(JobSample::attempt)
                .toList();
        return new JobSample(r.getJobId(), r.getSubmittedAtMs(), r.getCompletedAtMs(),
                r.getStatus() == ResultStatus.SUCCEEDED, r.getProvider(), r.getModel(), r.getRequestedModel(),
                r.getCostMicros(), attempts, r.getFailureReason() == null ? null : r.getFailureReason().name());
    }

    private static Attempt attempt(AttemptSummary a) {
        return new Attempt(a.getProvider(), a.getStartedAtMs(),
                a.getErrorClass() == null || a.getSucceeded() ? null : a.getErrorClass().name(), a.getCostMicros());
    }

    public long latencyMs() {
        return Math.max(0, completedAtMs - submittedAtMs);
    }

    /** A job failed over when another provider than the first one tried ended up answering it. */
    public boolean failedOver() {
        return attempts.stream().map(Attempt::provider).distinct().count() > 1;
    }
}
