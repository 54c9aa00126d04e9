package dev.detour.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.schema.AttemptSummary;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.FailureReason;
import dev.detour.schema.ResultStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FailureMappingTest {

    private static CompletionResult failed(FailureReason reason, String message, AttemptSummary... attempts) {
        return CompletionResult.newBuilder().setJobId("j").setTenant("t").setStatus(ResultStatus.FAILED)
                .setFailureReason(reason).setFailureMessage(message).setRequestedModel("chat")
                .setAttempts(List.of(attempts)).setSubmittedAtMs(0).setCompletedAtMs(1).setMetadata(Map.of()).build();
    }

    private static AttemptSummary attempt(ErrorClass c, Long retryAfterMs) {
        return AttemptSummary.newBuilder().setAttempt(1).setAttemptId("j#1").setProvider("alpha")
                .setDeploymentId("alpha/m").setModel("m").setErrorClass(c).setRetryAfterMs(retryAfterMs).build();
    }

    @Test
    void budgetIs429InsufficientQuotaThatSdksMustNotRetry() {
        OpenAiError e = FailureMapping.toError(failed(FailureReason.BUDGET, "budget exhausted"));
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.type()).isEqualTo("insufficient_quota");
        assertThat(e.code()).isEqualTo("insufficient_quota");
        assertThat(e.shouldRetry()).isFalse();
    }

    @Test
    void providersDownPastTheDeadlineIs503WithTheLargestRetryAfter() {
        OpenAiError e = FailureMapping.toError(failed(FailureReason.DEADLINE, null,
                attempt(ErrorClass.RATE_LIMITED, 2_500L), attempt(ErrorClass.OVERLOADED, 7_200L)));
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.retryAfterSeconds()).isEqualTo(8);
        assertThat(FailureMapping.toError(failed(FailureReason.NO_ROUTE, null)).retryAfterSeconds())
                .isEqualTo(FailureMapping.DEFAULT_RETRY_AFTER_SECONDS);
    }

    @Test
    void nonRetryableFollowsTheLastErrorClass() {
        assertThat(FailureMapping.toError(failed(FailureReason.NON_RETRYABLE, null, attempt(ErrorClass.CONTEXT_LENGTH, null))))
                .extracting(OpenAiError::status, OpenAiError::code, OpenAiError::param)
                .containsExactly(400, "context_length_exceeded", "messages");
        assertThat(FailureMapping.toError(failed(FailureReason.NON_RETRYABLE, null, attempt(ErrorClass.AUTH, null))).status())
                .as("our provider key was refused: not the caller's fault").isEqualTo(502);
        assertThat(FailureMapping.toError(failed(FailureReason.INTERNAL, "NPE at dev.detour.X")).message())
                .doesNotContain("NPE");
    }

    @Test
    void invalidRequestMessagesLoseUrlsAndHostNames() {
        OpenAiError e = FailureMapping.toError(failed(FailureReason.INVALID_REQUEST,
                "bad tools JSON sent to https://api.internal.example:8443/v1 via 10.0.0.7:9092"));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.message()).contains("bad tools JSON").doesNotContain("internal", "10.0.0.7", "https://");
    }
}
