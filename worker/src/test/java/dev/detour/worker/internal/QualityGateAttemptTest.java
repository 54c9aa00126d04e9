package dev.detour.worker.internal;

import static dev.detour.worker.Fixtures.PROVIDER;
import static dev.detour.worker.Fixtures.usage;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.detour.providers.ProviderReply;
import dev.detour.schema.AttemptSummary;
import dev.detour.schema.CompletionParams;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.FailureReason;
import dev.detour.schema.GateVerdict;
import dev.detour.schema.JudgeSpec;
import dev.detour.schema.QualityPolicy;
import dev.detour.schema.ResponseFormat;
import dev.detour.schema.ResultStatus;
import dev.detour.schema.RoutedRequest;
import dev.detour.worker.AdapterRegistry;
import dev.detour.worker.CostFunction;
import dev.detour.worker.Fixtures;
import dev.detour.worker.RetrySettings;
import dev.detour.worker.flow.Throttles;
import dev.detour.worker.internal.JobRecords.SourcePosition;
import dev.detour.worker.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worker's side of quality gates: verdicts on the result, a failed gate billed and handed back as QUALITY. */
class QualityGateAttemptTest {
    private static final SourcePosition SOURCE = new SourcePosition("detour.provider.acme", 0, 1);
    private final ManualClock clock = new ManualClock(1_000_000);
    private final RecordingOutlets out = new RecordingOutlets();

    private void run(RoutedRequest routed, ProviderReply... replies) throws Exception {
        ScriptedAdapter adapter = new ScriptedAdapter(PROVIDER, clock, 10, replies);
        AttemptRunner runner = new AttemptRunner(AdapterRegistry.of(Map.of(PROVIDER, adapter)), Fixtures.catalog(null, null),
                CostFunction.catalogPricing(), new Throttles(p -> null),
                new RetrySettings(3, Duration.ofMillis(1), 2.0, 0.5, Duration.ofMillis(2)), Duration.ofSeconds(60),
                Duration.ofSeconds(5), "w1", new WorkerMetrics(new MetricRegistry()), clock);
        Emitter emit = new Emitter(out, () -> false);
        runner.run(routed, SOURCE, emit);
        emit.awaitAll();
    }

    private static RoutedRequest routed(QualityPolicy quality, ResponseFormat format) {
        RoutedRequest r = Fixtures.routed("q1", 1, null);
        CompletionRequest req = CompletionRequest.newBuilder(r.getRequest())
                .setParams(CompletionParams.newBuilder().setResponseFormat(format).build()).build();
        return RoutedRequest.newBuilder(r).setRequest(req).setQuality(quality).build();
    }

    private static ProviderReply.Completion answer(String text) {
        return new ProviderReply.Completion(text, "stop", usage(100, 50), null);
    }

    @Test
    void aPassingAnswerSucceedsWithItsVerdicts() throws Exception {
        run(routed(QualityPolicy.newBuilder().setMinLength(5).build(), new ResponseFormat("json_object", null)),
                answer("{\"answer\": 42}"));
        assertThat(out.results).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
            assertThat(r.getVerdicts()).extracting(GateVerdict::getGate).containsExactly("non_empty", "min_length", "json");
            assertThat(r.getVerdicts()).allMatch(GateVerdict::getPassed);
            assertThat(r.getAttempts().get(0).getVerdicts()).hasSize(3);
        });
        assertThat(out.retries).isEmpty();
    }

    @Test
    void aFailedGateIsBilledAndGoesBackToTheRouterAsQuality() throws Exception {
        run(routed(QualityPolicy.newBuilder().build(), new ResponseFormat("json_object", null)),
                answer("{\"answer\": broken"));
        assertThat(out.results).isEmpty();
        assertThat(out.usage).singleElement().satisfies(u -> assertThat(u.getCostMicros()).isEqualTo(200));
        assertThat(out.retries).singleElement().satisfies(r -> {
            AttemptSummary failed = r.getTried().get(r.getTried().size() - 1);
            assertThat(failed.getErrorClass()).isEqualTo(ErrorClass.QUALITY);
            assertThat(failed.getCostMicros()).isEqualTo(200);
            assertThat(failed.getMessage()).contains("json");
            assertThat(failed.getVerdicts()).filteredOn(v -> !v.getPassed()).extracting(GateVerdict::getGate)
                    .containsExactly("json");
        });
        // The call itself worked: the deployment's health is not blamed for the answer.
        assertThat(out.feedback).singleElement().satisfies(f -> assertThat(f.getSucceeded()).isTrue());
    }

    @Test
    void theJudgeScoresPassingAnswersAndItsCallIsBilledToTheJob() throws Exception {
        QualityPolicy withJudge = QualityPolicy.newBuilder()
                .setJudge(new JudgeSpec(Fixtures.DEPLOYMENT, "Is the answer polite?", 0.7)).build();
        run(routed(withJudge, null), answer("Certainly, here it is."), answer("0.4"));
        assertThat(out.retries).singleElement().satisfies(r -> {
            AttemptSummary failed = r.getTried().get(0);
            assertThat(failed.getErrorClass()).isEqualTo(ErrorClass.QUALITY);
            assertThat(failed.getVerdicts()).last().satisfies(v -> {
                assertThat(v.getGate()).isEqualTo("judge");
                assertThat(v.getPassed()).isFalse();
                assertThat(v.getScore()).isEqualTo(0.4);
            });
            assertThat(failed.getCostMicros()).isEqualTo(400); // answer + judge
        });
        assertThat(out.usage).extracting(u -> u.getAttemptId()).containsExactly("q1#1", "q1#1.judge");
    }

    @Test
    void aJudgeScoreAboveTheThresholdPasses() throws Exception {
        QualityPolicy withJudge = QualityPolicy.newBuilder()
                .setJudge(new JudgeSpec(Fixtures.DEPLOYMENT, "Is the answer polite?", 0.7)).build();
        run(routed(withJudge, null), answer("Certainly, here it is."), answer("Score: 9/10"));
        assertThat(out.results).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
            assertThat(r.getVerdicts()).last().satisfies(v -> assertThat(v.getScore()).isEqualTo(0.9));
            assertThat(r.getCostMicros()).isEqualTo(400);
        });
    }

    @Test
    void gatesThatDoNotCompileEndTheJobInsteadOfEscalating() throws Exception {
        run(routed(QualityPolicy.newBuilder().setMustMatch(List.of("(")).build(), null), answer("text"));
        assertThat(out.results).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(ResultStatus.FAILED);
            assertThat(r.getFailureReason()).isEqualTo(FailureReason.INVALID_REQUEST);
        });
        assertThat(out.deadLetters).hasSize(1);
        assertThat(out.retries).isEmpty();
    }
}
