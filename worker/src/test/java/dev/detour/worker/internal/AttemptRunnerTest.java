package dev.detour.worker.internal;

import static dev.detour.worker.Fixtures.DEPLOYMENT;
import static dev.detour.worker.Fixtures.PROVIDER;
import static dev.detour.worker.Fixtures.usage;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.detour.core.RetryDecision;
import dev.detour.providers.ProviderReply;
import dev.detour.schema.AttemptSummary;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.FailureReason;
import dev.detour.schema.ProviderLimits;
import dev.detour.schema.RateLimitSnapshot;
import dev.detour.schema.ResultStatus;
import dev.detour.schema.RoutedRequest;
import dev.detour.worker.AdapterRegistry;
import dev.detour.worker.CostFunction;
import dev.detour.worker.DeploymentCatalog;
import dev.detour.worker.Fixtures;
import dev.detour.worker.RetrySettings;
import dev.detour.worker.flow.Throttles;
import dev.detour.worker.internal.JobRecords.SourcePosition;
import dev.detour.worker.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AttemptRunnerTest {
    private static final long T0 = 1_000_000;
    private static final SourcePosition SOURCE = new SourcePosition("detour.provider.acme", 0, 42);

    private final ManualClock clock = new ManualClock(T0);
    private final RecordingOutlets out = new RecordingOutlets();
    private final WorkerMetrics metrics = new WorkerMetrics(new MetricRegistry());
    private final Throttles throttles = new Throttles(p -> null);
    private final RetrySettings fastRetry = new RetrySettings(3, Duration.ofMillis(1), 2.0, 0.5, Duration.ofMillis(2));

    private static ProviderReply.Completion ok(long in, long out) {
        return new ProviderReply.Completion("hi there", "stop", usage(in, out), null);
    }

    private static ProviderReply.Failure fail(ErrorClass c, Integer status) {
        return ProviderReply.Failure.of(c, status, c.name().toLowerCase() + " from provider");
    }

    private AttemptRunner runner(ScriptedAdapter adapter, DeploymentCatalog catalog) {
        return new AttemptRunner(AdapterRegistry.of(Map.of(PROVIDER, adapter)), catalog, CostFunction.catalogPricing(),
                throttles, fastRetry, Duration.ofSeconds(60), Duration.ofSeconds(5), "w1", metrics, clock);
    }

    private ScriptedAdapter adapter(long latencyMs, ProviderReply... replies) {
        return new ScriptedAdapter(PROVIDER, clock, latencyMs, replies);
    }

    private void run(ScriptedAdapter adapter, RoutedRequest routed) throws Exception {
        run(adapter, Fixtures.catalog(null, null), routed);
    }

    private void run(ScriptedAdapter adapter, DeploymentCatalog catalog, RoutedRequest routed) throws Exception {
        Emitter emit = new Emitter(out, () -> false);
        runner(adapter, catalog).run(routed, SOURCE, emit);
        emit.awaitAll();
    }

    @Test
    void successPublishesFeedbackUsageAndOneResultCostingEveryAttempt() throws Exception {
        AttemptSummary earlier = JobRecords.summary(Fixtures.routed("j1", 1, null), false, ErrorClass.OVERLOADED, 529,
                "busy", 1000L, 1_000, usage(1, 1), 1, 2);
        RoutedRequest routed = RoutedRequest.newBuilder(Fixtures.routed("j1", 2, null)).setTried(List.of(earlier)).build();

        run(adapter(50, ok(100, 50)), routed);

        assertThat(out.feedback).singleElement().satisfies(f -> {
            assertThat(f.getAttemptId()).isEqualTo("j1#2");
            assertThat(f.getSucceeded()).isTrue();
            assertThat(f.getDeploymentId()).isEqualTo(DEPLOYMENT);
            assertThat(f.getLatencyMs()).isEqualTo(50);
            assertThat(f.getWorkerInstance()).isEqualTo("w1");
        });
        // 100 input tokens at $1/M + 50 output at $2/M = 200 micro-dollars.
        assertThat(out.usage).singleElement().satisfies(u -> {
            assertThat(u.getAttemptId()).isEqualTo("j1#2");
            assertThat(u.getCostMicros()).isEqualTo(200);
            assertThat(u.getRequestedModel()).isEqualTo("small");
        });
        assertThat(out.results).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
            assertThat(r.getContent()).isEqualTo("hi there");
            assertThat(r.getCostMicros()).isEqualTo(1_200);
            assertThat(r.getAttempts()).extracting(AttemptSummary::getAttemptId).containsExactly("j1#1", "j1#2");
            assertThat(r.getAttempts().get(1).getSucceeded()).isTrue();
            assertThat(r.getMetadata()).containsEntry("k", "v");
        });
        assertThat(out.retries).isEmpty();
        assertThat(out.deadLetters).isEmpty();
    }

    @Test
    void aTransientFaultIsRetriedOnTheSameDeploymentUnderASuffixedAttemptId() throws Exception {
        ProviderReply.Failure billedFailure = new ProviderReply.Failure(ErrorClass.SERVER_ERROR, 500, "oops", null, null,
                usage(10, 0));
        ScriptedAdapter adapter = adapter(20, billedFailure, ok(100, 50));
        run(adapter, Fixtures.routed("j2", 1, null));

        assertThat(adapter.calls).hasSize(2);
        assertThat(out.feedback).extracting(f -> f.getAttemptId() + ":" + f.getSucceeded())
                .containsExactly("j2#1:false", "j2#1.2:true");
        assertThat(out.usage).extracting(u -> u.getAttemptId() + "=" + u.getCostMicros())
                .containsExactly("j2#1=10", "j2#1.2=200");
        assertThat(out.results).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
            assertThat(r.getCostMicros()).as("both billed calls").isEqualTo(210);
            assertThat(r.getAttempts()).singleElement().satisfies(a -> {
                assertThat(a.getAttemptId()).isEqualTo("j2#1");
                assertThat(a.getCostMicros()).isEqualTo(210);
                assertThat(a.getUsage().getInputTokens()).isEqualTo(110);
            });
        });
        assertThat(metrics.registry().counter("detour_worker_same_deployment_retries{deployment=\"acme/small\"}")
                .getCount()).isEqualTo(1);
    }

    @Test
    void exhaustedRetriesGoBackToTheRouterWithTheLastError() throws Exception {
        ScriptedAdapter adapter = adapter(5, fail(ErrorClass.SERVER_ERROR, 503), fail(ErrorClass.SERVER_ERROR, 503),
                fail(ErrorClass.SERVER_ERROR, 502), ok(1, 1));
        run(adapter, Fixtures.routed("j3", 1, null));

        assertThat(adapter.calls).hasSize(3);
        assertThat(out.feedback).hasSize(3);
        assertThat(out.results).isEmpty();
        assertThat(out.retries).singleElement().satisfies(r -> {
            assertThat(r.getAttempt()).isEqualTo(1);
            assertThat(r.getTried()).singleElement().satisfies(a -> {
                assertThat(a.getErrorClass()).isEqualTo(ErrorClass.SERVER_ERROR);
                assertThat(a.getHttpStatus()).isEqualTo(502);
                assertThat(a.getMessage()).contains("after 3 tries");
            });
        });
    }

    @Test
    void aRateLimitGoesBackToTheRouterWithRetryAfterAndHoldsTheDeploymentHere() throws Exception {
        ProviderReply.Failure limited = new ProviderReply.Failure(ErrorClass.RATE_LIMITED, 429, "slow down", 1_500L,
                null, null);
        ScriptedAdapter adapter = adapter(5, limited);
        run(adapter, Fixtures.routed("j4", 1, null));

        assertThat(adapter.calls).hasSize(1);
        assertThat(out.feedback).singleElement().satisfies(f -> {
            assertThat(f.getErrorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
            assertThat(f.getRetryAfterMs()).isEqualTo(1_500);
        });
        assertThat(out.retries).singleElement().satisfies(r -> assertThat(r.getTried()).singleElement().satisfies(a -> {
            assertThat(a.getErrorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
            assertThat(a.getHttpStatus()).isEqualTo(429);
            assertThat(a.getRetryAfterMs()).isEqualTo(1_500);
        }));
        assertThat(throttles.waitFor(PROVIDER, DEPLOYMENT, clock.nowMs())).isEqualTo(1_500);
    }

    @Test
    void aBadKeyHandsTheJobToAnotherDeploymentThroughTheRouter() throws Exception {
        run(adapter(5, fail(ErrorClass.AUTH, 401)), Fixtures.routed("j5", 1, null));

        assertThat(out.results).isEmpty();
        assertThat(out.retries).singleElement().satisfies(r -> assertThat(r.getTried()).singleElement()
                .satisfies(a -> assertThat(a.getHttpStatus()).isEqualTo(401)));
        assertThat(RetryDecision.deploymentReusableForJob(ErrorClass.AUTH)).isFalse();
    }

    @Test
    void anInvalidRequestEndsTheJobWithAFailedResultAndADeadLetter() throws Exception {
        run(adapter(5, fail(ErrorClass.INVALID_REQUEST, 400)), Fixtures.routed("j6", 1, null));

        assertThat(out.results).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(ResultStatus.FAILED);
            assertThat(r.getFailureReason()).isEqualTo(FailureReason.NON_RETRYABLE);
            assertThat(r.getAttempts()).hasSize(1);
        });
        assertThat(out.deadLetters).singleElement().satisfies(d -> {
            assertThat(d.getReason()).isEqualTo(FailureReason.NON_RETRYABLE);
            assertThat(d.getErrorClass()).isEqualTo(ErrorClass.INVALID_REQUEST);
            assertThat(d.getRequest().getJobId()).isEqualTo("j6");
            assertThat(d.getSourceOffset()).isEqualTo(42);
            assertThat(d.getComponent()).isEqualTo("worker");
        });
        assertThat(out.retries).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ErrorClass.class)
    void everyErrorClassEndsInExactlyOneOutcomeAsItsRetryDecisionSays(ErrorClass c) throws Exception {
        ScriptedAdapter adapter = adapter(5, fail(c, 500), fail(c, 500), fail(c, 500));
        run(adapter, Fixtures.routed("jc", 1, null));

        RetryDecision decision = RetryDecision.of(c);
        assertThat(adapter.calls).hasSize(decision == RetryDecision.RETRY_SAME ? 3 : 1);
        assertThat(out.feedback).hasSize(adapter.calls.size());
        if (decision == RetryDecision.TERMINAL) {
            assertThat(out.results).singleElement().extracting(r -> r.getStatus()).isEqualTo(ResultStatus.FAILED);
            assertThat(out.deadLetters).hasSize(1);
            assertThat(out.retries).isEmpty();
        } else {
            assertThat(out.results).isEmpty();
            assertThat(out.deadLetters).isEmpty();
            assertThat(out.retries).singleElement()
                    .satisfies(r -> assertThat(r.getTried().get(0).getErrorClass()).isEqualTo(c));
        }
    }

    @Test
    void aJobPastItsDeadlineEndsWithoutACall() throws Exception {
        ScriptedAdapter adapter = adapter(5, ok(1, 1));
        run(adapter, Fixtures.routed("j7", 1, T0 - 1));

        assertThat(adapter.calls).isEmpty();
        assertThat(out.feedback).isEmpty();
        assertThat(out.results).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(ResultStatus.FAILED);
            assertThat(r.getFailureReason()).isEqualTo(FailureReason.DEADLINE);
        });
        assertThat(out.deadLetters).singleElement().extracting(d -> d.getReason()).isEqualTo(FailureReason.DEADLINE);
    }

    @Test
    void theDeadlineCutsACallShortAndEndsTheJobWithoutBlamingTheDeployment() throws Exception {
        ScriptedAdapter adapter = adapter(5_000, ok(1, 1));
        run(adapter, Fixtures.routed("j8", 1, T0 + 1_000));

        assertThat(adapter.calls).singleElement()
                .satisfies(c -> assertThat(c.timeout()).isEqualTo(Duration.ofMillis(1_000)));
        assertThat(out.feedback).as("a cut by the job's deadline is no health signal").isEmpty();
        assertThat(out.results).singleElement().extracting(r -> r.getFailureReason()).isEqualTo(FailureReason.DEADLINE);
    }

    @Test
    void noRetryIsStartedThatCouldNotFinishBeforeTheDeadline() throws Exception {
        ScriptedAdapter adapter = adapter(10, fail(ErrorClass.SERVER_ERROR, 500), ok(1, 1));
        run(adapter, Fixtures.routed("j9", 1, T0 + 50));

        assertThat(adapter.calls).hasSize(1);
        assertThat(out.retries).hasSize(1);
    }

    @Test
    void theDeploymentTimeoutFromTheCatalogBoundsTheCall() throws Exception {
        ScriptedAdapter adapter = adapter(5, ok(1, 1));
        run(adapter, Fixtures.catalog(2_000L, null), Fixtures.routed("j10", 1, null));

        assertThat(adapter.calls).singleElement()
                .satisfies(c -> assertThat(c.timeout()).isEqualTo(Duration.ofMillis(2_000)));
    }

    @Test
    void notBeforeDelaysTheCall() throws Exception {
        RoutedRequest routed = RoutedRequest.newBuilder(Fixtures.routed("j11", 2, null)).setNotBeforeMs(T0 + 3_000).build();
        run(adapter(5, ok(1, 1)), routed);

        assertThat(out.feedback).singleElement()
                .satisfies(f -> assertThat(f.getStartedAtMs()).isGreaterThanOrEqualTo(T0 + 3_000));
    }

    @Test
    void aShortClientSideWaitIsSleptThrough() throws Exception {
        throttles.hold(DEPLOYMENT, T0, 2_000);
        run(adapter(5, ok(1, 1)), Fixtures.routed("j12", 1, null));

        assertThat(out.feedback).singleElement()
                .satisfies(f -> assertThat(f.getStartedAtMs()).isGreaterThanOrEqualTo(T0 + 2_000));
        assertThat(out.results).hasSize(1);
    }

    @Test
    void aLongClientSideWaitSendsTheJobElsewhereWithoutCalling() throws Exception {
        throttles.hold(DEPLOYMENT, T0, 10_000);
        ScriptedAdapter adapter = adapter(5, ok(1, 1));
        run(adapter, Fixtures.routed("j13", 1, null));

        assertThat(adapter.calls).isEmpty();
        assertThat(out.feedback).isEmpty();
        assertThat(out.retries).singleElement().satisfies(r -> assertThat(r.getTried()).singleElement().satisfies(a -> {
            assertThat(a.getErrorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
            assertThat(a.getRetryAfterMs()).isEqualTo(10_000);
            assertThat(a.getHttpStatus()).isNull();
        }));
    }

    @Test
    void headersSayingNothingIsLeftHoldTheNextCall() throws Exception {
        RateLimitSnapshot empty = RateLimitSnapshot.newBuilder().setRequestsLimit(10L).setRequestsRemaining(0L)
                .setRequestsResetMs(700L).build();
        run(adapter(5, new ProviderReply.Completion("a", "stop", usage(1, 1), empty), ok(1, 1)),
                Fixtures.routed("j14", 1, null));
        long firstEnded = out.feedback.get(0).getEndedAtMs();
        assertThat(throttles.waitFor(PROVIDER, DEPLOYMENT, firstEnded)).isEqualTo(700);
    }

    @Test
    void theCatalogsRequestsPerMinutePaceTheCalls() throws Exception {
        DeploymentCatalog catalog = Fixtures.catalog(null, ProviderLimits.newBuilder().setRequestsPerMinute(60L).build());
        Throttles limited = new Throttles(p -> catalog.provider(p).map(s -> s.getLimits()).orElse(null));
        ScriptedAdapter adapter = adapter(0, ok(1, 1), ok(1, 1));
        AttemptRunner runner = new AttemptRunner(AdapterRegistry.of(Map.of(PROVIDER, adapter)), catalog,
                CostFunction.catalogPricing(), limited, fastRetry, Duration.ofSeconds(60), Duration.ofSeconds(5), "w1",
                metrics, clock);
        runner.run(Fixtures.routed("a", 1, null), SOURCE, new Emitter(out, () -> false));
        runner.run(Fixtures.routed("b", 1, null), SOURCE, new Emitter(out, () -> false));

        assertThat(out.feedback.get(1).getStartedAtMs() - out.feedback.get(0).getStartedAtMs()).isEqualTo(1_000);
    }

    @Test
    void aProviderWithoutAnAdapterHandsTheJobBack() throws Exception {
        AttemptRunner runner = new AttemptRunner(p -> Optional.empty(), Fixtures.catalog(null, null),
                CostFunction.catalogPricing(), throttles, fastRetry, Duration.ofSeconds(60), Duration.ofSeconds(5), "w1",
                metrics, clock);
        runner.run(Fixtures.routed("j15", 1, null), SOURCE, new Emitter(out, () -> false));

        assertThat(out.retries).singleElement().satisfies(r ->
                assertThat(r.getTried().get(0).getErrorClass()).isEqualTo(ErrorClass.AUTH));
    }

    @Test
    void abandonedWorkPublishesNothing() throws Exception {
        Emitter emit = new Emitter(out, () -> true);
        runner(adapter(5, ok(1, 1)), Fixtures.catalog(null, null)).run(Fixtures.routed("j16", 1, null), SOURCE, emit);

        assertThat(out.feedback).isEmpty();
        assertThat(out.usage).isEmpty();
        assertThat(out.results).isEmpty();
    }
}
